// <parley-directory>: the Contact Directory. Search contacts by name, number
// (any format), email or any field; view and edit one (name, email, notes,
// the custom fields an admin defines); see its interactions with their
// transcripts; "Create new chat"; merge a duplicate into it.

import { contactPatch } from "../models/directory.js"
import { formatPhone } from "../models/format.js"
import { registerPanel } from "../panels.js"
import { h, icon, replace } from "./dom.js"
import { historyList, pastInteraction } from "./past_interaction.js"

const SEARCH_DELAY_MS = 250

export class ParleyDirectory extends HTMLElement {
  #ctx
  #search
  #results
  #detail
  #timer = null
  #contact = null
  #asked = 0

  /** @param {{store, desktop, clock, notify, createChat, confirm}} ctx */
  connect(ctx) {
    this.#ctx = ctx
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#search = h("input", { type: "search", class: "dir-search", "aria-label": "Search contacts", maxlength: 200,
      placeholder: "Name, number, email or any field", autocomplete: "off",
      oninput: () => { clearTimeout(this.#timer); this.#timer = setTimeout(() => this.#find(), SEARCH_DELAY_MS) },
      onkeydown: (e) => { if (e.key === "Enter") { clearTimeout(this.#timer); this.#find() } } })
    this.#results = h("div", { class: "view-list-body" })
    this.#detail = h("div", { class: "view-detail" },
      h("p", { class: "muted view-empty" }, "Search, then pick a contact to see and edit it."))
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, "Contact Directory"),
        h("div", { class: "dir-search-wrap", role: "search" }, icon("search"), this.#search)),
      h("div", { class: "view-split" }, h("div", { class: "view-list" }, this.#results), this.#detail))
  }

  /** Called when the view is shown: fresh results each time. */
  shown() {
    this.#find()
  }

  focusFirst() {
    this.#search.focus()
  }

  async #find() {
    const asked = ++this.#asked
    try {
      const page = await this.#ctx.desktop.searchContacts(this.#search.value.trim())
      if (asked !== this.#asked) return // a newer search is on its way
      this.#renderResults(page?.items ?? [], page?.has_more ?? false)
    } catch (e) {
      this.#ctx.notify(e?.message || "Couldn’t search contacts.")
    }
  }

  #renderResults(items, more) {
    if (!items.length) {
      replace(this.#results, h("p", { class: "muted view-empty", role: "status" }, "No contacts found."))
      return
    }
    // Matches are not counted (a common name has thousands): past one page, ask for more words.
    const note = more && h("p", { class: "muted dir-more", role: "status" },
      `More than ${items.length} contacts match; type more of the name or number to narrow them.`)
    replace(this.#results, note, h("ul", { class: "hist-list", "aria-label": "Contacts" }, items.map((c) =>
      h("li", {}, h("button", { type: "button", class: "hist-row", dataset: { id: c.id },
        "aria-current": c.id === this.#contact?.id ? "true" : "false", onclick: () => this.#open(c.id) },
      h("span", { class: "hist-top" }, h("span", { class: "hist-name", dir: "auto" }, c.name)),
      h("span", { class: "hist-sub mono" }, formatPhone(c.wa_id) || c.email || ""))))))
  }

  async #open(id) {
    try {
      const [contact, history] = await Promise.all([this.#ctx.desktop.contact(id),
        this.#ctx.desktop.contactHistory(id)])
      this.#contact = contact
      for (const b of this.#results.querySelectorAll("button[data-id]")) {
        b.setAttribute("aria-current", String(b.dataset.id === String(id)))
      }
      this.#renderContact(contact, history?.items ?? [])
    } catch (e) {
      if (!this.#followMerge(e)) this.#ctx.notify(e?.message || "Couldn’t open the contact.")
    }
  }

  /** Someone merged the open contact away: say into whom, and show that one. True if so. */
  #followMerge(error) {
    const kept = error?.code === "contact_merged" ? Number(error.detail?.kept_id) : NaN
    if (!Number.isInteger(kept) || kept <= 0) return false
    this.#ctx.notify(error.message, { polite: true, key: "contact-save" })
    this.#find()
    this.#open(kept)
    return true
  }

  #renderContact(contact, items) {
    const ctx = this.#ctx
    const fieldNames = ctx.store.config?.contact_fields ?? []
    // The API's limits, so nothing typed is refused after the fact (notes count down).
    const input = (label, name, value, attrs = {}) => {
      const counter = attrs.counter ? h("span", { class: "vfield-count muted", "aria-live": "polite" }) : null
      const control = h(attrs.multiline ? "textarea" : "input", { name, value: attrs.multiline ? null : value ?? "", rows: attrs.multiline ? 3 : null,
        type: attrs.type ?? (attrs.multiline ? null : "text"), autocomplete: "off", "data-field": attrs.field ?? null,
        maxlength: attrs.max ?? null, oninput: counter ? () => count() : null },
      attrs.multiline ? value ?? "" : null)
      const count = () => {
        const left = attrs.max - control.value.length
        counter.textContent = left <= attrs.counter ? `${left.toLocaleString("en-US")} characters left` : ""
      }
      if (counter) count()
      return h("label", { class: "vfield" }, h("span", { class: "vfield-label" }, label), control, counter)
    }
    const status = h("p", { class: "form-status", role: "status" })
    const form = h("form", { class: "dir-form", "aria-label": "Contact details", onsubmit: async (e) => {
      e.preventDefault()
      const data = new FormData(form)
      const fields = Object.fromEntries(fieldNames.map((f) => [f, String(data.get(`field:${f}`) ?? "")]))
      const body = contactPatch(contact, { name: data.get("name"), email: data.get("email"), notes: data.get("notes"), fields })
      if (!body) { status.textContent = "Nothing to save."; return }
      try {
        const saved = await ctx.desktop.editContact(contact.id, body)
        ctx.dismiss?.("contact-save") // the error of an earlier try no longer holds
        this.#contact = saved
        status.textContent = "Saved."
        Object.assign(contact, saved)
        this.#find()
      } catch (err) {
        status.textContent = ""
        if (!this.#followMerge(err)) ctx.notify(err?.message || "Couldn’t save the contact.", { key: "contact-save" })
      }
    } },
    h("div", { class: "dir-grid" },
      input("Name", "name", contact.name, { max: 200 }),
      input("Email", "email", contact.email, { type: "email", max: 254 }),
      fieldNames.map((f) => input(f, `field:${f}`, contact.fields?.[f], { field: f, max: 500 })),
      h("div", { class: "dir-wide" }, input("Notes", "notes", contact.notes, { multiline: true, max: 4000, counter: 500 }))),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-secondary" }, "Save"), status))
    const detail = h("div", { class: "dir-past" })
    const pick = (item) => {
      replace(detail, pastInteraction(item, { desktop: ctx.desktop, clock: ctx.clock, me: ctx.store.me,
        createChat: ctx.createChat, attachmentUrl: ctx.attachmentUrl }))
      for (const b of list.querySelectorAll("button[data-id]")) b.setAttribute("aria-current", String(b.dataset.id === String(item.id)))
    }
    const list = historyList(items, { selectedId: null, onPick: pick, label: "Interaction history" })
    const create = h("button", { type: "button", class: "btn btn-primary", onclick: async () => {
      create.disabled = true
      try { await ctx.createChat(contact.id) } finally { create.disabled = false }
    } }, icon("chat"), h("span", {}, "Create new chat"))
    replace(this.#detail, h("section", { class: "dir-contact", "aria-label": contact.name },
      h("header", { class: "past-head" },
        h("div", { class: "past-names" }, h("h3", { class: "past-title", dir: "auto" }, contact.name),
          h("p", { class: "past-sub mono" }, formatPhone(contact.wa_id) || "No WhatsApp number")),
        h("div", { class: "cbar-actions" }, this.#mergeButton(contact), create)),
      form,
      h("h4", { class: "case-subtitle" }, "Interaction history"),
      list, detail))
  }

  /** "Merge contacts": pick the duplicate from a search; it goes into this contact. */
  #mergeButton(contact) {
    const ctx = this.#ctx
    return h("button", { type: "button", class: "btn btn-secondary", "aria-haspopup": "dialog", onclick: async () => {
      const dialog = h("dialog", { class: "dialog", "aria-labelledby": "merge-title" })
      const results = h("div", { class: "merge-results" })
      const search = h("input", { type: "search", "aria-label": "Find the duplicate contact", autocomplete: "off", maxlength: 200,
        class: "dir-search", placeholder: "Name or number of the duplicate" })
      let asked = 0
      const find = async () => {
        const mine = ++asked
        let page
        try {
          page = await ctx.desktop.searchContacts(search.value.trim())
        } catch (err) {
          if (mine === asked) replace(results, h("p", { class: "muted", role: "status" }, err?.message || "Couldn’t search contacts."))
          return
        }
        if (mine !== asked) return // a newer search is on its way: answers may arrive out of order
        const others = (page?.items ?? []).filter((c) => c.id !== contact.id)
        const more = page?.has_more && h("p", { class: "muted dir-more", role: "status" },
          `More than ${page.items.length} contacts match; type more of the name or number to narrow them.`)
        replace(results, more || null, others.length ? h("ul", { class: "hist-list", "aria-label": "Duplicates" }, others.map((c) =>
          h("li", {}, h("button", { type: "button", class: "hist-row", onclick: async () => {
            dialog.close()
            dialog.remove()
            const yes = await ctx.confirm({ title: "Merge contacts?", confirm: "Merge",
              text: `${c.name} (${formatPhone(c.wa_id) || "no number"}) will become part of ${contact.name}: its interactions and transcripts move here. This cannot be undone.` })
            if (!yes) return
            try {
              await ctx.desktop.mergeContacts(contact.id, c.id)
              ctx.notify(`Merged ${c.name} into ${contact.name}.`, { polite: true })
              this.#find()
              this.#open(contact.id)
            } catch (err) {
              ctx.notify(err?.message || "Couldn’t merge the contacts.")
            }
          } }, h("span", { class: "hist-top" }, h("span", { class: "hist-name", dir: "auto" }, `Merge ${c.name}`)),
          h("span", { class: "hist-sub mono" }, formatPhone(c.wa_id)))))) : h("p", { class: "muted" }, "No other contacts found."))
      }
      search.addEventListener("input", find)
      replace(dialog, h("h2", { id: "merge-title", class: "dialog-title" }, `Merge into ${contact.name}`),
        h("p", { class: "dialog-text" }, "Find the duplicate of this contact. Its interactions and transcripts move here."),
        search, results,
        h("div", { class: "dialog-actions" }, h("button", { type: "button", class: "btn btn-secondary",
          onclick: () => { dialog.close(); dialog.remove() } }, "Cancel")))
      dialog.addEventListener("close", () => dialog.remove())
      this.append(dialog)
      dialog.showModal()
      search.value = contact.name
      search.select()
      find()
    } }, icon("merge"), h("span", {}, "Merge contacts"))
  }
}

customElements.define("parley-directory", ParleyDirectory)
registerPanel({
  id: "directory", region: "view", order: 30, label: "Contact Directory",
  create: () => h("parley-directory", { role: "region", "aria-label": "Contact Directory" }),
})
