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
  #refresh = async () => null
  #required = false

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
   *   submit: (o: {disposition, note}) => Promise<void>, closed?: () => void, draft?: boolean,
   *   refresh?: () => Promise<(string|{code, label})[]|null>}} o
   * `closed` runs once done: the dialog gives focus back to its opener, which is gone by then.
   * `refresh` fetches the live list when the server refuses a disposition it no longer offers.
   */
  open({ contact, dispositions, required, submit, closed = () => {}, draft = false, refresh = async () => null }) {
    this.#submit = submit
    this.#closed = closed
    this.#refresh = refresh
    this.#required = Boolean(required)
    const options = this.setDispositions(dispositions, { keep: false })
    // checked in #onSubmit with a clear message, not by the browser's own bubble
    this.#select.dataset.required = String(required)
    this.#select.setAttribute("aria-required", String(required))
    this.#dialog.querySelector("#done-disposition-label").textContent = required ? "Disposition (required)" : "Disposition"
    this.#dialog.querySelector("#done-who").textContent = `Close the interaction with ${contact}.`
    this.#draft.hidden = !draft // done closes the composer too: say so before the text is lost
    this.#note.value = ""
    this.#showError("")
    this.#confirm.disabled = false
    this.#dialog.showModal()
    ;(options.length ? this.#select : this.#note).focus()
  }

  get isOpen() { return this.#dialog.open }

  /**
   * Offer `dispositions` (the live list: an admin may change it while the dialog is open).
   * The agent's choice stays when it is still offered; a choice that went away is said.
   * Returns the options offered.
   */
  setDispositions(dispositions, { keep = true } = {}) {
    const options = (Array.isArray(dispositions) ? dispositions : []).map((d) => typeof d === "string"
      ? { code: d, label: d } : { code: String(d?.code ?? ""), label: String(d?.label ?? d?.code ?? "") })
      .filter((d) => d.code)
    const chosen = keep ? this.#select.value : ""
    const chosenLabel = chosen ? this.#select.selectedOptions[0]?.textContent : ""
    replace(this.#select,
      h("option", { value: "" }, this.#required ? "Choose a disposition…" : "No disposition"),
      options.map((d) => h("option", { value: d.code }, d.label)))
    if (chosen && options.some((d) => d.code === chosen)) this.#select.value = chosen
    else if (chosen) this.#showError(`“${chosenLabel}” is no longer offered: choose another disposition.`)
    this.#select.disabled = options.length === 0 && !this.#required
    return options
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
      // The list changed under the dialog (an event missed): offer what the server takes now.
      if (error?.code === "unknown_disposition") {
        const live = await this.#refresh().catch(() => null)
        if (Array.isArray(live)) {
          this.setDispositions(live, { keep: false })
          this.#showError("The dispositions changed: choose one of the list again.")
        }
      }
    } finally {
      this.#confirm.disabled = false
    }
  }
}
