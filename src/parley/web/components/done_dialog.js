// The "Mark Done" dialog: an optional disposition code (mandatory when the
// server's `disposition_required` says so) and an optional note. A native
// <dialog> so focus stays inside it and Escape cancels.

import { h, replace } from "./dom.js"

export class DoneDialog {
  #dialog
  #select
  #note
  #error
  #confirm
  #draft
  #submit = async () => {}
  #closed = () => {}

  constructor() {
    this.#select = h("select", { id: "done-disposition", name: "disposition" })
    this.#note = h("textarea", { id: "done-note", name: "note", rows: "3", maxlength: "4000",
      placeholder: "What happened, for the next person who reads this" })
    this.#error = h("p", { class: "dialog-error", role: "alert", hidden: true })
    this.#draft = h("p", { id: "done-draft", class: "dialog-warning", hidden: true }, "Your unsent reply will be discarded.")
    this.#confirm = h("button", { type: "submit", class: "btn btn-primary" }, "Mark Done")
    this.#dialog = h("dialog", { class: "dialog", "aria-labelledby": "done-title" },
      h("form", { method: "dialog", onsubmit: (e) => this.#onSubmit(e) },
        h("h2", { id: "done-title", class: "dialog-title" }, "Mark Done"),
        h("p", { id: "done-who", class: "dialog-text" }),
        this.#draft,
        h("label", { class: "field", for: "done-disposition" },
          h("span", { class: "field-label", id: "done-disposition-label" }, "Disposition")),
        this.#select,
        h("label", { class: "field", for: "done-note" }, h("span", { class: "field-label" }, "Note (optional)")),
        this.#note,
        this.#error,
        h("div", { class: "dialog-actions" },
          h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.#dialog.close() }, "Cancel"),
          this.#confirm)))
  }

  get element() { return this.#dialog }

  /**
   * @param {{contact: string, dispositions: (string|{code, label})[], required: boolean,
   *   submit: (o: {disposition, note}) => Promise<void>, closed?: () => void, draft?: boolean}} o
   * `closed` runs once done: the dialog gives focus back to its opener, which is gone by then.
   */
  open({ contact, dispositions, required, submit, closed = () => {}, draft = false }) {
    this.#submit = submit
    this.#closed = closed
    const options = (Array.isArray(dispositions) ? dispositions : []).map((d) => typeof d === "string"
      ? { code: d, label: d } : { code: String(d?.code ?? ""), label: String(d?.label ?? d?.code ?? "") })
      .filter((d) => d.code)
    replace(this.#select,
      h("option", { value: "" }, required ? "Choose a disposition…" : "No disposition"),
      options.map((d) => h("option", { value: d.code }, d.label)))
    // checked in #onSubmit with a clear message, not by the browser's own bubble
    this.#select.dataset.required = String(required)
    this.#select.setAttribute("aria-required", String(required))
    this.#select.disabled = options.length === 0 && !required
    this.#dialog.querySelector("#done-disposition-label").textContent = required ? "Disposition (required)" : "Disposition"
    this.#dialog.querySelector("#done-who").textContent = `Close the interaction with ${contact}.`
    this.#draft.hidden = !draft // done closes the composer too: say so before the text is lost
    this.#note.value = ""
    this.#showError("")
    this.#confirm.disabled = false
    this.#dialog.showModal()
    ;(options.length ? this.#select : this.#note).focus()
  }

  #showError(text) {
    this.#error.hidden = !text
    this.#error.textContent = text
  }

  async #onSubmit(event) {
    event.preventDefault()
    const disposition = this.#select.value
    if (this.#select.dataset.required === "true" && !disposition) {
      this.#showError("Choose a disposition to mark this interaction done.")
      this.#select.focus()
      return
    }
    this.#confirm.disabled = true
    try {
      await this.#submit({ disposition: disposition || null, note: this.#note.value })
      this.#dialog.close()
      this.#closed()
    } catch (error) {
      this.#showError(error?.code === "disposition_required"
        ? "Choose a disposition to mark this interaction done."
        : error?.message || "Could not mark this interaction done.")
    } finally {
      this.#confirm.disabled = false
    }
  }
}
