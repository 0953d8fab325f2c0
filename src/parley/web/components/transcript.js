// <parley-transcript>: the open interaction's messages. Customer on the left,
// agent on the right, system and session events centred; date separators,
// sender names, delivery ticks, failures with WhatsApp's error, quoted
// replies, reactions on the message they react to, links as real hyperlinks.
// Rows are keyed, so a tick update touches one row and an agent's text
// selection elsewhere survives; each interaction keeps its scroll position.

import { registerPanel } from "../panels.js"
import { toMs } from "../models/format.js"
import { describeMessage, messageKey, messageTime, transcriptRows } from "../models/message_view.js"
import { describeOutcome } from "../models/outcome.js"
import { placeLateReplies } from "../models/late_replies.js"
import { foldReactions, myReaction, reactionSignature } from "../models/reactions.js"
import { eventMessages, sessionEvents, withEvents } from "../models/session_events.js"
import { h, nearBottom } from "./dom.js"
import { contactName } from "../models/contact.js"
import { messageNode } from "./message_row.js"
import { ReactionMenu } from "./reaction_menu.js"
import { RovingRows } from "./roving.js"

const GROUP_MS = 5 * 60_000

export class ParleyTranscript extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #scroller
  #older
  #olderButton
  #list
  #status
  #statusText
  #retry
  #live
  #menu
  #roving
  #rows = new Map() // key → {li, message, cont, sig}
  #scrolls = new Map() // interaction id → {key, offset, atBottom} while another one is open
  #forId = null
  #firstMessageKey = null
  #wasLoaded = false
  #pinned = false // follow the bottom: rows drawn for the first time grow from their estimated height
  #plan = { hidden: new Set(), reactions: new Map() }
  #unfolded = new Set() // keys of long messages the agent opened with "Show more"

  /** @param {{store, desktop, clock, notify, attachmentUrl(id): string, picker, replyTo(m): void}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#menu = new ReactionMenu(ctx.picker)
    this.append(this.#menu.element)
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || (topic === "messages" && id === ctx.store.selectedId)) this.render()
      else if ((topic === "interactions" || topic === "events") && id === ctx.store.selectedId) this.render()
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#olderButton = h("button", { type: "button", class: "btn btn-secondary btn-small",
      onclick: () => this.#loadOlder() }, "See older messages")
    this.#older = h("div", { class: "older", hidden: true }, this.#olderButton)
    this.#list = h("ol", { class: "rows", "aria-label": "Messages" })
    this.#roving = new RovingRows(this.#list)
    this.#statusText = h("span", {})
    this.#retry = h("button", { type: "button", class: "btn btn-secondary btn-small", hidden: true,
      onclick: () => this.#retryLoad() }, "Retry")
    this.#status = h("div", { class: "transcript-status", role: "status", hidden: true }, this.#statusText, this.#retry)
    this.#live = h("div", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "false" })
    this.#scroller = h("section", { class: "transcript-scroll", "aria-label": "Transcript", tabindex: "0" },
      this.#older, this.#status, this.#list)
    this.append(this.#scroller, this.#live)
    // Scroll events come after the resize callbacks of the same frame, so growth never unpins.
    this.#scroller.addEventListener("scroll", () => { this.#pinned = nearBottom(this.#scroller, 24) })
    new ResizeObserver(() => { if (this.#pinned) this.#toBottom() }).observe(this.#list)
  }

  #toBottom() {
    this.#pinned = true
    this.#scroller.scrollTop = this.#scroller.scrollHeight
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  render() {
    if (!this.#ctx || !this.#list) return
    const { store, clock } = this.#ctx
    const id = store.selectedId
    this.hidden = id === null
    const switched = id !== this.#forId
    if (switched && this.#forId !== null) this.#scrolls.set(this.#forId, this.#anchor())
    if (id === null) {
      this.#forId = null
      return
    }
    if (switched) {
      this.#forId = id
      this.#rows.clear()
      this.#list.replaceChildren()
      this.#live.replaceChildren()
      this.#menu.close(false)
      this.#roving.reset()
      this.#wasLoaded = false
    }
    const t = store.transcript(id)
    const interaction = store.interaction(id)
    const contact = contactName(interaction)
    const wasNearBottom = this.#pinned || nearBottom(this.#scroller)
    const before = { height: this.#scroller.scrollHeight, top: this.#scroller.scrollTop }
    const firstKey = switched ? null : this.#firstMessageKey
    const previousKeys = new Set(this.#rows.keys())

    this.#plan = foldReactions(t.items)
    const visible = t.items.filter((m) => !this.#plan.hidden.has(messageKey(m)))
    const events = t.loaded
      ? eventMessages(sessionEvents(interaction, { contactName: contact, agentName: store.me?.name ?? "",
        events: store.events(id) }), id, interaction?.session_id ?? null)
      : []
    const placed = placeLateReplies(visible)
    const rows = transcriptRows(withEvents(placed.items, events, interaction?.session_id), clock.now())
    const nodes = []
    const next = new Map()
    let previous = null
    for (const row of rows) {
      if (row.type === "day" || row.type === "session") {
        const outcome = row.type === "session" ? describeOutcome(t.outcomes?.get(String(row.endedId))) : null
        const label = `${row.label}|${outcome?.text ?? ""}|${outcome?.note ?? ""}`
        const held = this.#rows.get(row.key)
        const entry = held && held.label === label ? held : { li: this.#dayNode(row, outcome), label }
        next.set(row.key, entry)
        nodes.push(entry.li)
        previous = null
        continue
      }
      const cont = this.#continues(previous, row.message)
      const reactions = this.#plan.reactions.get(row.key) ?? []
      const sig = reactionSignature(reactions)
      const late = placed.late.has(row.key)
      const held = this.#rows.get(row.key)
      const entry = held && held.message === row.message && held.cont === cont && held.sig === sig && held.late === late
        ? held
        : { li: this.#messageNode(row.message, cont, contact, reactions, late, row.key), message: row.message, cont, sig, late }
      entry.li.dataset.key = row.key
      next.set(row.key, entry)
      nodes.push(entry.li)
      previous = row.message
    }
    const focus = this.#focusedControl()
    this.#reconcile(nodes)
    this.#rows = next
    // The messages are the Tab stop once there are some; the scroll pane only before.
    this.#scroller.tabIndex = this.#roving.sync() ? -1 : 0
    this.#refocus(focus)

    this.#older.hidden = !t.hasMore
    // Optimistic bubbles may be all there is: the failure must still show above them.
    const failed = t.failed && !t.loaded
    this.#status.hidden = t.items.length > 0 && !failed
    this.#statusText.textContent = failed ? "Couldn’t load messages." : t.loaded ? "No messages yet." : "Loading conversation…"
    this.#retry.hidden = !failed

    const appended = visible.filter((m) => !previousKeys.has(messageKey(m)))
    this.#firstMessageKey = visible.length ? messageKey(visible[0]) : null
    const prepended = firstKey !== null && this.#firstMessageKey !== firstKey && next.has(firstKey)
    const firstLoad = !this.#wasLoaded && t.loaded
    const saved = this.#scrolls.get(id)
    const anchor = switched && t.loaded && saved && !saved.atBottom ? next.get(saved.key)?.li : null
    if (anchor) {
      this.#restore(id, anchor, saved.offset) // back where the agent left it
    } else if (switched || firstLoad) {
      this.#toBottom()
    } else if (prepended) {
      this.#pinned = false
      this.#scroller.scrollTop = before.top + (this.#scroller.scrollHeight - before.height)
    } else if (wasNearBottom || appended.some((m) => m.local)) {
      this.#toBottom()
    }
    if (t.loaded) this.#scrolls.delete(id)
    if (this.#wasLoaded && !switched && !prepended) this.#announce(appended.filter((m) => m.direction === "in"))
    this.#wasLoaded = t.loaded
  }

  /** Scroll `anchor` back to `offset` past the top, then again once the rows around it have their
   * real heights: rows drawn for the first time start at an estimated height (content-visibility). */
  #restore(id, anchor, offset) {
    this.#pinned = false
    const place = () => {
      if (this.#forId === id && anchor.isConnected) this.#scroller.scrollTop = this.#top(anchor) + offset
    }
    place()
    requestAnimationFrame(() => { place(); requestAnimationFrame(place) })
  }

  /** Where the agent is: the first row in view and how far it is scrolled past (rows re-render, pixels drift). */
  #anchor() {
    const top = this.#scroller.scrollTop
    const atBottom = nearBottom(this.#scroller, 24)
    for (const li of this.#list.children) {
      const y = this.#top(li)
      if (y + li.offsetHeight > top) return { key: li.dataset.key, offset: top - y, atBottom }
    }
    return { key: null, offset: 0, atBottom: true }
  }

  #top(el) {
    return el.getBoundingClientRect().top - this.#scroller.getBoundingClientRect().top + this.#scroller.scrollTop
  }

  /** The row or row button holding focus ("React" after a reaction): re-rendering the row would drop it. */
  #focusedControl() {
    const el = document.activeElement
    const li = el?.closest?.("li[data-key]")
    if (!li || !this.#list.contains(li)) return null
    if (el === li) return { key: li.dataset.key, label: null }
    return el.getAttribute("aria-label") ? { key: li.dataset.key, label: el.getAttribute("aria-label") } : null
  }

  #refocus(focus) {
    if (!focus || document.activeElement?.isConnected && document.activeElement !== document.body) return
    const li = this.#rows.get(focus.key)?.li
    if (focus.label === null) li?.focus()
    else [...(li?.querySelectorAll("button") ?? [])].find((b) => b.getAttribute("aria-label") === focus.label)?.focus()
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

  #dayNode(row, outcome) {
    if (row.type === "session") {
      // The outcome is text of its own: inside a separator it would be presentational, never read.
      return h("li", { class: "session-end", dataset: { key: row.key } },
        outcome ? h("div", { class: "session-outcome" },
          outcome.text ? h("p", { class: "session-outcome-text", dir: "auto" }, outcome.text) : null,
          outcome.note ? h("p", { class: "session-outcome-note", dir: "auto" }, outcome.note) : null) : null,
        h("div", { class: "session-break", role: "separator", "aria-label": row.label },
          h("span", { "aria-hidden": "true" }, row.label)))
    }
    return h("li", { class: "day", dataset: { key: row.key } }, h("span", {}, row.label))
  }

  #messageNode(message, cont, contact, reactions, late, key) {
    const { desktop, notify, store } = this.#ctx
    const id = () => message.interaction_id ?? this.#forId
    const fold = { expanded: this.#unfolded.has(key),
      toggle: (on) => (on ? this.#unfolded.add(key) : this.#unfolded.delete(key)) }
    return messageNode(message, {
      cont, contact, reactions, late, fold, me: store.me, attachmentUrl: this.#ctx.attachmentUrl,
      actions: {
        reply: (m) => this.#ctx.replyTo({ ...m, label: describeMessage(m).label }),
        react: (m, anchor) => this.#menu.open(anchor, myReaction(this.#plan, m), (emoji) =>
          desktop.react(id(), m.id, emoji).catch((e) => notify(e?.message || "Could not send the reaction."))),
        retry: (m) => desktop.retry(id(), m.client_id).catch((e) => notify(e.message)),
        discard: (m) => desktop.discard(id(), m.client_id),
      },
    })
  }

  #retryLoad() {
    this.#retry.disabled = true
    this.#ctx.desktop.loadNewest(this.#forId)
      .catch((error) => this.#ctx.notify(error?.message || "Could not load the messages."))
      .finally(() => { this.#retry.disabled = false })
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
      const view = describeMessage(m)
      const said = view.text.length > 300 ? `${view.text.slice(0, 300)}…` : view.text
      this.#live.append(h("p", {}, `${name}: ${said || view.label || "New message"}`))
    }
    while (this.#live.childElementCount > 6) this.#live.firstElementChild.remove()
  }
}

customElements.define("parley-transcript", ParleyTranscript)

registerPanel({ id: "transcript", region: "main", order: 20, create: () => h("parley-transcript", { hidden: true }) })
