// A yes / no question in a native modal <dialog> (focus stays inside, Escape
// cancels, focus returns to the opener), styled like "Mark Done". Used before
// logging out with interactions still open.

import { h } from "./dom.js"

let ids = 0

export class ConfirmDialog {
  #dialog
  #title
  #text
  #confirm
  #answer = () => {}

  constructor() {
    const n = ++ids
    this.#title = h("h2", { id: `confirm-title-${n}`, class: "dialog-title" })
    this.#text = h("p", { id: `confirm-text-${n}`, class: "dialog-text" })
    this.#confirm = h("button", { type: "submit", class: "btn btn-primary" })
    this.#dialog = h("dialog", { class: "dialog dialog-small", "aria-labelledby": this.#title.id,
      "aria-describedby": this.#text.id, onclose: () => this.#settle(this.#dialog.returnValue === "confirm") },
    h("form", { method: "dialog" }, this.#title, this.#text,
      h("div", { class: "dialog-actions" },
        h("button", { type: "submit", value: "cancel", class: "btn btn-secondary" }, "Cancel"),
        this.#confirm)))
    this.#confirm.value = "confirm"
  }

  get element() { return this.#dialog }

  /** Resolves true when the agent confirms; Cancel and Escape resolve false. */
  ask({ title, text, confirm }) {
    this.#title.textContent = title
    this.#text.textContent = text
    this.#confirm.textContent = confirm
    this.#dialog.returnValue = ""
    this.#settle(false) // a question still open is answered "no" before the next one
    return new Promise((resolve) => {
      this.#answer = resolve
      this.#dialog.showModal()
      // Cancel first: the safe answer is the one a stray Enter gives
      this.#dialog.querySelector("button[value='cancel']").focus()
    })
  }

  #settle(yes) {
    const answer = this.#answer
    this.#answer = () => {}
    answer(yes)
  }
}
