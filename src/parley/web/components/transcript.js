// <parley-transcript>: the open interaction's messages. Customer on the left,
// agent on the right, system events centred; date separators, times, delivery
// ticks, failures with WhatsApp's error, quoted replies above the text, links
// as real hyperlinks. Rows are keyed, so a tick update touches one row and an
// agent's text selection elsewhere survives.

import { formatDateTime, formatTime, toMs } from "../models/format.js"
import { linkify } from "../models/linkify.js"
import { ticks } from "../models/delivery.js"
import { describeMessage, messageKey, messageTime, transcriptRows } from "../models/message_view.js"
import { h, icon, linkedText, nearBottom } from "./dom.js"
import { contactName } from "./interaction_bar.js"

const GROUP_MS = 5 * 60_000

export class ParleyTranscript extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #scroller
  #older
  #olderButton
  #list
  #status
  #live
  #rows = new Map() // key → {li, message, cont, label}
  #forId = null
  #firstMessageKey = null
  #wasLoaded = false

  /** @param {{store, desktop, clock, notify, attachmentUrl(id): string}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || (topic === "messages" && id === ctx.store.selectedId)) this.render()
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#olderButton = h("button", { type: "button", class: "btn btn-ghost btn-small",
      onclick: () => this.#loadOlder() }, "See older messages")
    this.#older = h("div", { class: "older", hidden: true }, this.#olderButton)
    this.#list = h("ol", { class: "rows" })
    this.#status = h("p", { class: "transcript-status", hidden: true })
    this.#live = h("div", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "false" })
    this.#scroller = h("section", { class: "transcript-scroll", "aria-label": "Transcript", tabindex: "0" },
      this.#older, this.#status, this.#list)
    this.append(this.#scroller, this.#live)
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  render() {
    if (!this.#ctx || !this.#list) return
    const { store, clock } = this.#ctx
    const id = store.selectedId
    this.hidden = id === null
    if (id === null) {
      this.#forId = null
      return
    }
    const switched = id !== this.#forId
    if (switched) {
      this.#forId = id
      this.#rows.clear()
      this.#list.replaceChildren()
      this.#live.replaceChildren()
    }
    const t = store.transcript(id)
    const wasNearBottom = nearBottom(this.#scroller)
    const before = { height: this.#scroller.scrollHeight, top: this.#scroller.scrollTop }
    const firstKey = switched ? null : this.#firstMessageKey
    const previousKeys = new Set(this.#rows.keys())

    const rows = transcriptRows(t.items, clock.now())
    const nodes = []
    const next = new Map()
    let previous = null
    for (const row of rows) {
      if (row.type === "day") {
        const held = this.#rows.get(row.key)
        const entry = held && held.label === row.label ? held : { li: this.#dayNode(row), label: row.label }
        next.set(row.key, entry)
        nodes.push(entry.li)
        previous = null
        continue
      }
      const cont = this.#continues(previous, row.message)
      const held = this.#rows.get(row.key)
      const entry = held && held.message === row.message && held.cont === cont
        ? held
        : { li: this.#messageNode(row.message, cont), message: row.message, cont }
      entry.li.dataset.key = row.key
      next.set(row.key, entry)
      nodes.push(entry.li)
      previous = row.message
    }
    this.#reconcile(nodes)
    this.#rows = next

    this.#older.hidden = !t.hasMore
    this.#status.hidden = t.items.length > 0
    this.#status.textContent = t.loaded ? "No messages yet." : "Loading conversation…"

    const appended = t.items.filter((m) => !previousKeys.has(messageKey(m)))
    this.#firstMessageKey = t.items.length ? messageKey(t.items[0]) : null
    const prepended = firstKey !== null && this.#firstMessageKey !== firstKey && next.has(firstKey)
    const firstLoad = switched || !this.#wasLoaded
    this.#wasLoaded = t.loaded
    if (firstLoad) {
      this.#scroller.scrollTop = this.#scroller.scrollHeight
    } else if (prepended) {
      this.#scroller.scrollTop = before.top + (this.#scroller.scrollHeight - before.height)
    } else if (wasNearBottom || appended.some((m) => m.local)) {
      this.#scroller.scrollTop = this.#scroller.scrollHeight
    }
    if (!firstLoad && !prepended) this.#announce(appended.filter((m) => m.direction === "in"))
  }

  #reconcile(nodes) {
    const wanted = new Set(nodes)
    for (const child of [...this.#list.children]) if (!wanted.has(child)) child.remove()
    nodes.forEach((node, index) => {
      const at = this.#list.children[index]
      if (at !== node) this.#list.insertBefore(node, at ?? null)
    })
  }

  #continues(previous, message) {
    if (!previous || previous.type === "system" || message.type === "system") return false
    if (previous.direction !== message.direction) return false
    if (previous.author?.id !== message.author?.id) return false
    const gap = toMs(messageTime(message)) - toMs(messageTime(previous))
    return Number.isFinite(gap) && gap >= 0 && gap < GROUP_MS
  }

  #dayNode(row) {
    return h("li", { class: "day", dataset: { key: row.key } }, h("span", {}, row.label))
  }

  #messageNode(message, cont) {
    const view = describeMessage(message)
    const when = formatDateTime(view.time)
    const time = h("time", { datetime: view.time ?? "", title: when }, formatTime(view.time))
    if (view.kind === "system") {
      return h("li", { class: "msg msg-center" }, h("div", { class: "system-line" },
        h("span", { dir: "auto" }, view.text), " · ", time))
    }
    const me = this.#ctx.store.me
    const showAuthor = view.side === "out" && view.author && message.author?.id !== me?.id && !cont
    const tick = view.side === "out" ? ticks(message.status) : null
    const bubble = h("div", { class: `bubble${view.kind === "reaction" ? " bubble-reaction" : ""}` },
      showAuthor ? h("div", { class: "author" }, view.author) : null,
      view.quote ? h("blockquote", { class: "quote", dir: "auto" }, view.quote.text || "Earlier message") : null,
      view.label ? this.#labelNode(view) : null,
      view.text ? h("div", { class: "body", dir: "auto" }, linkedText(linkify(view.text))) : null,
      h("div", { class: "meta" }, time, tick
        ? h("span", { class: `ticks ticks-${tick.tone}`, role: "img", "aria-label": tick.label, title: tick.label },
          tick.glyph)
        : null))
    const li = h("li", { class: `msg msg-${view.side}${cont ? " cont" : ""}`, dataset: { status: message.status ?? "" } },
      bubble)
    if (view.error) li.append(this.#errorNode(message, view))
    return li
  }

  #labelNode(view) {
    const glyph = icon(view.kind === "bubble" && view.link ? "pin" : "clip", { size: 14 })
    if (view.link) {
      return h("div", { class: "attach" }, glyph,
        h("a", { href: view.link.href, target: "_blank", rel: "noopener noreferrer" }, view.label))
    }
    if (view.attachment) {
      const href = this.#ctx.attachmentUrl(view.attachment.id)
      return h("div", { class: "attach" }, glyph,
        h("a", { href, target: "_blank", rel: "noopener noreferrer" }, view.label))
    }
    return h("div", { class: "attach" }, glyph, h("span", {}, view.label))
  }

  #errorNode(message, view) {
    const box = h("div", { class: "msg-error" },
      h("span", { class: "msg-error-mark", "aria-hidden": "true" }, "!"),
      h("div", { class: "msg-error-text" },
        h("strong", {}, view.error.title),
        view.error.details ? h("span", {}, view.error.details) : null))
    if (message.local) {
      const { desktop, notify } = this.#ctx
      const interactionId = message.interaction_id
      box.append(h("div", { class: "msg-error-actions" },
        h("button", { type: "button", class: "btn btn-small btn-secondary",
          onclick: () => desktop.retry(interactionId, message.client_id).catch((e) => notify(e.message)) }, "Retry"),
        h("button", { type: "button", class: "btn btn-small btn-ghost",
          onclick: () => desktop.discard(interactionId, message.client_id) }, "Discard")))
    }
    return box
  }

  async #loadOlder() {
    const id = this.#ctx.store.selectedId
    this.#olderButton.disabled = true
    this.#olderButton.setAttribute("aria-busy", "true")
    try {
      await this.#ctx.desktop.loadOlder(id)
    } catch (error) {
      this.#ctx.notify(error?.message || "Could not load older messages.")
    } finally {
      this.#olderButton.disabled = false
      this.#olderButton.removeAttribute("aria-busy")
    }
  }

  #announce(messages) {
    if (!messages.length) return
    const name = contactName(this.#ctx.store.interaction(this.#forId))
    for (const m of messages.slice(-3)) {
      this.#live.append(h("p", {}, `${name}: ${describeMessage(m).text || describeMessage(m).label || "New message"}`))
    }
    while (this.#live.childElementCount > 6) this.#live.firstElementChild.remove()
  }
}

customElements.define("parley-transcript", ParleyTranscript)
