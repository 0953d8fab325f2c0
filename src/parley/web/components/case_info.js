// <parley-case-info>: the right column: where the interaction came from, who
// the contact is, how long the interaction has lasted, its session events and
// WhatsApp's 24-hour customer service window.

import { registerPanel } from "../panels.js"
import { formatDateTime, formatDuration, formatPhone, formatShortDateTime, formatTime, toMs } from "../models/format.js"
import { sessionEvents } from "../models/session_events.js"
import { windowState } from "../models/window_countdown.js"
import { h, replace } from "./dom.js"
import { contactName } from "../models/contact.js"

const ORIGINS = { inbound: "Inbound WhatsApp", outbound: "Outbound WhatsApp" }
const STATES = { offered: "Offered", active: "Active", parked: "In a workbin", queued: "Queued", done: "Done" }

export class ParleyCaseInfo extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #body
  #window
  #duration
  #renderedWindow = ""

  /** @param {{store, clock}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || ((topic === "interactions" || topic === "events") && id === ctx.store.selectedId)) {
        this.render()
      }
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#body = h("div", { class: "case-body" })
    this.append(h("div", { class: "pane-head" }, h("h2", { class: "pane-title" }, "Case information")), this.#body)
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  render() {
    if (!this.#ctx || !this.#body) return
    const interaction = this.#ctx.store.interaction(this.#ctx.store.selectedId)
    if (!interaction) {
      replace(this.#body, h("p", { class: "muted" }, "Select an interaction to see its details."))
      return
    }
    const contact = interaction.contact ?? {}
    const phone = formatPhone(contact.wa_id)
    this.#window = h("dd", {})
    this.#duration = h("span", { class: "duration", role: "timer" })
    const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, ...value)]
    const events = sessionEvents(interaction, { contactName: contactName(interaction), agentName: this.#ctx.store.me?.name,
      events: this.#ctx.store.events(interaction.id) })
    replace(this.#body, h("dl", { class: "facts" },
      row("Origin", ORIGINS[interaction.origin] ?? (interaction.origin ? `${interaction.origin} WhatsApp` : "WhatsApp")),
      interaction.returned_from
        ? row("Came back", h("span", { class: "back-from", dir: "auto" }, `Back from ${interaction.returned_from}`)) : null,
      row("Contact", h("span", { dir: "auto" }, contact.name || contact.profile_name || "Unknown")),
      contact.profile_name && contact.profile_name !== contact.name
        ? row("WhatsApp name", h("span", { dir: "auto" }, contact.profile_name)) : null,
      row("WhatsApp number", phone ? h("a", { href: `tel:${phone}`, class: "mono" }, phone) : "—"),
      h("dt", {}, "Customer service window"), this.#window,
      row("Duration", this.#duration, h("span", { class: "muted" }, "since ",
        h("time", { datetime: interaction.created_at ?? "", title: formatDateTime(interaction.created_at) },
          formatTime(interaction.created_at)))),
      row("State", STATES[interaction.state] ?? interaction.state ?? "—",
        interaction.accepted_at ? ` since ${formatTime(interaction.accepted_at)}` : ""),
      row("Interaction", h("span", { class: "mono" }, `#${interaction.id}`)),
    ), events.length ? h("section", { class: "case-events", "aria-label": "Session events" },
      h("h3", { class: "case-subtitle" }, "Session"),
      h("ol", { class: "events" }, events.map((e) => h("li", { class: "event", dataset: { kind: e.kind } },
        h("span", { class: "event-dot", "aria-hidden": "true" }),
        h("span", { class: "event-text", dir: "auto" }, e.text,
          e.detail ? h("span", { class: "event-detail" }, ` · ${e.detail}`) : null),
        h("time", { class: "event-time", datetime: e.at, title: formatDateTime(e.at) }, formatTime(e.at)))))) : null)
    this.#renderedWindow = ""
    this.tick()
  }

  /** Refresh the window countdown (called every second; redraws only when the text changes). */
  tick() {
    const interaction = this.#ctx?.store.interaction(this.#ctx.store.selectedId)
    if (!interaction || !this.#window) return
    const started = toMs(interaction.created_at)
    const lasted = started === null ? "" : formatDuration(Math.floor((this.#ctx.clock.now() - started) / 1000))
    if (this.#duration.textContent !== lasted) this.#duration.textContent = lasted
    const w = windowState(interaction.window_expires_at, this.#ctx.clock.now())
    const key = `${w.state}|${w.label}`
    if (key === this.#renderedWindow) return
    this.#renderedWindow = key
    const word = { open: "Open", closing: "Closing soon", closed: "Closed", none: "Not opened" }[w.state]
    replace(this.#window,
      h("span", { class: "window-pill", dataset: { state: w.state } }, word),
      w.state === "open" || w.state === "closing" ? h("span", { class: "window-left" }, w.label) : null,
      w.state === "closed" ? h("span", { class: "window-left" }, "Only templates can be sent") : null,
      interaction.window_expires_at
        ? h("span", { class: "window-until muted", title: formatDateTime(interaction.window_expires_at) },
          `${w.state === "closed" ? "since" : "until"} ${formatShortDateTime(interaction.window_expires_at)}`)
        : null)
  }
}

customElements.define("parley-case-info", ParleyCaseInfo)

registerPanel({ id: "info", region: "aside", order: 10, create: () => h("parley-case-info", {}) })
