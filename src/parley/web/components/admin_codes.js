// <parley-admin-codes kind="disposition|not_ready_reason">: one code list, in
// the order agents see it: add, rename, move up / down, deactivate or
// reactivate, and delete what no record names yet.

import { moved } from "../models/admin.js"
import { h, replace } from "./dom.js"

const WORDS = {
  disposition: { title: "Dispositions", one: "disposition", help: "Offered at Mark Done, in this order." },
  not_ready_reason: { title: "Not Ready reasons", one: "reason", help: "Offered with Not Ready, in this order." },
}

export class ParleyAdminCodes extends HTMLElement {
  #ctx
  #codes = []
  #table
  #status
  #kind

  connect(ctx) { this.#ctx = ctx }

  connectedCallback() {
    if (this.firstChild) return
    this.#kind = this.getAttribute("kind") === "not_ready_reason" ? "not_ready_reason" : "disposition"
    const words = WORDS[this.#kind]
    const input = h("input", { type: "text", maxlength: "100", required: true, "aria-label": `New ${words.one}`,
      placeholder: `New ${words.one}` })
    this.#table = h("table", { class: "admin-table", "aria-label": words.title })
    this.#status = h("p", { class: "admin-status", role: "status" })
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, words.title),
        h("form", { class: "admin-add", onsubmit: (e) => { e.preventDefault(); this.#add(input) } },
          input, h("button", { type: "submit", class: "btn btn-primary" }, "Add"))),
      h("p", { class: "muted admin-intro" }, `${words.help} A ${words.one} that was used is deactivated, not deleted: past records keep it.`),
      this.#status,
      h("div", { class: "admin-table-wrap" }, this.#table))
  }

  async shown() {
    try {
      this.#codes = await this.#ctx.admin.codes(this.#kind)
      this.#render()
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  #say(text, error = false) {
    this.#status.textContent = text
    this.#status.dataset.error = error ? "true" : ""
  }

  #render() {
    const rows = this.#codes.map((code, index) => {
      const label = h("input", { type: "text", value: code.label, maxlength: "100", "aria-label": `Name of ${code.label}`,
        onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); label.blur() } },
        onchange: () => this.#rename(code, label) })
      return h("tr", { dataset: { active: String(code.active) } },
        h("td", { class: "admin-pos" }, String(index + 1)),
        h("td", {}, label),
        h("td", {}, h("span", { class: "tag", dataset: { state: code.active ? "on" : "off" } }, code.active ? "Active" : "Inactive"),
          code.used ? h("span", { class: "muted" }, " used") : null),
        h("td", {}, h("div", { class: "admin-row-actions" },
          h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Move ${code.label} up`,
            disabled: index === 0, onclick: () => this.#move(index, -1) }, "↑"),
          h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Move ${code.label} down`,
            disabled: index === this.#codes.length - 1, onclick: () => this.#move(index, 1) }, "↓"),
          h("button", { type: "button", class: "btn btn-secondary btn-small", "aria-label": `${code.active ? "Deactivate" : "Activate"} ${code.label}`,
            onclick: () => this.#update(code, { active: !code.active }) }, code.active ? "Deactivate" : "Activate"),
          code.used ? null : h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Delete ${code.label}`,
            onclick: () => this.#delete(code) }, "Delete"))))
    })
    replace(this.#table,
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Name"),
        h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: "4", class: "muted" }, "The list is empty: agents choose none."))))
  }

  async #add(input) {
    try {
      const code = await this.#ctx.admin.addCode(this.#kind, input.value.trim())
      this.#codes.push(code)
      input.value = ""
      this.#render()
      this.#say(`Added ${code.label}.`)
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  async #rename(code, input) {
    const label = input.value.trim()
    if (!label || label === code.label) {
      input.value = code.label
      return
    }
    await this.#update(code, { label })
  }

  async #update(code, body) {
    try {
      const saved = await this.#ctx.admin.updateCode(this.#kind, code.id, body)
      this.#codes = this.#codes.map((c) => (c.id === saved.id ? saved : c))
      this.#render()
      this.#say(body.label ? `Renamed to ${saved.label}.` : `${saved.label} is ${saved.active ? "active" : "inactive"}.`)
    } catch (error) {
      this.#render()
      this.#say(error.message, true)
    }
  }

  async #move(index, delta) {
    try {
      this.#codes = await this.#ctx.admin.orderCodes(this.#kind, moved(this.#codes.map((c) => c.id), index, delta))
      this.#render()
      this.#table.querySelectorAll("tbody tr")[index + delta]?.querySelector(`button[aria-label$="${delta < 0 ? "up" : "down"}"]`)?.focus()
      this.#say("Order saved.")
    } catch (error) {
      this.#say(error.message, true)
      this.shown()
    }
  }

  async #delete(code) {
    try {
      await this.#ctx.admin.deleteCode(this.#kind, code.id)
      this.#codes = this.#codes.filter((c) => c.id !== code.id)
      this.#render()
      this.#say(`Deleted ${code.label}.`)
    } catch (error) {
      this.#say(error.message, true)
    }
  }
}

customElements.define("parley-admin-codes", ParleyAdminCodes)
