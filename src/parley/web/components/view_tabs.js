// The view tabs in the top bar: "Interactions" (the desk: list, open
// interaction, case information) and every registered view (workbins, the
// contact directory, my history). Without registered views there are no tabs.

import { h } from "./dom.js"

export class ViewTabs {
  #views
  #desk
  #buttons = new Map()
  #current = "interactions"
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
    this.element = views.length
      ? h("div", { class: "view-tabs", role: "tablist", "aria-label": "Views" },
        tab("interactions", "Interactions"), ...views.map(({ panel }) => tab(panel.id, panel.label)))
      : null
    this.#paint()
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
