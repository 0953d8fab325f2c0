// The quick reactions offered by a message's "React" button: six common
// emoji, "Remove reaction" when the agent has one, and "More reactions"
// (the full emoji picker). One menu per transcript, placed by the button.

import { h, icon, replace } from "./dom.js"

export const QUICK_REACTIONS = Object.freeze([
  ["👍", "thumbs up"], ["❤️", "red heart"], ["😂", "face with tears of joy"],
  ["😮", "face with open mouth"], ["😢", "crying face"], ["🙏", "folded hands"],
])

export class ReactionMenu {
  #el
  #anchor = null
  #picker

  /** @param {{open(o): void, close(o?): void}} picker the shared emoji picker */
  constructor(picker) {
    this.#picker = picker
    this.#el = h("div", { class: "reaction-menu", role: "menu", "aria-label": "Reactions", hidden: true,
      onkeydown: (e) => this.#key(e) })
    document.addEventListener("pointerdown", (e) => {
      if (!this.#el.hidden && !this.#el.contains(e.target) && e.target !== this.#anchor) this.close(false)
    }, true)
  }

  get element() { return this.#el }

  /** Offer reactions beside `anchor`; `choose(emoji)` sends one ("" removes). */
  open(anchor, current, choose) {
    this.#anchor = anchor
    const item = (label, content, emoji, cls = "") => h("button", { type: "button", role: "menuitem", tabindex: "-1",
      class: `reaction-option ${cls}`.trim(), "aria-label": label, title: label,
      "aria-pressed": emoji && emoji === current ? "true" : null,
      onclick: () => { this.close(true); choose(emoji === current ? "" : emoji) } }, content)
    replace(this.#el,
      QUICK_REACTIONS.map(([emoji, name]) => item(emoji === current ? `Remove ${name}` : `React with ${name}`, emoji, emoji)),
      h("button", { type: "button", role: "menuitem", tabindex: "-1", class: "reaction-option reaction-more",
        "aria-label": "More reactions", title: "More reactions",
        onclick: () => {
          this.close(false)
          this.#picker.open({ anchor, title: "More reactions", onPick: (emoji) => choose(emoji) })
        } }, icon("react", { size: 16 })),
      current ? item("Remove reaction", icon("close", { size: 14 }), current, "reaction-remove") : null)
    this.#el.hidden = false
    anchor.setAttribute("aria-expanded", "true")
    const r = anchor.getBoundingClientRect()
    const width = this.#el.offsetWidth
    this.#el.style.left = `${Math.max(8, Math.min(window.innerWidth - width - 8, r.left + r.width / 2 - width / 2))}px`
    this.#el.style.top = `${r.top > 60 ? r.top - this.#el.offsetHeight - 6 : r.bottom + 6}px`
    this.#el.querySelector("[role=menuitem]")?.focus()
  }

  close(refocus) {
    if (this.#el.hidden) return
    this.#el.hidden = true
    this.#anchor?.setAttribute("aria-expanded", "false")
    if (refocus) this.#anchor?.focus()
  }

  #key(event) {
    const items = [...this.#el.querySelectorAll("[role=menuitem]")]
    const at = items.indexOf(document.activeElement)
    const move = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key]
    if (move) {
      event.preventDefault()
      items[(at + move + items.length) % items.length]?.focus()
    } else if (event.key === "Escape") {
      event.preventDefault()
      event.stopPropagation()
      this.close(true)
    } else if (event.key === "Tab") {
      this.close(false)
    }
  }
}
