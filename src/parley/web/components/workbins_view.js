// <parley-workbins>: the "Workbins" view. The workbins the agent sees with
// their counts, the selected workbin's parked items (contact, last message,
// how long the customer has waited, who parked it, when and why), sorted and
// searched, and the selected item's transcript with "Open". Live from the
// socket's workbin events (the store's `workbin:<id>` collections); the
// counts of workbins not loaded here are asked again after such an event.

import { registerPanel } from "../panels.js"
import { contactName } from "../models/contact.js"
import { formatDateTime, formatListTime } from "../models/format.js"
import { SORTS, formatWait, orderWorkbins, itemPreview, visibleItems, waitedSeconds, workbinLabel, workbinSubtitle } from "../models/workbins.js"
import { h, icon, replace } from "./dom.js"
import { WorkbinDetail } from "./workbin_detail.js"

const COUNTS_AFTER_MS = 400

export class ParleyWorkbins extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #bins
  #title
  #subtitle
  #search
  #sort
  #table
  #body
  #empty
  #summary
  #detail
  #selectedBin = null
  #selectedItem = null
  #loaded = new Set() // workbin ids whose items are all held (their count is the collection's size)
  #waits = new Map() // interaction id → the cell showing the customer's wait
  #countsTimer = null
  #ready = false

  /** @param {{store, desktop, clock, notify, showView(id), open(id)}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#detail.connect(ctx)
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, name }) => {
      if (topic === "connection") return this.#reconnected()
      if (topic !== "collection") return
      if (name === "workbins") {
        const bins = orderWorkbins(ctx.store.collection("workbins"), ctx.store.me?.id ?? null)
        if (this.#ready && this.#selectedBin !== null && !bins.some((w) => String(w.id) === this.#selectedBin)) {
          this.#selectedBin = null // deleted by an admin: show the first one instead
          if (bins[0]) this.#select(bins[0].id)
        }
        this.#renderBins()
        this.#renderItems()
      }
      else if (name?.startsWith("workbin:")) {
        if (!this.#loaded.has(name.slice(8))) this.#refreshCountsSoon()
        this.#renderBins()
        if (name === `workbin:${this.#selectedBin}`) this.#renderItems()
      }
    })
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#bins = h("ul", { class: "wb-bins", role: "list", onkeydown: (e) => this.#arrows(e, ".wb-bin") })
    this.#title = h("h2", { class: "wb-title", id: "wb-title" })
    this.#subtitle = h("p", { class: "wb-subtitle" })
    this.#search = h("input", { type: "search", class: "wb-search-input", "aria-label": "Search items",
      placeholder: "Name, number, message or reason", oninput: () => this.#renderItems() })
    this.#sort = h("select", { class: "wb-sort", "aria-label": "Sort by", onchange: () => this.#renderItems() },
      SORTS.map(([value, label]) => h("option", { value }, label)))
    this.#body = h("tbody", { onkeydown: (e) => this.#arrows(e, ".wb-item-button") })
    this.#table = h("table", { class: "wb-table", "aria-labelledby": "wb-title" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Contact"), h("th", { scope: "col" }, "Last message"),
        h("th", { scope: "col" }, "Waiting"), h("th", { scope: "col" }, "Parked"))),
      this.#body)
    this.#empty = h("div", { class: "wb-empty" })
    this.#summary = h("p", { class: "wb-summary", role: "status" })
    this.#detail = new WorkbinDetail({ onOpen: (item) => this.#open(item) })
    this.append(
      h("nav", { class: "wb-nav", "aria-label": "Workbins" },
        h("div", { class: "pane-head" }, h("h2", { class: "pane-title" }, "Workbins")), this.#bins),
      h("section", { class: "wb-main", "aria-labelledby": "wb-title" },
        h("div", { class: "wb-head" }, h("div", { class: "wb-heading" }, this.#title, this.#subtitle),
          h("div", { class: "wb-tools" },
            h("label", { class: "wb-search" }, icon("search", { size: 15 }), this.#search),
            this.#sort)),
        this.#summary,
        h("div", { class: "wb-table-wrap" }, this.#table, this.#empty)),
      this.#detail.element)
  }

  disconnectedCallback() {
    this.#unsubscribe()
    clearTimeout(this.#countsTimer)
  }

  /** The agent switched to this view: fetch the workbins and the selected one's items afresh. */
  async shown() {
    if (!this.#ctx) return
    if (!this.#ready) this.#renderBins()
    try {
      const bins = orderWorkbins(await this.#ctx.desktop.loadWorkbins(), this.#ctx.store.me?.id ?? null)
      this.#ready = true
      if (!bins.some((w) => String(w.id) === this.#selectedBin)) this.#selectedBin = bins[0] ? String(bins[0].id) : null
      this.#renderBins()
      if (this.#selectedBin !== null) await this.#loadItems(this.#selectedBin)
      else this.#renderItems()
    } catch (error) {
      this.#ctx.notify(error?.message || "Could not load the workbins.")
    }
  }

  /** Events may have been missed while the socket was down: what is held is asked for again. */
  #reconnected() {
    if (this.#ctx.store.connection !== "open" || !this.#ready) return
    this.#loaded.clear()
    if (!this.hidden) this.shown()
  }

  /** Live waits (called every second by the app; only while the view is shown). */
  tick() {
    if (this.hidden || !this.#ctx) return
    const now = this.#ctx.clock.now()
    for (const [id, cell] of this.#waits) {
      const item = this.#ctx.store.collectionItem(`workbin:${this.#selectedBin}`, id)
      const waited = waitedSeconds(item, now)
      const text = waited === null ? "—" : formatWait(waited)
      if (cell.textContent !== text) cell.textContent = text
    }
    this.#detail.tick()
  }

  async #loadItems(binId) {
    try {
      await this.#ctx.desktop.loadWorkbinItems(binId)
      this.#loaded.add(String(binId))
    } catch (error) {
      this.#ctx.notify(error?.message || "Could not load the workbin.")
    }
    this.#renderBins()
    this.#renderItems()
  }

  #select(binId) {
    if (String(binId) === this.#selectedBin) return
    this.#selectedBin = String(binId)
    this.#selectedItem = null
    this.#renderBins()
    this.#renderItems()
    this.#loadItems(binId)
  }

  /** After a workbin event for a workbin not loaded here, its count is asked again (once per burst). */
  #refreshCountsSoon() {
    clearTimeout(this.#countsTimer)
    this.#countsTimer = setTimeout(() => this.#ctx.desktop.loadWorkbins().catch(() => {}), COUNTS_AFTER_MS)
  }

  #count(bin) {
    return this.#loaded.has(String(bin.id)) ? this.#ctx.store.workbinItems(bin.id).length : bin.item_count ?? 0
  }

  #renderBins() {
    if (!this.#ctx || !this.#bins) return
    const { store } = this.#ctx
    const me = store.me?.id ?? null
    const bins = orderWorkbins(store.collection("workbins"), me)
    const focused = this.#bins.contains(document.activeElement) ? document.activeElement.dataset.id : null
    replace(this.#bins, bins.map((bin) => {
      const count = this.#count(bin)
      const selected = String(bin.id) === this.#selectedBin
      const label = workbinLabel(bin, me)
      // The button shows what it is named ("My workbin, 2 items"); the subtitle below it is its
      // description, outside it (WCAG's label in name), and its ::after makes the whole row pressable.
      const sub = `wb-bin-sub-${bin.id}`
      return h("li", { class: "wb-bin-entry", dataset: { current: String(selected) } },
        h("button", { type: "button", class: "wb-bin", dataset: { id: String(bin.id), kind: bin.kind },
          "aria-current": selected ? "true" : null, "aria-label": `${label}, ${count} item${count === 1 ? "" : "s"}`,
          "aria-describedby": sub, onclick: () => this.#select(bin.id) },
        icon(bin.kind === "shared" ? "users" : "inbox", { size: 16 }),
        h("span", { class: "wb-bin-name" }, label), " ",
        h("span", { class: "wb-bin-count", dataset: { zero: String(count === 0) } }, String(count))),
        h("span", { class: "wb-bin-sub", id: sub }, workbinSubtitle(bin) || (bin.kind === "shared" ? "Shared" : "")))
    }))
    if (focused) this.#bins.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus()
    if (!bins.length) {
      this.#bins.append(h("li", { class: "wb-bins-empty" }, this.#ready ? "No workbins yet." : "Loading…"))
    }
    const bin = bins.find((w) => String(w.id) === this.#selectedBin)
    this.#title.textContent = bin ? workbinLabel(bin, me) : "Workbins"
    this.#subtitle.textContent = bin
      ? bin.kind === "shared" ? bin.description || "Shared with the team" : `${bin.name} · private to you (and supervisors)`
      : ""
  }

  #renderItems() {
    if (!this.#ctx || !this.#body) return
    const { store, clock } = this.#ctx
    const all = this.#selectedBin === null ? [] : store.workbinItems(this.#selectedBin)
    const query = this.#search.value
    const items = visibleItems(all, { query, sort: this.#sort.value })
    if (this.#selectedItem !== null && !all.some((i) => String(i.interaction_id) === this.#selectedItem)) {
      this.#selectedItem = null
    }
    const focused = this.#body.contains(document.activeElement) ? document.activeElement.dataset.id : null
    this.#waits.clear()
    const now = clock.now()
    replace(this.#body, items.map((item) => {
      const id = String(item.interaction_id)
      const name = contactName({ contact: item.contact, id: item.interaction_id })
      const wait = h("td", { class: "wb-wait" })
      this.#waits.set(id, wait)
      const waited = waitedSeconds(item, now)
      wait.textContent = waited === null ? "—" : formatWait(waited)
      const selected = id === this.#selectedItem
      return h("tr", { class: "wb-item", dataset: { id, selected: String(selected) },
        onclick: (e) => { if (!e.target.closest("button")) this.#selectItem(id, true) } },
      h("td", { class: "wb-contact" }, h("button", { type: "button", class: "wb-item-button", dataset: { id },
        "aria-pressed": String(selected), onclick: () => this.#selectItem(id) }, h("span", { dir: "auto" }, name))),
      h("td", { class: "wb-last" }, h("span", { class: "wb-preview", dir: "auto" }, itemPreview(item, this.#ctx?.store?.me?.id ?? null) || "—"),
        item.last_message_at ? h("time", { class: "wb-last-time", datetime: item.last_message_at,
          title: formatDateTime(item.last_message_at) }, formatListTime(item.last_message_at, now)) : null),
      wait,
      h("td", { class: "wb-parked" },
        h("span", { class: "wb-parked-when" }, h("time", { datetime: item.parked_at ?? "", title: formatDateTime(item.parked_at) },
          formatListTime(item.parked_at, now)), item.parked_by?.name ? ` · ${item.parked_by.name}` : ""),
        item.reason ? h("span", { class: "wb-reason", dir: "auto" }, item.reason) : null))
    }))
    if (focused) this.#body.querySelector(`button[data-id="${CSS.escape(focused)}"]`)?.focus()
    this.#table.hidden = items.length === 0
    this.#empty.hidden = items.length > 0
    const bin = store.collection("workbins").find((w) => String(w.id) === this.#selectedBin)
    if (!items.length) replace(this.#empty, ...this.#emptyState(all.length, query, bin))
    this.#summary.textContent = all.length && query.trim()
      ? `${items.length} of ${all.length} ${items.length === 1 ? "item matches" : "items match"}`
      : all.length ? `${all.length} item${all.length === 1 ? "" : "s"}` : ""
    this.#detail.show(all.find((i) => String(i.interaction_id) === this.#selectedItem) ?? null)
  }

  #emptyState(total, query, bin) {
    if (total && query.trim()) {
      return [h("p", { class: "empty-title" }, "Nothing matches"),
        h("p", { class: "empty-text" }, "Search by contact name, number, message or reason; or clear the search.")]
    }
    if (!bin) return [h("p", { class: "empty-title" }, this.#ready ? "No workbin to show" : "Loading workbins…")]
    return [icon("inbox", { size: 36 }), h("p", { class: "empty-title" }, "This workbin is empty"),
      h("p", { class: "empty-text" }, bin.kind === "shared"
        ? "Interactions the team parks here wait for anyone to open. Use Move to Workbin on an open chat."
        : "Use Move to Workbin on an open chat to park it here. Chats open when you log out come here too.")]
  }

  #selectItem(id, focus = false) {
    this.#selectedItem = String(id)
    this.#renderItems()
    if (focus) this.#body.querySelector(`button[data-id="${CSS.escape(String(id))}"]`)?.focus()
  }

  /** Open: back to the desk, on the Interactions tab with it selected. */
  async #open(item) {
    const { desktop, showView, open } = this.#ctx
    await desktop.openFromWorkbin(item.interaction_id, item.workbin_id)
    showView("interactions")
    open(item.interaction_id, { pointer: true })
  }

  #arrows(event, selector) {
    const buttons = [...event.currentTarget.querySelectorAll(selector)]
    const at = buttons.indexOf(document.activeElement)
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key]
    if (at < 0 || to === undefined) return
    event.preventDefault()
    buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus()
  }
}

customElements.define("parley-workbins", ParleyWorkbins)

registerPanel({ id: "workbins", region: "view", order: 10, label: "Workbins", create: () => h("parley-workbins", {}) })
