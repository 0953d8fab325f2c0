// <parley-composer>: a text box labelled "Message" and a "Send" button.
// Enter sends, Shift+Enter adds a line; a counter shows WhatsApp's 4096
// character limit. Drafts are kept per interaction while the agent switches.

import { TEXT_LIMIT, isSendKey, measureText } from "../models/composer_text.js"
import { windowState } from "../models/window_countdown.js"
import { h, icon } from "./dom.js"

const WARN_AT = TEXT_LIMIT - 200

export class ParleyComposer extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #form
  #textarea
  #counter
  #send
  #note
  #drafts = new Map()
  #forId = null

  /** @param {{store, desktop, clock, notify}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || (topic === "interactions" && id === ctx.store.selectedId)) this.render()
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    const fieldId = "composer-message"
    this.#textarea = h("textarea", { id: fieldId, rows: "1", placeholder: "Write a reply…",
      "aria-describedby": "composer-note composer-keys composer-counter", oninput: () => this.#changed(),
      onkeydown: (e) => this.#key(e) })
    this.#counter = h("output", { id: "composer-counter", class: "counter", for: fieldId, "aria-live": "off" })
    this.#note = h("p", { id: "composer-note", class: "composer-note", hidden: true })
    this.#send = h("button", { type: "submit", class: "btn btn-primary" }, h("span", {}, "Send"), icon("send"))
    this.#form = h("form", { class: "composer-box", onsubmit: (e) => { e.preventDefault(); this.#submit() } },
      h("label", { for: fieldId, class: "visually-hidden" }, "Message"),
      this.#textarea,
      h("div", { class: "composer-foot" },
        h("span", { id: "composer-keys", class: "hint" }, h("kbd", {}, "Enter"), " to send · ",
          h("kbd", {}, "Shift"), "+", h("kbd", {}, "Enter"), " for a new line"),
        this.#counter, this.#send))
    this.append(this.#note, this.#form)
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  /** Put the caret in the text box (after the agent clicks an interaction). */
  focusText() {
    if (!this.#textarea.disabled) this.#textarea.focus()
  }

  render() {
    if (!this.#ctx || !this.#form) return
    const { store, clock } = this.#ctx
    const interaction = store.interaction(store.selectedId)
    this.hidden = !interaction
    if (!interaction) return
    const id = String(interaction.id)
    if (id !== this.#forId) {
      if (this.#forId !== null) this.#drafts.set(this.#forId, this.#textarea.value)
      this.#forId = id
      this.#textarea.value = this.#drafts.get(id) ?? ""
    }
    let note = ""
    if (interaction.state === "offered") note = "Accept this interaction to reply."
    else if (windowState(interaction.window_expires_at, clock.now()).state === "closed") {
      note = "The 24-hour customer service window is closed: WhatsApp only allows templates now."
    }
    this.#note.hidden = !note
    this.#note.textContent = note
    this.#textarea.disabled = Boolean(note)
    this.#changed()
  }

  /** Re-check the 24 h window (called by the app's ticker). */
  tick() {
    const interaction = this.#ctx?.store.interaction(this.#ctx.store.selectedId)
    if (!interaction || !this.#form) return
    const closed = windowState(interaction.window_expires_at, this.#ctx.clock.now()).state === "closed"
    if (closed !== this.#textarea.disabled && interaction.state !== "offered") this.render()
  }

  #changed() {
    const text = this.#textarea.value
    const m = measureText(text)
    this.#counter.textContent = `${m.length.toLocaleString()} / ${m.limit.toLocaleString()}`
    this.#counter.dataset.level = m.over ? "over" : m.length >= WARN_AT ? "near" : ""
    this.#counter.title = m.over
      ? `${(-m.remaining).toLocaleString()} characters over WhatsApp’s limit`
      : `${m.remaining.toLocaleString()} characters left`
    this.#send.disabled = this.#textarea.disabled || m.empty || m.over
    this.#textarea.setAttribute("aria-invalid", String(m.over))
    this.#grow()
  }

  #grow() {
    const ta = this.#textarea
    ta.style.height = "auto"
    ta.style.height = `${Math.min(ta.scrollHeight, Math.round(window.innerHeight * 0.35))}px`
  }

  #key(event) {
    if (isSendKey(event)) {
      event.preventDefault()
      this.#submit()
    }
  }

  #submit() {
    const id = this.#forId
    const text = this.#textarea.value
    const m = measureText(text)
    if (id === null || this.#textarea.disabled || m.empty || m.over) return
    this.#textarea.value = ""
    this.#drafts.delete(id)
    this.#changed()
    this.#textarea.focus()
    // desktop.send shows a failure on the bubble itself (with Retry), so nothing to catch here
    this.#ctx.desktop.send(id, text.replace(/^\s*\n|\s+$/g, "")).catch((e) => this.#ctx.notify(e.message))
  }
}

customElements.define("parley-composer", ParleyComposer)
