// The selected workbin item: who it is, who parked it, when and why, its
// transcript read only, and "Open" to bring it back to the agent's desk.

import { contactName } from "../models/contact.js"
import { formatDateTime, formatPhone, formatShortDateTime } from "../models/format.js"
import { describeOutcome } from "../models/outcome.js"
import { messageKey, transcriptRows } from "../models/message_view.js"
import { foldReactions } from "../models/reactions.js"
import { formatWait, waitedSeconds } from "../models/workbins.js"
import { h, icon, replace } from "./dom.js"
import { messageNode } from "./message_row.js"

export class WorkbinDetail {
  #ctx
  #onOpen
  #head
  #facts
  #error
  #open
  #list
  #status
  #scroller
  #waited
  #item = null
  #loadedFor = null
  #busy = false
  element

  /** @param {{onOpen: (item) => Promise<void>}} o */
  constructor({ onOpen }) {
    this.#onOpen = onOpen
    this.#head = h("div", { class: "wb-detail-who" })
    this.#open = h("button", { type: "button", class: "btn btn-primary", onclick: () => this.#openItem() },
      icon("inbox"), h("span", {}, "Open"))
    this.#facts = h("div", {}) // the item's facts (a dl), or the hint to pick one
    this.#error = h("p", { class: "dialog-error wb-error", role: "alert", hidden: true })
    this.#list = h("ol", { class: "rows wb-rows", "aria-label": "Messages" })
    this.#status = h("p", { class: "transcript-status" })
    this.#scroller = h("section", { class: "wb-transcript", "aria-label": "Transcript (read only)", tabindex: "0" },
      this.#status, this.#list)
    this.element = h("aside", { class: "wb-detail", "aria-label": "Workbin item" },
      h("div", { class: "wb-detail-head" }, this.#head, this.#open), this.#error, this.#facts, this.#scroller)
    this.show(null)
  }

  /** @param {{store, desktop, clock, attachmentUrl}} ctx */
  connect(ctx) {
    this.#ctx = ctx
  }

  get item() { return this.#item }

  /** Show an item (null: the hint to pick one); its transcript loads once per item and version. */
  show(item) {
    const changed = String(item?.interaction_id ?? "") !== String(this.#item?.interaction_id ?? "")
    this.#item = item
    this.element.dataset.empty = String(!item)
    if (changed) this.#showError("")
    if (!item) {
      replace(this.#head, h("p", { class: "empty-title" }, "No item selected"))
      replace(this.#facts, h("p", { class: "empty-text wb-hint" },
        "Pick a parked interaction to read its conversation, then Open it to answer the customer."))
      this.#open.hidden = true
      this.#scroller.hidden = true
      this.#loadedFor = null
      return
    }
    const phone = formatPhone(item.contact?.wa_id)
    replace(this.#head, h("h3", { class: "wb-detail-name", dir: "auto" }, contactName({ contact: item.contact, id: item.interaction_id })),
      phone ? h("span", { class: "wb-detail-phone mono" }, phone) : null)
    this.#open.hidden = false
    this.#open.disabled = this.#busy
    this.#waited = h("dd", { class: "wb-waited" })
    const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, ...value)]
    replace(this.#facts, h("dl", { class: "wb-facts" },
      h("dt", {}, "Customer waiting"), this.#waited,
      row("Parked", h("time", { datetime: item.parked_at ?? "", title: formatDateTime(item.parked_at) },
        formatShortDateTime(item.parked_at)), item.parked_by?.name ? ` by ${item.parked_by.name}` : ""),
      row("Reason", item.reason ? h("span", { dir: "auto" }, item.reason) : h("span", { class: "muted" }, "None given"))))
    this.tick()
    this.#scroller.hidden = false
    const key = `${item.interaction_id}:${item.version}`
    if (this.#loadedFor !== key) {
      this.#loadedFor = key
      this.#loadTranscript(item, changed)
    }
  }

  /** The customer's wait, live (called every second while the view is shown). */
  tick() {
    if (!this.#item || !this.#waited || !this.#ctx) return
    const waited = waitedSeconds(this.#item, this.#ctx.clock.now())
    const text = waited === null ? "Answered: nothing pending" : formatWait(waited)
    if (this.#waited.textContent !== text) this.#waited.textContent = text
  }

  async #loadTranscript(item, fresh) {
    if (fresh) {
      this.#list.replaceChildren()
      this.#status.hidden = false
      this.#status.textContent = "Loading conversation…"
    }
    try {
      const page = await this.#ctx.desktop.parkedTranscript(item.interaction_id)
      if (String(this.#item?.interaction_id) !== String(item.interaction_id)) return
      this.#render(page)
    } catch (error) {
      if (String(this.#item?.interaction_id) !== String(item.interaction_id)) return
      this.#status.hidden = false
      this.#status.textContent = error?.message || "Couldn’t load messages."
    }
  }

  #render(page) {
    const items = Array.isArray(page?.items) ? page.items : []
    const outcomes = new Map((page?.interactions ?? []).map((o) => [String(o.id), o]))
    const plan = foldReactions(items)
    const contact = contactName({ contact: this.#item.contact, id: this.#item.interaction_id })
    const nodes = transcriptRows(items.filter((m) => !plan.hidden.has(messageKey(m))), this.#ctx.clock.now()).map((row) => {
      if (row.type === "day") return h("li", { class: "day" }, h("span", {}, row.label))
      if (row.type === "session") {
        const outcome = describeOutcome(outcomes.get(String(row.endedId)))
        return h("li", { class: "session-end" },
          outcome?.text ? h("div", { class: "session-outcome" }, h("p", { class: "session-outcome-text" }, outcome.text)) : null,
          h("div", { class: "session-break", role: "separator", "aria-label": row.label }, h("span", { "aria-hidden": "true" }, row.label)))
      }
      return messageNode(row.message, { cont: false, me: this.#ctx.store.me, contact,
        reactions: plan.reactions.get(row.key) ?? [], attachmentUrl: this.#ctx.attachmentUrl, actions: null })
    })
    this.#list.replaceChildren(...nodes)
    this.#status.hidden = nodes.length > 0
    this.#status.textContent = "No messages yet."
    this.#scroller.scrollTop = this.#scroller.scrollHeight
  }

  #showError(text) {
    this.#error.hidden = !text
    this.#error.textContent = text
  }

  async #openItem() {
    if (!this.#item || this.#busy) return
    this.#busy = true
    this.#open.disabled = true
    this.#showError("")
    try {
      await this.#onOpen(this.#item)
    } catch (error) {
      // 409 at_capacity: the server's own words say what to do
      this.#showError(error?.message || "Could not open this interaction.")
    } finally {
      this.#busy = false
      this.#open.disabled = false
    }
  }
}
