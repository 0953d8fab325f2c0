// <parley-login>: the log in form. Fields labelled "Username" and "Password",
// a "Log in" button, and the server's message when it says no.

import { h } from "./dom.js"

export class ParleyLogin extends HTMLElement {
  #onLogin = async () => {}
  #error
  #button
  #busy = false

  /** @param {(username: string, password: string) => Promise<void>} onLogin throws ApiError */
  set onLogin(fn) {
    this.#onLogin = fn
  }

  /** A message to show above the form, e.g. "Your session ended." */
  set notice(text) {
    this.#showError(text)
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#error = h("p", { class: "login-error", role: "alert" })
    this.#button = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Log in")
    const form = h("form", { class: "login-card", novalidate: true, onsubmit: (e) => this.#submit(e) },
      h("div", { class: "login-brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "P"), "Parley"),
      h("h1", { class: "login-title" }, "Log in to your desktop"),
      this.#error,
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Username"),
        h("input", { name: "username", autocomplete: "username", autocapitalize: "none", spellcheck: "false",
          required: true, autofocus: true })),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Password"),
        h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
      this.#button,
    )
    this.append(h("main", { class: "login" }, form))
    this.#showError(this.dataset.notice ?? "")
    queueMicrotask(() => this.querySelector("input[name=username]")?.focus())
  }

  #showError(text) {
    if (!this.#error) {
      this.dataset.notice = text ?? ""
      return
    }
    this.#error.textContent = text ?? ""
    this.#error.hidden = !text
  }

  async #submit(event) {
    event.preventDefault()
    if (this.#busy) return
    const form = event.currentTarget
    const username = form.elements.username.value.trim()
    const password = form.elements.password.value
    if (!username || !password) {
      this.#showError("Enter your username and password.")
      form.elements[username ? "password" : "username"].focus()
      return
    }
    this.#busy = true
    this.#button.setAttribute("aria-busy", "true")
    this.#button.disabled = true
    this.#showError("")
    try {
      await this.#onLogin(username, password)
    } catch (error) {
      this.#showError(error?.message || "Could not log in.")
      form.elements.password.select()
      form.elements.password.focus()
    } finally {
      this.#busy = false
      this.#button.disabled = false
      this.#button.removeAttribute("aria-busy")
    }
  }
}

customElements.define("parley-login", ParleyLogin)
