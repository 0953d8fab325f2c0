// The composer's files before sending: one chip per file (name, size, upload
// progress, "Remove …"), kept per interaction. Each file is checked against the
// server's limits (GET config) before its upload starts, and uploads at once.
// Every refusal (the browser's check or the server's answer) stays listed, naming
// its file, until the agent acts: picks files again, removes the file, sends, or
// dismisses the list.

import { checkFile, formatSize, percent } from "../models/attachments.js"
import { h, icon, replace } from "./dom.js"

let nextKey = 1

export class AttachTray {
  #upload
  #limits
  #onChange
  #sets = new Map() // interaction id → chip entries
  #notes = new Map() // interaction id → refusals [{key, text}] (key: the chip's, or null)
  #id = null
  element
  #list
  #error

  /**
   * @param {object} o
   * @param {(file: Blob, name: string, options: object) => Promise<object>} o.upload
   * @param {() => object} o.limits the config's `attachments`
   * @param {() => void} o.onChange called whenever a chip appears, progresses, finishes or goes
   */
  constructor({ upload, limits, onChange }) {
    this.#upload = upload
    this.#limits = limits
    this.#onChange = onChange
    this.#list = h("ul", { class: "chips", "aria-label": "Files to send" })
    this.#error = h("div", { class: "composer-file-error", role: "alert", hidden: true })
    this.element = h("div", { class: "tray" }, this.#error, this.#list)
    this.element.hidden = true
  }

  get #entries() {
    if (this.#id === null) return []
    if (!this.#sets.has(this.#id)) this.#sets.set(this.#id, [])
    return this.#sets.get(this.#id)
  }

  /** Show the files of interaction `id`. */
  show(id) {
    this.#id = id
    this.#render()
  }

  get #refusals() {
    if (this.#id === null) return []
    if (!this.#notes.has(this.#id)) this.#notes.set(this.#id, [])
    return this.#notes.get(this.#id)
  }

  /**
   * Show set `id` with files already stored (`attachments`: {id, filename, size}) first, as
   * chips that can be removed like new ones, before any added meanwhile.
   */
  seed(id, attachments) {
    const stored = attachments.map((attachment) => ({ key: nextKey++, name: attachment.filename,
      size: attachment.size, state: "ready", progress: 100, attachment, abort: new AbortController(), error: "" }))
    this.#sets.set(id, [...stored, ...(this.#sets.get(id) ?? [])])
    this.show(id)
  }

  /** Check and start uploading `files` (a FileList or array), named by `nameOf(file)`. */
  add(files, nameOf = (f) => f.name) {
    const refused = this.#refusals
    refused.splice(0) // a new pick: the last pick's refusals were read
    let ok = true
    for (const file of files) {
      const name = nameOf(file)
      const verdict = checkFile({ name, size: file.size, type: file.type }, this.#limits())
      if (!verdict.ok) {
        refused.push({ key: null, text: verdict.message })
        ok = false
        continue
      }
      const entry = { key: nextKey++, name, size: file.size, state: "uploading", progress: 0, attachment: null,
        abort: new AbortController(), error: "" }
      this.#entries.push(entry)
      this.#start(entry, file)
    }
    this.#render()
    return ok
  }

  #start(entry, file) {
    const id = this.#id
    this.#upload(file, entry.name, {
      signal: entry.abort.signal,
      onProgress: (loaded, total) => {
        entry.progress = percent(loaded, total)
        this.#paintProgress(entry)
      },
    }).then((attachment) => {
      entry.state = "ready"
      entry.attachment = attachment
      entry.name = attachment?.filename ?? entry.name
    }, (error) => {
      if (error?.code === "aborted") return
      entry.state = "failed"
      entry.error = error?.message || "The upload failed."
      // The server's refusals name the file ("prog.exe can’t be sent: …") or do not ("This
      // photo is over 5 MB…"): every line names its file.
      const text = entry.error.startsWith(entry.name) ? entry.error : `${entry.name}: ${entry.error}`
      if (!this.#notes.has(id)) this.#notes.set(id, [])
      this.#notes.get(id).push({ key: entry.key, text })
    }).finally(() => this.#render())
  }

  #remove(entry) {
    entry.abort.abort()
    for (const list of this.#sets.values()) {
      const at = list.indexOf(entry)
      if (at >= 0) list.splice(at, 1)
    }
    for (const notes of this.#notes.values()) {
      const at = notes.findIndex((note) => note.key === entry.key)
      if (at >= 0) notes.splice(at, 1)
    }
    this.#render()
  }

  /** Files shown now: how many, whether any still uploads, and the uploaded ids. */
  get state() {
    const entries = this.#entries
    return {
      count: entries.length,
      uploading: entries.some((e) => e.state === "uploading"),
      failed: entries.some((e) => e.state === "failed"),
      ids: entries.filter((e) => e.state === "ready").map((e) => e.attachment.id),
    }
  }

  /** Forget the files of the interaction shown (they were sent). */
  clear() {
    this.#sets.delete(this.#id)
    this.#notes.delete(this.#id)
    this.#render()
  }

  #dismiss() {
    this.#refusals.splice(0)
    this.#render()
  }

  #paintRefusals() {
    const notes = this.#refusals
    this.#error.hidden = notes.length === 0
    replace(this.#error, notes.length === 0 ? [] : [
      h("ul", { class: "refusals", "aria-label": "Files not attached" },
        ...notes.map((note) => h("li", { dir: "auto" }, note.text))),
      h("button", { type: "button", class: "btn btn-ghost btn-small", onclick: () => this.#dismiss() },
        notes.length === 1 ? "Dismiss" : "Dismiss all"),
    ])
  }

  #paintProgress(entry) {
    const bar = this.#list.querySelector(`[data-key="${entry.key}"] progress`)
    if (bar) bar.value = entry.progress
  }

  #render() {
    const entries = this.#entries
    this.#paintRefusals()
    this.element.hidden = entries.length === 0 && this.#error.hidden
    replace(this.#list, entries.map((entry) => h("li", { class: `chip chip-${entry.state}`, dataset: { key: entry.key } },
      icon("file", { size: 16 }),
      h("span", { class: "chip-text" },
        h("span", { class: "chip-name", dir: "auto", title: entry.name }, entry.name),
        h("span", { class: "chip-size" }, entry.state === "failed" ? "Upload failed" : formatSize(entry.size))),
      entry.state === "uploading"
        ? h("progress", { max: "100", value: String(entry.progress), "aria-label": `Uploading ${entry.name}` })
        : null,
      h("button", { type: "button", class: "btn btn-ghost btn-icon btn-small", "aria-label": `Remove ${entry.name}`,
        title: "Remove", onclick: () => this.#remove(entry) }, icon("close", { size: 14 })))))
    this.#onChange()
  }
}
