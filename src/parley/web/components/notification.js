// <parley-notification>: the Notification tab. A standard response bound to a
// WhatsApp template (or a template picked when the window is closed) opens
// here: the rendered preview (header, body, footer, buttons) and one field
// per parameter with its label and default. "Edit" makes the values editable
// with the preview live; "Send" sends one template message with exactly these
// values; "Cancel" drops it.

import { registerPanel } from "../panels.js"
import { canSend, notificationFields, renderTemplate } from "../models/template_render.js"
import { h, icon, replace } from "./dom.js"

export class ParleyNotification extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #state = null // {interactionId, template, title, fields, editing, sending, error}

  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, name, id }) => {
      if (!this.#state) return
      if (topic === "selection" && String(ctx.store.selectedId) !== String(this.#state.interactionId)) this.close()
      else if (topic === "collection" && name === "templates" && !this.#template()) {
        this.#state.blocked = "This template is no longer approved by WhatsApp, so it can’t be sent."
        this.render()
      } else if (topic === "interactions" && id === String(this.#state.interactionId)) this.render()
    })
    this.render()
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  get isOpen() { return this.#state !== null }

  /**
   * Open for the selected interaction: `filled` (a filled response with `template`) or
   * `template` ({name, language}) picked directly.
   */
  open({ filled = null, template = null }) {
    const ref = filled?.template ?? template
    const interactionId = this.#ctx.store.selectedId
    if (!ref || interactionId === null) return
    const listed = this.#find(ref.name, ref.language)
    this.#state = {
      interactionId, name: ref.name, language: ref.language, title: filled?.name ?? ref.name,
      fields: notificationFields(listed, filled?.template), editing: false, sending: false, error: null,
      blocked: listed ? null : `Template ${ref.name} (${ref.language}) is not approved, so it can’t be sent.`,
    }
    // With no defaults to show, the agent starts by typing.
    if (this.#state.fields.some((f) => !f.value.trim())) this.#state.editing = true
    this.render()
    this.querySelector(this.#state.editing ? "input" : "[data-action=send]")?.focus()
  }

  close() {
    this.#state = null
    this.render()
    this.#ctx?.focusComposer?.()
  }

  #find(name, language) {
    return this.#ctx.store.collection("templates").find((t) => t.name === name && t.language === language) ?? null
  }

  #template() {
    return this.#state ? this.#find(this.#state.name, this.#state.language) : null
  }

  #values() {
    return Object.fromEntries(this.#state.fields.map((f) => [f.key, f.value]))
  }

  render() {
    const s = this.#state
    this.hidden = !s
    if (!s) {
      this.replaceChildren()
      return
    }
    const template = this.#template()
    const labels = Object.fromEntries(s.fields.map((f) => [f.key, f.label]))
    const rendered = template ? renderTemplate(template, this.#values(), labels) : null
    const ready = rendered && canSend(rendered) && !s.sending && !s.blocked
    const error = s.blocked ?? s.error
    const preview = rendered ? h("div", { class: "wa-template", "aria-label": "Preview", role: "group" },
      rendered.header ? h("p", { class: "wa-header", dir: "auto" }, rendered.header) : null,
      rendered.headerFormat && rendered.headerFormat !== "TEXT"
        ? h("p", { class: "wa-media" }, `${rendered.headerFormat.toLowerCase()} · ${rendered.headerMedia ?? "no media yet"}`) : null,
      h("p", { class: "wa-body", dir: "auto" }, rendered.body),
      rendered.footer ? h("p", { class: "wa-footer" }, rendered.footer) : null,
      rendered.buttons.length ? h("div", { class: "wa-buttons" },
        rendered.buttons.map((b) => h("span", { class: "wa-button" }, b.text))) : null) : null
    const fields = h("ol", { class: "notif-fields" }, s.fields.map((f, n) => {
      const id = `notif-field-${n}`
      return h("li", {},
        h("label", { for: id, class: "notif-label" }, f.label),
        s.editing
          ? h("input", { id, type: "text", value: f.value, placeholder: f.example ? `e.g. ${f.example}` : "",
            "aria-invalid": String(!f.value.trim()),
            oninput: (e) => { f.value = e.target.value; this.#repaint() } })
          : h("output", { id, class: f.value.trim() ? "notif-value" : "notif-value empty" }, f.value || "—"))
    }))
    const problems = [...(rendered?.problems ?? [])]
    if (rendered?.missing.length) problems.unshift(`Fill in: ${rendered.missing.map((k) => labels[k] ?? k).join(", ")}.`)
    replace(this,
      h("div", { class: "notif-tabs", role: "tablist", "aria-label": "Composer" },
        h("span", { role: "tab", "aria-selected": "true", class: "notif-tab", id: "notification-tab" },
          icon("bell", { size: 14 }), "Notification")),
      h("div", { class: "notif-panel", role: "tabpanel", "aria-labelledby": "notification-tab" },
        h("div", { class: "notif-head" }, h("strong", {}, s.title),
          h("span", { class: "muted" }, `WhatsApp template ${s.name} · ${s.language}`)),
        h("div", { class: "notif-grid" }, preview, s.fields.length ? fields : h("p", { class: "muted" }, "This template has no parameters.")),
        error ? h("p", { class: "notif-error", role: "alert" }, error) : null,
        problems.length && !s.blocked ? h("p", { class: "notif-problem", id: "notif-problem" }, problems.join(" ")) : null,
        h("div", { class: "notif-actions" },
          h("button", { type: "button", class: "btn btn-ghost", onclick: () => this.close() }, "Cancel"),
          h("button", { type: "button", class: "btn btn-secondary", "aria-pressed": String(s.editing),
            disabled: !s.fields.length, onclick: () => this.#toggleEdit() }, "Edit"),
          h("button", { type: "button", class: "btn btn-primary", "data-action": "send", disabled: !ready,
            "aria-describedby": problems.length ? "notif-problem" : null, onclick: () => this.#send() },
            h("span", {}, s.sending ? "Sending…" : "Send"), icon("send")))))
  }

  /** Re-render but keep the caret in the field being typed in. */
  #repaint() {
    const active = document.activeElement
    const id = active?.id
    const at = active?.selectionStart
    this.render()
    if (id) {
      const again = this.querySelector(`#${id}`)
      again?.focus()
      if (again && at !== undefined && at !== null) again.setSelectionRange(at, at)
    }
  }

  #toggleEdit() {
    this.#state.editing = !this.#state.editing
    this.render()
    if (this.#state.editing) this.querySelector("input")?.focus()
  }

  async #send() {
    const s = this.#state
    if (!s || s.sending) return
    s.sending = true
    s.error = null
    this.render()
    try {
      await this.#ctx.desktop.sendNotification(s.interactionId, { template: s.name, language: s.language, parameters: this.#values() })
      this.close()
    } catch (error) {
      if (this.#state !== s) return
      s.sending = false
      s.error = error.message || "The notification was not sent."
      this.render()
    }
  }
}

customElements.define("parley-notification", ParleyNotification)

registerPanel({ id: "notification", region: "main", order: 25, create: () => h("parley-notification", { hidden: true }) })
