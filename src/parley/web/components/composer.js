// <parley-composer>: a text box labelled "Message", "Insert Emoji" and "Send".
// Enter sends, Shift+Enter adds a line; a counter shows WhatsApp's text
// limit. A quoted reply ("Replying to …") sits above the text. Drafts and the
// reply target are kept per interaction while the agent switches. Key presses
// send the typing indicator (throttled in Desktop). Files come from "Attach
// file", a drop anywhere on the conversation, or a pasted image; they show as
// chips (attach_tray.js) and go with the next Send.

import { pastedName } from "../models/attachments.js"
import { registerPanel } from "../panels.js"
import { TEXT_LIMIT, isSendKey, measureText, overLimitMessage } from "../models/composer_text.js"
import { canSendText, windowState } from "../models/window_countdown.js"
import { AttachTray } from "./attach_tray.js"
import { h, icon, replace } from "./dom.js"
import { contactName } from "../models/contact.js"
import { insertAt } from "../models/responses.js"
import { agentLocale } from "./responses.js"

const DESCRIBED = "composer-note composer-keys composer-counter"

export class ParleyComposer extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #form
  #textarea
  #counter
  #send
  #overLimit
  #emoji
  #note
  #reply
  #chips
  #templates
  #attachments = [] // attachment ids of an inserted response, sent after the text, in order
  #drafts = new Map() // interaction id → {text, replyTo}
  #replyTo = null
  #forId = null
  #tray
  #attach
  #fileInput
  #dropZone = null

  /** @param {{store, desktop, clock, notify, picker, memory}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#drafts = ctx.memory?.drafts() ?? new Map() // drafts written before a reload
    this.#unsubscribe()
    this.#tray?.element.remove()
    this.#tray = new AttachTray({
      upload: (file, name, options) => this.#ctx.desktop.upload(file, name, options),
      limits: () => this.#ctx.store.config.attachments ?? {},
      onChange: () => this.#changed(false),
    })
    this.#form.prepend(this.#tray.element)
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || topic === "config" || (topic === "interactions" && id === ctx.store.selectedId)) {
        this.render()
      } else if (topic === "collection" && !this.#templates.hidden) this.#renderTemplates()
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    const fieldId = "composer-message"
    this.#textarea = h("textarea", { id: fieldId, rows: "1", placeholder: "Write a reply…",
      "aria-describedby": DESCRIBED,
      oninput: () => this.#changed(true), onkeydown: (e) => this.#key(e) })
    this.#counter = h("output", { id: "composer-counter", class: "counter", for: fieldId, "aria-live": "off" })
    this.#note = h("p", { id: "composer-note", class: "composer-note", hidden: true })
    this.#reply = h("div", { class: "composer-reply", hidden: true })
    this.#chips = h("ul", { class: "composer-chips", "aria-label": "Attachments", hidden: true })
    this.#templates = h("div", { class: "composer-templates", hidden: true })
    this.#emoji = h("button", { type: "button", class: "btn btn-ghost btn-icon", "aria-label": "Insert Emoji",
      title: "Insert Emoji", "aria-haspopup": "dialog", "aria-expanded": "false",
      onclick: () => this.#openEmoji() }, icon("smile", { size: 18 }))
    this.#send = h("button", { type: "submit", class: "btn btn-primary" }, h("span", {}, "Send"), icon("send"))
    this.#fileInput = h("input", { type: "file", multiple: true, hidden: true, tabindex: "-1",
      onchange: () => { this.#addFiles(this.#fileInput.files); this.#fileInput.value = "" } })
    this.#attach = h("button", { type: "button", class: "btn btn-ghost btn-icon", "aria-label": "Attach file",
      title: "Attach file", onclick: () => this.#fileInput.click() }, icon("clip", { size: 18 }))
    this.#overLimit = h("p", { id: "composer-limit", class: "composer-limit", hidden: true })
    this.#form = h("form", { class: "composer-box", onsubmit: (e) => { e.preventDefault(); this.#submit() } },
      this.#reply,
      h("label", { for: fieldId, class: "visually-hidden" }, "Message"),
      this.#textarea,
      this.#chips,
      this.#overLimit,
      this.#fileInput,
      h("div", { class: "composer-foot" }, this.#emoji, this.#attach,
        h("span", { id: "composer-keys", class: "hint" }, h("kbd", {}, "Enter"), " to send · ",
          h("kbd", {}, "Shift"), "+", h("kbd", {}, "Enter"), " for a new line"),
        this.#counter, this.#send))
    this.#textarea.addEventListener("paste", (e) => this.#paste(e))
    this.append(this.#note, this.#templates, this.#form)
    // Files dropped anywhere on the conversation column attach to the open interaction.
    this.#dropZone = this.parentElement ?? this
    this.#dropZone.addEventListener("dragover", this.#dragOver)
    this.#dropZone.addEventListener("dragleave", this.#dragLeave)
    this.#dropZone.addEventListener("drop", this.#drop)
  }

  disconnectedCallback() {
    this.#unsubscribe()
    this.#dropZone?.removeEventListener("dragover", this.#dragOver)
    this.#dropZone?.removeEventListener("dragleave", this.#dragLeave)
    this.#dropZone?.removeEventListener("drop", this.#drop)
  }

  #canAttach() {
    return !this.hidden && !this.#textarea.disabled && this.#forId !== null
  }

  #dragOver = (event) => {
    if (!this.#canAttach() || !event.dataTransfer?.types?.includes("Files")) return
    event.preventDefault()
    event.dataTransfer.dropEffect = "copy"
    this.#dropZone.classList.add("dropping")
  }

  #dragLeave = (event) => {
    if (!this.#dropZone.contains(event.relatedTarget)) this.#dropZone.classList.remove("dropping")
  }

  #drop = (event) => {
    this.#dropZone.classList.remove("dropping")
    if (!this.#canAttach() || !event.dataTransfer?.files?.length) return
    event.preventDefault()
    this.#addFiles(event.dataTransfer.files)
  }

  #paste(event) {
    const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"))
    if (!files.length || !this.#canAttach()) return
    event.preventDefault()
    this.#addFiles(files, (f) => (f.name && f.name !== "image.png" ? f.name : pastedName(f.type, Date.now())))
  }

  #addFiles(files, nameOf) {
    if (!this.#canAttach()) return
    this.#tray.add([...files], nameOf)
    this.#textarea.focus()
  }

  /** Put the caret in the text box (after the agent clicks an interaction). */
  focusText() {
    if (!this.#textarea.disabled) this.#textarea.focus()
  }

  /** Quote `message` in the next reply (the transcript's "Reply"). */
  replyTo(message) {
    this.#replyTo = message ? { id: message.id, text: message.text ?? "", direction: message.direction,
      label: message.label ?? null } : null
    this.#renderReply()
    this.#remember()
    this.focusText()
  }

  /** Insert a filled standard response: its text at the caret (editable), its attachments as chips. */
  insertResponse(filled) {
    if (this.#textarea.disabled) return
    const ta = this.#textarea
    const start = ta.selectionStart ?? ta.value.length
    const end = ta.selectionEnd ?? ta.value.length
    const { text, caret } = filled.text ? insertAt(ta.value, filled.text, start, end) : { text: ta.value, caret: end }
    ta.value = text
    for (const id of filled.attachment_ids ?? []) if (!this.#attachments.includes(id)) this.#attachments.push(id)
    this.#renderChips()
    ta.focus()
    ta.setSelectionRange(caret, caret)
    this.#changed(true)
  }

  #renderChips() {
    this.#chips.hidden = !this.#attachments.length
    replace(this.#chips, this.#attachments.map((id, n) => h("li", { class: "chip" },
      icon("clip", { size: 13 }), h("span", {}, `Attachment ${n + 1}`),
      h("button", { type: "button", class: "chip-x", "aria-label": `Remove attachment ${n + 1}`, title: "Remove",
        onclick: () => {
          this.#attachments = this.#attachments.filter((a) => a !== id)
          this.#renderChips()
          this.#changed(false)
          this.#textarea.focus()
        } }, icon("close", { size: 12 })))))
  }

  /** The closed window's way forward: the notifications and approved templates to pick from. */
  #renderTemplates() {
    const store = this.#ctx.store
    const templates = store.collection("templates")
      .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))
    const approved = (ref) => templates.some((t) => t.name === ref.name && t.language === ref.language)
    const responses = store.collection("responses").filter((r) => r.template && approved(r.template))
      .sort((a, b) => a.name.localeCompare(b.name))
    const item = (label, detail, onpick) => h("li", {},
      h("button", { type: "button", class: "template-pick", onclick: onpick },
        h("span", { class: "template-name" }, label), h("span", { class: "muted" }, detail)))
    const pickResponse = (r) => async () => {
      try {
        const filled = await this.#ctx.desktop.fillResponse(r.id, this.#forId, agentLocale())
        this.#ctx.openNotification({ filled })
      } catch (error) {
        this.#ctx.notify(error.message)
      }
    }
    replace(this.#templates,
      h("p", { class: "composer-templates-title", id: "composer-templates-title" }, "Send a notification"),
      templates.length
        ? h("ul", { class: "template-list", "aria-labelledby": "composer-templates-title" },
          responses.map((r) => item(r.name, `${r.template.name} · ${r.template.language}`, pickResponse(r))),
          templates.map((t) => item(t.name, `${t.language} · ${t.category.toLowerCase()}`,
            () => this.#ctx.openNotification({ template: { name: t.name, language: t.language } }))))
        : h("p", { class: "muted" }, "No approved WhatsApp template is available."))
  }

  /** The draft of the open interaction, or "" (Mark Done warns before discarding it). */
  get draft() {
    return this.#textarea?.value.trim() ?? ""
  }

  #remember() {
    if (this.#forId !== null) this.#ctx.memory?.saveDraft(this.#forId, { text: this.#textarea.value, replyTo: this.#replyTo })
  }

  render() {
    if (!this.#ctx || !this.#form) return
    const { store, clock } = this.#ctx
    const interaction = store.interaction(store.selectedId)
    this.hidden = !interaction
    if (!interaction) return
    const id = String(interaction.id)
    if (id !== this.#forId) {
      if (this.#forId !== null) this.#drafts.set(this.#forId, { text: this.#textarea.value, replyTo: this.#replyTo })
      this.#forId = id
      const draft = this.#drafts.get(id)
      this.#textarea.value = draft?.text ?? ""
      this.#replyTo = draft?.replyTo ?? null
      this.#attachments = []
      this.#renderChips()
      this.#ctx.picker?.close({ refocus: false })
      this.#tray.show(id)
    }
    let note = ""
    const windowNow = windowState(interaction.window_expires_at, clock.now()).state
    if (interaction.state === "offered") note = "Accept this interaction to reply."
    else if (!canSendText(interaction.window_expires_at, clock.now())) {
      note = windowNow === "none"
        ? "The customer has not written yet: WhatsApp only takes templates until they do."
        : "The 24-hour customer service window is closed: WhatsApp only allows templates now."
    }
    this.#note.hidden = !note
    this.#note.textContent = note
    this.#textarea.placeholder = interaction.state === "offered" ? "Accept to reply…"
      : note ? "Free text can’t be sent" : "Write a reply…"
    this.#textarea.disabled = Boolean(note)
    this.#emoji.disabled = Boolean(note)
    this.#attach.disabled = Boolean(note)
    // A closed window is not a dead end: the composer offers the templates WhatsApp still takes.
    const closed = interaction.state === "active" && Boolean(note)
    this.#templates.hidden = !closed
    this.#form.hidden = closed
    if (closed) {
      this.#note.textContent = windowNow === "none"
        ? "The customer has not written to you yet: WhatsApp only takes templates. Send a notification to start the conversation."
        : "The 24-hour customer service window is closed: WhatsApp only takes templates now. Send a notification to reopen the conversation."
      this.#renderTemplates()
    }
    this.#renderReply()
    this.#changed(false)
  }

  /** Re-check the 24 h window (called by the app's ticker). */
  tick() {
    const interaction = this.#ctx?.store.interaction(this.#ctx.store.selectedId)
    if (!interaction || !this.#form) return
    const closed = !canSendText(interaction.window_expires_at, this.#ctx.clock.now())
    if (closed !== this.#textarea.disabled && interaction.state !== "offered") this.render()
  }

  #renderReply() {
    const r = this.#replyTo
    this.#reply.hidden = !r
    if (!r) return
    const interaction = this.#ctx.store.interaction(this.#forId)
    const who = r.direction === "out" ? "yourself" : contactName(interaction)
    replace(this.#reply,
      icon("reply", { size: 16 }),
      h("div", { class: "composer-reply-text" },
        h("span", { class: "composer-reply-who" }, `Replying to ${who}`),
        h("span", { class: "composer-reply-quote", dir: "auto" }, r.text || r.label || "Earlier message")),
      h("button", { type: "button", class: "btn btn-ghost btn-icon btn-small", "aria-label": "Cancel reply",
        title: "Cancel reply", onclick: () => this.replyTo(null) }, icon("close", { size: 14 })))
  }

  #limit() {
    const configured = Number(this.#ctx?.store.config.text_limit)
    return Number.isFinite(configured) && configured > 0 ? configured : TEXT_LIMIT
  }

  /** Say why Send is disabled; the text box and Send point at it only while it applies. */
  #explainLimit(m) {
    const text = overLimitMessage(m)
    this.#overLimit.hidden = !text
    if (this.#overLimit.textContent !== text) this.#overLimit.textContent = text
    const described = text ? `composer-limit ${DESCRIBED}` : DESCRIBED
    this.#textarea.setAttribute("aria-describedby", described)
    if (text) this.#send.setAttribute("aria-describedby", "composer-limit")
    else this.#send.removeAttribute("aria-describedby")
  }

  #changed(typed) {
    const text = this.#textarea.value
    const m = measureText(text, this.#limit())
    this.#counter.textContent = `${m.length.toLocaleString()} / ${m.limit.toLocaleString()}`
    this.#counter.dataset.level = m.over ? "over" : m.remaining <= 200 ? "near" : ""
    this.#counter.title = m.over
      ? `${(-m.remaining).toLocaleString()} characters over WhatsApp’s limit`
      : `${m.remaining.toLocaleString()} characters left`
    const files = this.#tray?.state ?? { count: 0, uploading: false, failed: false, ids: [] }
    const nothing = m.empty && !this.#attachments.length && files.count === 0
    this.#send.disabled = this.#textarea.disabled || nothing || m.over || files.uploading || files.failed
    this.#send.title = files.uploading ? "Waiting for the files to upload" : files.failed
      ? "Remove the file that failed to upload" : ""
    this.#textarea.setAttribute("aria-invalid", String(m.over))
    this.#explainLimit(m)
    this.#grow()
    if (typed) this.#remember()
    if (typed && !m.empty && this.#forId !== null) this.#ctx.desktop.typing(this.#forId)
  }

  #grow() {
    const ta = this.#textarea
    ta.style.height = "auto"
    ta.style.height = `${Math.min(ta.scrollHeight, Math.round(window.innerHeight * 0.35))}px`
  }

  #key(event) {
    if (event.key === "Escape" && this.#replyTo) {
      event.preventDefault()
      this.replyTo(null)
    } else if (isSendKey(event)) {
      event.preventDefault()
      this.#submit()
    }
  }

  #openEmoji() {
    const picker = this.#ctx.picker
    if (picker.isOpen) {
      picker.close()
      return
    }
    const ta = this.#textarea
    const at = { start: ta.selectionStart ?? ta.value.length, end: ta.selectionEnd ?? ta.value.length }
    picker.open({ anchor: this.#emoji, title: "Insert Emoji", onPick: (emoji) => {
      ta.setRangeText(emoji, at.start, at.end, "end")
      ta.focus()
      this.#changed(true)
    } })
  }

  #submit() {
    const id = this.#forId
    const text = this.#textarea.value
    const m = measureText(text, this.#limit())
    const files = this.#tray.state
    if (files.count > 0) {
      this.#submitFiles(id, text, m, files)
      return
    }
    const attachments = this.#attachments
    if (id === null || this.#textarea.disabled || (m.empty && !attachments.length) || m.over) return
    const replyTo = this.#replyTo
    this.#attachments = []
    this.#renderChips()
    this.#textarea.value = ""
    this.#replyTo = null
    this.#drafts.delete(id)
    this.#ctx.memory?.saveDraft(id, null)
    this.#renderReply()
    this.#changed(false)
    this.#textarea.focus()
    // desktop.send shows a failure on the bubble itself (with Retry), so nothing to catch here.
    // A response's text goes first as its own message, then each attachment as its own.
    const body = text.replace(/^\s*\n|\s+$/g, "")
    this.#ctx.desktop.sendResponse(id, m.empty ? "" : body, attachments, { replyTo })
      .catch((e) => this.#ctx.notify(e.message))
  }

  /** Text (if any) and the uploaded files; the chips stay if the send fails. */
  #submitFiles(id, text, m, files) {
    if (id === null || this.#textarea.disabled || m.over || files.uploading || files.failed) return
    const body = m.empty ? "" : text.replace(/^\s*\n|\s+$/g, "")
    const replyTo = this.#replyTo
    this.#send.disabled = true
    // A standard response's attachments (if one was inserted) go with the uploaded files.
    const ids = [...this.#attachments, ...files.ids]
    this.#ctx.desktop.sendFiles(id, body, ids, { replyTo }).then(() => {
      if (this.#forId === id) {
        this.#attachments = []
        this.#renderChips()
        this.#textarea.value = ""
        this.#replyTo = null
        this.#renderReply()
        this.#tray.clear()
      }
      this.#drafts.delete(id)
      this.#ctx.memory?.saveDraft(id, null)
    }, (e) => this.#ctx.notify(e?.message || "The files were not sent.")).finally(() => this.#changed(false))
  }
}

customElements.define("parley-composer", ParleyComposer)

registerPanel({ id: "composer", region: "main", order: 30, create: () => h("parley-composer", { hidden: true }) })
