// <parley-password-change>: after an admin reset (or made) the password, the
// user chooses their own before the desktop opens: "Current password" (the
// temporary one), "New password", "Confirm new password", "Change password".

import { h } from "./dom.js"

export class ParleyPasswordChange extends HTMLElement {
  /** @type {(current: string, next: string) => Promise<void>} throws ApiError */
  onChange = async () => {}
  onLogout = () => {}
  #error

  connectedCallback() {
    if (this.firstChild) return
    this.#error = h("p", { class: "login-error", role: "alert", hidden: true })
    const field = (label, name, autocomplete) => h("label", { class: "field" }, h("span", { class: "field-label" }, label),
      h("input", { name, type: "password", autocomplete, required: true }))
    const form = h("form", { class: "login-card", novalidate: true, onsubmit: (e) => this.#submit(e) },
      h("div", { class: "login-brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "P"), "Parley"),
      h("h1", { class: "login-title" }, "Choose a new password"),
      h("p", { class: "muted" }, "An admin gave you a temporary password. Choose your own (at least 8 characters) to open your desktop."),
      this.#error,
      field("Current password", "current", "current-password"),
      field("New password", "next", "new-password"),
      field("Confirm new password", "confirm", "new-password"),
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Change password"),
      h("button", { type: "button", class: "btn btn-ghost btn-block", onclick: () => this.onLogout() }, "Log out"))
    this.append(h("main", { class: "login" }, form))
    queueMicrotask(() => this.querySelector("input[name=current]")?.focus())
  }

  #say(text) {
    this.#error.textContent = text
    this.#error.hidden = !text
  }

  async #submit(event) {
    event.preventDefault()
    const { current, next, confirm } = event.currentTarget.elements
    if (!current.value || !next.value) return this.#say("Fill in both passwords.")
    if (next.value !== confirm.value) {
      this.#say("The new passwords differ: type it the same way twice.")
      confirm.focus()
      return
    }
    try {
      await this.onChange(current.value, next.value)
    } catch (error) {
      this.#say(error?.message || "Could not change the password.")
    }
  }
}

customElements.define("parley-password-change", ParleyPasswordChange)
