// <parley-status>: the agent's name and presence, with the always-visible
// controls "Ready", "Not Ready" (plus a menu of reasons) and "Log out".

import { registerPanel } from "../panels.js"
import { h, icon, replace } from "./dom.js"

export const DEFAULT_REASONS = ["Break", "Lunch", "Meeting", "Training", "Admin work"]

const LABELS = { ready: "Ready", not_ready: "Not Ready", logged_out: "Logged out" }

export class ParleyStatus extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #summary
  #ready
  #notReady
  #reasonButton
  #menu

  /** @param {{store, desktop, notify, logout}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic }) => {
      if (topic === "me" || topic === "config") this.#render()
    })
    this.#render()
  }

  connectedCallback() {
    if (!this.firstChild) this.#build()
    document.addEventListener("click", this.#outside)
    this.#render()
  }

  #build() {
    this.#summary = h("span", { class: "presence" })
    this.#ready = h("button", { type: "button", class: "btn btn-seg", "aria-pressed": "false",
      onclick: () => this.#set("ready") }, "Ready")
    this.#notReady = h("button", { type: "button", class: "btn btn-seg", "aria-pressed": "false",
      onclick: () => this.#set("not_ready") }, "Not Ready")
    this.#reasonButton = h("button", { type: "button", class: "btn btn-seg btn-seg-icon",
      "aria-label": "Choose reason", "aria-haspopup": "menu", "aria-expanded": "false",
      onclick: () => this.#toggleMenu() }, icon("chevron", { size: 14 }))
    this.#menu = h("div", { class: "menu", role: "menu", "aria-label": "Reasons", hidden: true,
      onkeydown: (e) => this.#menuKey(e) })
    const logout = h("button", { type: "button", class: "btn btn-ghost", onclick: () => this.#ctx?.logout() },
      icon("logout"), h("span", {}, "Log out"))
    this.append(
      this.#summary,
      h("div", { class: "seg", role: "group", "aria-label": "Status" },
        this.#ready, this.#notReady, h("div", { class: "menu-anchor" }, this.#reasonButton, this.#menu)),
      logout,
    )
  }

  disconnectedCallback() {
    this.#unsubscribe()
    document.removeEventListener("click", this.#outside)
  }

  #outside = (event) => {
    if (!this.#menu.hidden && !this.contains(event.target)) this.#closeMenu(false)
  }

  #render() {
    const me = this.#ctx?.store.me
    if (!me || !this.#summary) return
    const status = me.status ?? "logged_out"
    const label = LABELS[status] ?? status
    replace(this.#summary,
      h("span", { class: "agent-name" }, me.name || me.username || ""),
      h("span", { class: "presence-pill", dataset: { status } },
        h("span", { class: "presence-dot", "aria-hidden": "true" }),
        status === "not_ready" && me.status_reason ? `${label} · ${me.status_reason}` : label))
    this.#ready.setAttribute("aria-pressed", String(status === "ready"))
    this.#notReady.setAttribute("aria-pressed", String(status === "not_ready"))
    const reasons = this.#ctx.store.config.not_ready_reasons
    replace(this.#menu, (Array.isArray(reasons) && reasons.length ? reasons : DEFAULT_REASONS).map((reason) =>
      h("button", { type: "button", role: "menuitemradio", class: "menu-item", tabindex: "-1",
        "aria-checked": String(status === "not_ready" && me.status_reason === reason),
        onclick: () => { this.#closeMenu(true); this.#set("not_ready", String(reason)) } }, String(reason))))
  }

  async #set(status, reason = null) {
    try {
      await this.#ctx.desktop.setStatus(status, reason)
    } catch (error) {
      this.#ctx.notify(error?.message || "Could not change your status.")
    }
  }

  #toggleMenu() {
    if (this.#menu.hidden) this.#openMenu()
    else this.#closeMenu(true)
  }

  #openMenu() {
    this.#menu.hidden = false
    this.#reasonButton.setAttribute("aria-expanded", "true")
    this.#menu.querySelector("[role=menuitemradio]")?.focus()
  }

  #closeMenu(refocus) {
    this.#menu.hidden = true
    this.#reasonButton.setAttribute("aria-expanded", "false")
    if (refocus) this.#reasonButton.focus()
  }

  #menuKey(event) {
    const items = [...this.#menu.querySelectorAll("[role=menuitemradio]")]
    const at = items.indexOf(document.activeElement)
    const move = { ArrowDown: 1, ArrowUp: -1 }[event.key]
    if (move) {
      event.preventDefault()
      items[(at + move + items.length) % items.length]?.focus()
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault()
      items[event.key === "Home" ? 0 : items.length - 1]?.focus()
    } else if (event.key === "Escape" || event.key === "Tab") {
      if (event.key === "Escape") event.preventDefault()
      this.#closeMenu(event.key === "Escape")
    }
  }
}

customElements.define("parley-status", ParleyStatus)

registerPanel({ id: "status", region: "topbar", order: 10, create: () => h("parley-status", {}) })
