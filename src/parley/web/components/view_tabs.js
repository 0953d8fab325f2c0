// The view tabs in the top bar: "Interactions" (the desk: list, open
// interaction, case information) and every registered view (workbins, the
// contact directory, my history). Without registered views there are no tabs.
// Tabs that do not fit the bar's width go, last first, to a "More" menu (the
// chosen tab always stays in the bar), so no tab is ever clipped.

import { h, replace } from "./dom.js"

export class ViewTabs {
  #views
  #desk
  #buttons = new Map()
  #current = "interactions"
  #list
  #more
  #menu
  element

  /** @param {{views: {panel, element}[], desk: HTMLElement[]}} o */
  constructor({ views, desk }) {
    this.#views = views
    this.#desk = desk
    for (const { element } of views) {
      element.hidden = true
      element.classList.add("view")
    }
    const tab = (id, label) => {
      const button = h("button", { type: "button", role: "tab", class: "view-tab", "aria-selected": "false",
        onclick: () => this.show(id), onkeydown: (e) => this.#arrows(e) }, label)
      this.#buttons.set(id, button)
      return button
    }
    this.element = null
    if (views.length) {
      this.#list = h("div", { class: "view-tabs", role: "tablist", "aria-label": "Views" },
        tab("interactions", "Interactions"), ...views.map(({ panel }) => tab(panel.id, panel.label)))
      this.#more = h("button", { type: "button", class: "view-more", hidden: true, "aria-haspopup": "menu",
        "aria-expanded": "false", onclick: () => this.#openMenu(this.#menu.hidden) }, "More ▾")
      this.#menu = h("div", { class: "view-more-menu", role: "menu", "aria-label": "More views", hidden: true,
        onkeydown: (e) => this.#menuKeys(e) })
      this.element = h("div", { class: "view-nav" }, this.#list,
        h("div", { class: "view-more-wrap" }, this.#more, this.#menu))
      globalThis.ResizeObserver && new ResizeObserver(() => this.#fit()).observe(this.element)
      document.addEventListener("pointerdown", (e) => { if (!this.element.contains(e.target)) this.#openMenu(false) })
    }
    this.#paint()
  }

  /** Put in the bar the tabs that fit, the chosen one always; the rest go to the menu. */
  #fit() {
    if (!this.#list) return
    for (const button of this.#buttons.values()) button.hidden = false
    this.#more.hidden = true
    const overflows = () => this.#list.scrollWidth > this.#list.clientWidth + 1
    const away = []
    if (overflows()) {
      this.#more.hidden = false
      for (const [id, button] of [...this.#buttons].reverse()) {
        if (!overflows()) break
        if (id === this.#current) continue
        button.hidden = true
        away.unshift(id)
      }
    }
    replace(this.#menu, ...away.map((id) => h("button", { type: "button", role: "menuitem", class: "view-more-item",
      tabindex: "-1", onclick: () => { this.#openMenu(false); this.show(id); this.#buttons.get(id)?.focus() } },
    this.#buttons.get(id).textContent)))
    if (!away.length) this.#openMenu(false)
  }

  #openMenu(open) {
    if (!this.#menu) return
    this.#menu.hidden = !open
    this.#more.setAttribute("aria-expanded", String(open))
    if (open) this.#menu.querySelector("[role=menuitem]")?.focus()
  }

  #menuKeys(event) {
    const items = [...this.#menu.querySelectorAll("[role=menuitem]")]
    const at = items.indexOf(document.activeElement)
    if (event.key === "Escape") {
      this.#openMenu(false)
      this.#more.focus()
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      items[(at + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus()
    } else return
    event.preventDefault()
  }

  get current() { return this.#current }

  /** Switch to a view ("interactions" is the desk); the view hears `shown()` to refresh itself. */
  show(id) {
    if (!this.#buttons.has(id) && id !== "interactions") return
    this.#current = id
    this.#paint()
    this.#views.find((v) => v.panel.id === id)?.element.shown?.()
  }

  #paint() {
    const onDesk = this.#current === "interactions"
    for (const part of this.#desk) part.hidden = !onDesk
    for (const { panel, element } of this.#views) element.hidden = panel.id !== this.#current
    for (const [id, button] of this.#buttons) {
      const selected = id === this.#current
      button.setAttribute("aria-selected", String(selected))
      button.tabIndex = selected ? 0 : -1
    }
    this.#fit()
  }

  #arrows(event) {
    const ids = [...this.#buttons.keys()]
    const at = ids.indexOf(this.#current)
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key]
    if (step === undefined) return
    event.preventDefault()
    const next = ids[(at + step + ids.length) % ids.length]
    this.show(next)
    this.#buttons.get(next)?.focus()
  }
}
