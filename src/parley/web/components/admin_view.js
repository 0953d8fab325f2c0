// <parley-admin>: the admins' view ("Admin" tab): a navigation of pages
// (Users, Teams, Dispositions, Not Ready reasons, Audit log), one shown at a
// time, each loaded when shown. Supervisors get only the audit log, as its own
// "Audit log" tab.

import { registerPanel } from "../panels.js"
import { h, replace } from "./dom.js"
import "./admin_users.js"
import "./admin_teams.js"
import "./admin_codes.js"
import "./admin_audit.js"

const PAGES = [
  { id: "users", label: "Users", create: () => h("parley-admin-users", {}) },
  { id: "teams", label: "Teams", create: () => h("parley-admin-teams", {}) },
  { id: "dispositions", label: "Dispositions", create: () => h("parley-admin-codes", { kind: "disposition" }) },
  { id: "reasons", label: "Not Ready reasons", create: () => h("parley-admin-codes", { kind: "not_ready_reason" }) },
  { id: "audit", label: "Audit log", create: () => h("parley-admin-audit", {}) },
]

export class ParleyAdmin extends HTMLElement {
  #ctx
  #pages = new Map()
  #buttons = new Map()
  #body
  #current = "users"

  connect(ctx) {
    this.#ctx = ctx
    for (const page of this.#pages.values()) page.connect?.(ctx)
  }

  connectedCallback() {
    if (this.firstChild) return
    const only = this.getAttribute("pages")?.split(",") ?? null
    const pages = PAGES.filter((p) => !only || only.includes(p.id))
    this.#current = pages[0].id
    this.#body = h("div", { class: "admin-page" })
    const nav = pages.length > 1
      ? h("nav", { class: "admin-nav", "aria-label": "Administration" }, pages.map((p) => {
        const button = h("button", { type: "button", class: "admin-nav-item", onclick: () => this.#show(p.id) }, p.label)
        this.#buttons.set(p.id, button)
        return button
      }))
      : null
    for (const p of pages) this.#pages.set(p.id, p.create())
    this.append(nav ?? "", this.#body)
    this.classList.toggle("admin-single", !nav)
    this.#paint()
  }

  /** The view became visible: the page in front loads what it shows. */
  shown() {
    this.#pages.get(this.#current)?.shown?.()
  }

  #show(id) {
    this.#current = id
    this.#paint()
    this.shown()
  }

  #paint() {
    const page = this.#pages.get(this.#current)
    if (page && this.#ctx) page.connect?.(this.#ctx)
    replace(this.#body, page)
    for (const [id, button] of this.#buttons) {
      if (id === this.#current) button.setAttribute("aria-current", "page")
      else button.removeAttribute("aria-current")
    }
  }
}

customElements.define("parley-admin", ParleyAdmin)

registerPanel({ id: "admin", region: "view", label: "Admin", order: 60,
  visible: ({ me }) => me?.role === "admin", create: () => h("parley-admin", {}) })
registerPanel({ id: "audit", region: "view", label: "Audit log", order: 60,
  visible: ({ me }) => me?.role === "supervisor", create: () => h("parley-admin", { pages: "audit" }) })
