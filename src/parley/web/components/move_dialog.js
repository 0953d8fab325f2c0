// The "Move to Workbin" dialog: where to park the interaction (the agent's own
// workbin preselected, the shared ones listed) and an optional reason. A
// native <dialog> like "Mark Done": focus stays inside, Escape cancels, the
// caller moves focus on once the interaction has left the desk.

import { workbinLabel } from "../models/workbins.js"
import { h, replace } from "./dom.js"

export class MoveDialog {
  #dialog
  #select
  #reason
  #error
  #confirm
  #who
  #workbins = []
  #submit = async () => {}
  #closed = () => {}

  constructor() {
    this.#select = h("select", { id: "move-workbin", name: "workbin" })
    this.#reason = h("input", { id: "move-reason", name: "reason", type: "text", maxlength: "200", autocomplete: "off",
      placeholder: "e.g. Waiting for the warehouse" })
    this.#error = h("p", { class: "dialog-error", role: "alert", hidden: true })
    this.#who = h("p", { id: "move-who", class: "dialog-text" })
    this.#confirm = h("button", { type: "submit", class: "btn btn-primary" }, "Move")
    this.#dialog = h("dialog", { class: "dialog", "aria-labelledby": "move-title", "aria-describedby": "move-who" },
      h("form", { method: "dialog", onsubmit: (e) => this.#onSubmit(e) },
        h("h2", { id: "move-title", class: "dialog-title" }, "Move to Workbin"),
        this.#who,
        h("label", { class: "field", for: "move-workbin" }, h("span", { class: "field-label" }, "Workbin")),
        this.#select,
        h("label", { class: "field", for: "move-reason" }, h("span", { class: "field-label" }, "Reason (optional)")),
        this.#reason,
        this.#error,
        h("div", { class: "dialog-actions" },
          h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.#dialog.close() }, "Cancel"),
          this.#confirm)))
  }

  get element() { return this.#dialog }

  /**
   * @param {{contact: string, workbins: Promise<object[]>|object[], meId: number|string,
   *   submit: (o: {workbinId: number|null, workbinName: string, reason: string}) => Promise<void>,
   *   closed?: () => void}} o
   * `workbins` may still be loading: the personal workbin is offered at once, the shared ones follow.
   * `closed` runs after a successful move: the opener is gone with the interaction.
   */
  open({ contact, workbins, meId, submit, closed = () => {} }) {
    this.#submit = submit
    this.#closed = closed
    this.#who.textContent = `${contact} leaves your desk and waits in the workbin; the chat stays open for them.`
    this.#reason.value = ""
    this.#showError("")
    this.#confirm.disabled = false
    this.#fill([], meId)
    Promise.resolve(workbins).then((list) => {
      if (this.#dialog.open) this.#fill(list, meId)
    }).catch(() => {}) // the personal workbin needs no list: the server picks it
    this.#dialog.showModal()
    this.#select.focus()
  }

  /** "My workbin" first (no id: the server's default), then the shared ones. */
  #fill(list, meId) {
    const chosen = this.#select.value
    const shared = (Array.isArray(list) ? list : []).filter((w) => w?.kind === "shared")
    const mine = (Array.isArray(list) ? list : []).find((w) => w?.kind === "personal" && String(w.owner?.id) === String(meId))
    this.#workbins = shared
    replace(this.#select,
      h("option", { value: "" }, mine ? `${workbinLabel(mine, meId)} (${mine.name})` : "My workbin"),
      shared.length ? h("optgroup", { label: "Shared" },
        shared.map((w) => h("option", { value: String(w.id) }, w.name))) : null)
    if (chosen && shared.some((w) => String(w.id) === chosen)) this.#select.value = chosen
  }

  #showError(text) {
    this.#error.hidden = !text
    this.#error.textContent = text
  }

  async #onSubmit(event) {
    event.preventDefault()
    const value = this.#select.value
    const workbin = this.#workbins.find((w) => String(w.id) === value) ?? null
    this.#confirm.disabled = true
    try {
      await this.#submit({
        workbinId: workbin ? workbin.id : null,
        workbinName: workbin ? workbin.name : "your workbin",
        reason: this.#reason.value,
      })
      this.#dialog.close()
      this.#closed()
    } catch (error) {
      this.#showError(error?.message || "Could not move this interaction to the workbin.")
    } finally {
      this.#confirm.disabled = false
    }
  }
}
