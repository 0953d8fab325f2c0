// <parley-interaction-bar>: one entry per interaction the agent holds, with
// the contact's name, a short preview, the unread count and the pending
// response indicator beside the WhatsApp icon. A new inbound message makes
// the entry blink (twice; a still highlight under reduced motion).

import { registerPanel } from "../panels.js"
import { contactName } from "../models/contact.js"
import { formatDuration, formatListTime } from "../models/format.js"
import { offerCountdown } from "../models/offer.js"
import { previewOf } from "../models/preview.js"
import { PendingTimer } from "../models/pending_timer.js"
import { h, icon, replace } from "./dom.js"
import { channelIcon, updateChannelIcon } from "./pending.js"

let ids = 0

export class ParleyInteractionBar extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #list
  #empty
  #count
  #entries = new Map() // id → {li, button, icon, time, preview, badge, desc, tag}

  /** @param {{store, clock, open(id, {pointer}): void}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic }) => {
      if (["interactions", "selection", "me", "config"].includes(topic)) this.render()
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#count = h("span", { class: "count" })
    this.#list = h("ul", { class: "ibar-list", role: "list", onkeydown: (e) => this.#key(e) })
    this.#empty = h("div", { class: "ibar-empty" })
    const compact = h("button", { type: "button", class: "btn btn-ghost btn-icon btn-small ibar-density",
      "aria-label": "Compact list", title: "Compact list: one line per interaction", onclick: () => {
        setDensity(!this.#list.classList.contains("ibar-compact"))
        this.#showDensity(compact)
      } }, icon("rows", { size: 15 }))
    this.append(h("div", { class: "pane-head" }, h("h2", { class: "pane-title" }, "Interactions"), this.#count,
      compact), this.#list, this.#empty)
    this.#showDensity(compact)
  }

  #showDensity(button) {
    const compact = density() === "compact"
    this.#list.classList.toggle("ibar-compact", compact)
    button.setAttribute("aria-pressed", String(compact))
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  render() {
    if (!this.#ctx || !this.#list) return
    const { store } = this.#ctx
    const interactions = store.interactions()
    const keep = new Set(interactions.map((i) => String(i.id)))
    for (const [id, entry] of this.#entries) {
      if (!keep.has(id)) {
        entry.li.remove()
        this.#entries.delete(id)
      }
    }
    interactions.forEach((interaction, index) => {
      const id = String(interaction.id)
      const entry = this.#entries.get(id) ?? this.#create(id)
      this.#update(entry, interaction)
      if (this.#list.children[index] !== entry.li) this.#list.insertBefore(entry.li, this.#list.children[index] ?? null)
    })
    this.#count.textContent = interactions.length ? String(interactions.length) : ""
    this.#empty.hidden = interactions.length > 0
    const ready = store.me?.status === "ready"
    replace(this.#empty,
      h("p", { class: "empty-title" }, "No interactions"),
      h("p", { class: "empty-text" }, ready
        ? "You’re Ready. New WhatsApp chats appear here."
        : "Go Ready to receive WhatsApp chats."))
    this.tick()
  }

  /** Refresh timers (called every second by the app). */
  tick() {
    if (!this.#ctx) return
    const { store, clock } = this.#ctx
    const timer = new PendingTimer({ thresholds: store.thresholds, now: () => clock.now() })
    for (const [id, entry] of this.#entries) {
      const interaction = store.interaction(id)
      if (!interaction) continue
      const measure = timer.measure(interaction.pending_since)
      updateChannelIcon(entry.icon, measure)
      entry.li.dataset.level = measure.level
      const pending = measure.level !== "none"
      entry.time.textContent = pending
        ? formatDuration(measure.elapsed)
        : formatListTime(interaction.last_message?.created_at ?? interaction.updated_at, clock.now())
      entry.time.dataset.level = measure.level
      this.#describe(entry, interaction, pending ? measure.elapsed : null)
      showOffer(entry.tag, interaction, store.config.offer_timeout_seconds, clock.now())
    }
  }

  #create(id) {
    const descId = `ibar-desc-${++ids}`
    const entry = {
      icon: channelIcon(18),
      name: h("span", { class: "ibar-name" }),
      time: h("span", { class: "ibar-time" }),
      tag: h("span", { class: "tag tag-offer", hidden: true }, "Offer"),
      preview: h("span", { class: "ibar-preview" }),
      badge: h("span", { class: "badge", hidden: true }),
      back: h("span", { class: "ibar-back", hidden: true }),
      desc: h("span", { id: descId, class: "visually-hidden" }),
    }
    // The button holds the contact's name only, so its name is what it shows (WCAG's label in
    // name); it stretches over the whole entry (CSS), where the rest is read through its description.
    entry.button = h("button", { type: "button", class: "ibar-item", "aria-describedby": descId,
      dataset: { id }, onclick: (e) => this.#ctx?.open(id, { pointer: e.detail > 0 }) }, entry.name)
    entry.li = h("li", { class: "ibar-entry" },
      entry.icon,
      h("span", { class: "ibar-main" },
        h("span", { class: "ibar-row" }, entry.button, entry.time),
        h("span", { class: "ibar-row" }, entry.preview, entry.badge),
        h("span", { class: "ibar-row ibar-row-meta" }, entry.tag, entry.back)),
      entry.desc)
    this.#entries.set(id, entry)
    return entry
  }

  #update(entry, interaction) {
    const { store } = this.#ctx
    const name = contactName(interaction)
    const selected = store.selectedId === String(interaction.id)
    const unread = store.unread(interaction.id)
    if (selected) entry.button.setAttribute("aria-current", "true")
    else entry.button.removeAttribute("aria-current")
    entry.li.dataset.current = String(selected)
    entry.li.dataset.state = interaction.state
    entry.name.textContent = name
    entry.preview.textContent = previewOf(interaction, { meId: store.me?.id ?? null })
    entry.back.hidden = !interaction.returned_from
    entry.back.textContent = interaction.returned_from ? `Back from ${interaction.returned_from}` : ""
    entry.badge.hidden = unread === 0
    entry.badge.textContent = unread > 99 ? "99+" : String(unread)
    const last = interaction.last_message
    const lastKey = last ? `${last.direction}|${last.created_at ?? ""}|${last.text ?? ""}` : ""
    if (entry.lastKey !== undefined && lastKey !== entry.lastKey && last?.direction === "in") this.#blink(entry)
    entry.lastKey = lastKey
  }

  #blink(entry) {
    entry.li.classList.remove("blink")
    void entry.li.offsetWidth // restart the animation when a second message follows quickly
    entry.li.classList.add("blink")
    entry.li.dataset.blink = String(Number(entry.li.dataset.blink ?? 0) + 1)
    clearTimeout(entry.blinkTimer)
    entry.blinkTimer = setTimeout(() => entry.li.classList.remove("blink"), 2400)
  }

  #describe(entry, interaction, waited) {
    const unread = this.#ctx.store.unread(interaction.id)
    const parts = []
    if (interaction.state === "offered") parts.push("Offered, not accepted yet.")
    if (interaction.returned_from) parts.push(`Back from ${interaction.returned_from}.`)
    if (unread) parts.push(`${unread} unread message${unread === 1 ? "" : "s"}.`)
    if (waited !== null) parts.push(`Waiting for your reply ${formatDuration(waited)}.`)
    const text = parts.join(" ")
    if (entry.desc.textContent !== text) entry.desc.textContent = text
  }

  #key(event) {
    const buttons = [...this.#list.querySelectorAll(".ibar-item")]
    const at = buttons.indexOf(document.activeElement)
    if (at < 0) return
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key]
    if (to === undefined) return
    event.preventDefault()
    buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus()
  }
}

const DENSITY_KEY = "parley-list-density"

/** "compact" (one line per interaction, for agents holding many) or "comfortable"; kept per browser. */
export function density() {
  try {
    return localStorage.getItem(DENSITY_KEY) === "compact" ? "compact" : "comfortable"
  } catch {
    return "comfortable" // blocked storage: the default, every time
  }
}

function setDensity(compact) {
  try { localStorage.setItem(DENSITY_KEY, compact ? "compact" : "comfortable") } catch { /* private mode */ }
}

/** The "Offer" tag, with the time left once the server says when offers expire: "Offer · 0:24 left". */
export function showOffer(tag, interaction, timeoutSeconds, nowMs) {
  tag.hidden = interaction?.state !== "offered"
  if (tag.hidden) return
  const left = offerCountdown(interaction.offered_at, timeoutSeconds, nowMs)
  const text = left ? `Offer · ${left.label}` : "Offer"
  if (tag.textContent !== text) tag.textContent = text
  tag.classList.toggle("tag-urgent", Boolean(left?.urgent))
}

customElements.define("parley-interaction-bar", ParleyInteractionBar)

registerPanel({ id: "bar", region: "nav", order: 10, create: () => h("parley-interaction-bar", {}) })
