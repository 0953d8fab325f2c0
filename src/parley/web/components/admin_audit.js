// <parley-admin-audit>: the Audit log page: filters (From, To, Actor, Action),
// the entries newest first with "Load older", and Export CSV of what the
// filters select.

import { ACTIONS, actorName, auditQuery } from "../models/admin.js"
import { h, replace } from "./dom.js"

export class ParleyAdminAudit extends HTMLElement {
  #ctx
  #form
  #actor
  #rows
  #more
  #export
  #status
  #next = null
  #query = {}

  connect(ctx) { this.#ctx = ctx }

  connectedCallback() {
    if (this.firstChild) return
    const field = (label, control) => h("label", { class: "vfield" }, h("span", { class: "vfield-label" }, label), control)
    this.#actor = h("select", { name: "actor", "aria-label": "Actor" }, h("option", { value: "" }, "Anyone"))
    this.#export = h("a", { class: "btn btn-secondary", href: "#", download: "" }, "Export CSV")
    this.#form = h("form", { class: "view-filters", role: "search", "aria-label": "Filter the audit log",
      onsubmit: (e) => { e.preventDefault(); this.#load() } },
    field("From", h("input", { name: "from", type: "date" })),
    field("To", h("input", { name: "to", type: "date" })),
    field("Actor", this.#actor),
    field("Action", h("select", { name: "action", "aria-label": "Action" }, ACTIONS.map(([v, t]) => h("option", { value: v }, t)))),
    h("button", { type: "submit", class: "btn btn-secondary" }, "Apply filters"),
    this.#export)
    this.#rows = h("tbody", {})
    this.#more = h("button", { type: "button", class: "btn btn-secondary", hidden: true, onclick: () => this.#load(true) }, "Load older")
    this.#status = h("p", { class: "admin-status", role: "status" })
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, "Audit log"), this.#form),
      this.#status,
      h("div", { class: "admin-table-wrap" },
        h("table", { class: "admin-table audit-table", "aria-label": "Audit log entries" },
          h("thead", {}, h("tr", {}, ["When", "Who", "Action", "What"].map((t) => h("th", { scope: "col" }, t)))),
          this.#rows),
        h("div", { class: "view-more" }, this.#more)))
  }

  async shown() {
    this.#ctx.admin.users().then((users) => {
      const chosen = this.#actor.value
      replace(this.#actor, h("option", { value: "" }, "Anyone"),
        users.map((u) => h("option", { value: u.username, selected: u.username === chosen }, `${u.name} (${u.username})`)))
    }).catch(() => {})
    await this.#load()
  }

  async #load(older = false) {
    if (!older) {
      const data = Object.fromEntries(new FormData(this.#form))
      const offset = data.from ? new Date(`${data.from}T00:00`).getTimezoneOffset() : new Date().getTimezoneOffset()
      this.#query = auditQuery(data, offset)
      this.#export.href = this.#ctx.admin.auditCsvUrl(this.#query)
      this.#next = null
    }
    try {
      const page = await this.#ctx.admin.audit({ ...this.#query, limit: 100, before: older ? this.#next : undefined })
      const rows = page.items.map((e) => h("tr", {},
        h("td", { class: "audit-when" }, h("time", { datetime: e.at }, new Date(e.at).toLocaleString())),
        h("td", {}, actorName(e)),
        h("td", {}, h("code", {}, e.action)),
        h("td", {}, e.summary)))
      if (older) this.#rows.append(...rows)
      else replace(this.#rows, rows.length ? rows : h("tr", {}, h("td", { colspan: "4", class: "muted" }, "No entries match these filters.")))
      this.#next = page.next_before
      this.#more.hidden = this.#next === null
      this.#say("")
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  #say(text, error = false) {
    this.#status.textContent = text
    this.#status.dataset.error = error ? "true" : ""
  }
}

customElements.define("parley-admin-audit", ParleyAdminAudit)
