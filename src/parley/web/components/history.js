// <parley-history>: My History. The interactions this agent handled, newest
// first (a supervisor sees everyone's), filtered by contact, dates,
// disposition and state; each with its outcome and transcript, and "Create
// new chat" to write to that contact again.

import { historyQuery } from "../models/directory.js"
import { registerPanel } from "../panels.js"
import { h, replace } from "./dom.js"
import { historyList, pastInteraction } from "./past_interaction.js"

const STATES = [["", "Any state"], ["done", "Done"], ["active", "Active"], ["offered", "Offered"],
  ["parked", "In a workbin"], ["queued", "Queued"]]

export class ParleyHistory extends HTMLElement {
  #ctx
  #form
  #error
  #list
  #detail
  #more
  #items = []
  #next = null
  #selected = null

  /** @param {{store, desktop, clock, notify, createChat}} ctx */
  connect(ctx) {
    this.#ctx = ctx
  }

  connectedCallback() {
    if (this.firstChild) return
    const field = (label, control) => h("label", { class: "vfield" }, h("span", { class: "vfield-label" }, label), control)
    this.#form = h("form", { class: "view-filters", role: "search", "aria-label": "Filter history",
      onsubmit: (e) => { e.preventDefault(); this.reload() } },
    field("Contact", h("input", { name: "q", type: "search", placeholder: "Name or number", autocomplete: "off", maxlength: 200 })),
    field("From", h("input", { name: "since", type: "date" })),
    field("To", h("input", { name: "until", type: "date" })),
    field("Disposition", h("select", { name: "disposition" }, h("option", { value: "" }, "Any disposition"))),
    field("State", h("select", { name: "state" }, STATES.map(([v, t]) => h("option", { value: v }, t)))),
    h("button", { type: "submit", class: "btn btn-secondary" }, "Apply filters"))
    this.#form.addEventListener("change", () => this.reload())
    this.#error = h("p", { class: "view-error", role: "alert", hidden: true })
    this.#list = h("div", { class: "view-list-body" })
    this.#more = h("button", { type: "button", class: "btn btn-ghost btn-small", hidden: true,
      onclick: () => this.#load(true) }, "Load older")
    this.#detail = h("div", { class: "view-detail" },
      h("p", { class: "muted view-empty" }, "Select an interaction to see its transcript and outcome."))
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, "My History"), this.#form),
      this.#error,
      h("div", { class: "view-split" },
        h("div", { class: "view-list" }, this.#list, h("div", { class: "view-more" }, this.#more)),
        this.#detail))
  }

  /** Called when the view is shown: fresh data each time. */
  shown() {
    const select = this.#form.elements.namedItem("disposition")
    if (select.options.length === 1) {
      for (const code of this.#ctx.store.config?.dispositions ?? []) select.append(h("option", { value: code }, code))
    }
    this.reload()
  }

  focusFirst() {
    this.#form.elements.namedItem("q").focus()
  }

  reload() {
    this.#items = []
    this.#next = null
    this.#load(false)
  }

  async #load(more) {
    const values = Object.fromEntries(new FormData(this.#form))
    const { params, error } = historyQuery({ ...values, before: more ? this.#next : null })
    this.#error.hidden = !error
    this.#error.textContent = error
    if (error) return
    try {
      const page = await this.#ctx.desktop.history(params)
      this.#items = more ? this.#items.concat(page.items) : page.items
      this.#next = page.next_before
      this.#renderList()
    } catch (e) {
      this.#error.hidden = false
      this.#error.textContent = e?.message || "Couldn’t load the history."
    }
  }

  #renderList() {
    this.#more.hidden = this.#next === null
    replace(this.#list, historyList(this.#items, { selectedId: this.#selected?.id, label: "Past interactions",
      onPick: (item) => this.#pick(item) }))
  }

  #pick(item) {
    this.#selected = item
    this.#renderList()
    this.#list.querySelector(`button[data-id="${item.id}"]`)?.focus()
    const ctx = this.#ctx
    replace(this.#detail, pastInteraction(item, { desktop: ctx.desktop, clock: ctx.clock, me: ctx.store.me,
      createChat: ctx.createChat, attachmentUrl: ctx.attachmentUrl }))
  }
}

customElements.define("parley-history", ParleyHistory)
registerPanel({
  id: "history", region: "view", order: 20, label: "My History",
  create: () => h("parley-history", { role: "region", "aria-label": "My History" }),
})
