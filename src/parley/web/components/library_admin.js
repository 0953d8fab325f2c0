// <parley-library-admin>: the admins' view of the Standard Response Library:
// categories and responses in a tree, a form for the one chosen (name, category,
// text with field codes, its files (chips, Attach file), the WhatsApp template it is bound to
// and a label and default per template parameter), export as JSON or YAML,
// import of such a file, and "Sync templates" from WhatsApp.

import { registerPanel } from "../panels.js"
import { buildTree } from "../models/responses.js"
import { notificationFields } from "../models/template_render.js"
import { AttachTray } from "./attach_tray.js"
import { h, icon, replace } from "./dom.js"

const CODES = ["contact.name", "contact.first_name", "agent.name", "interaction.id", "date.today", "datetime.now"]

export class ParleyLibraryAdmin extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #tree
  #form
  #status
  #editing = null // {kind: "category"|"response", item}
  #exports = []
  #files = null // the form's files: uploaded now, or already named by the response
  #filesKey = 0

  connect(ctx) {
    this.#ctx = ctx
    this.#files = new AttachTray({
      upload: (file, name, options) => ctx.desktop.upload(file, name, options),
      limits: () => ctx.store.config.attachments ?? {},
      onChange: () => {},
    })
    for (const link of this.#exports) link.href = ctx.apiUrl("responses/export", { format: link.dataset.format })
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, name }) => {
      if (topic === "collection" && ["responses", "response-categories", "templates"].includes(name)) this.#renderTree()
    })
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  /** The view became visible: load what it shows. */
  shown() {
    this.#ctx.desktop.loadLibrary().catch((e) => this.#say(e.message, true))
    this.#ctx.desktop.loadTemplates().catch(() => {})
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#tree = h("div", { class: "admin-tree", role: "tree", "aria-label": "Response library" })
    this.#form = h("div", { class: "admin-form" })
    this.#status = h("p", { class: "admin-status", role: "status" })
    const file = h("input", { type: "file", accept: ".json,.yaml,.yml,application/json,application/yaml", hidden: true,
      onchange: () => this.#import(file) })
    const exportLink = (format) => {
      const link = h("a", { class: "btn btn-secondary btn-small", download: `responses.${format}`, href: "#",
        dataset: { format } }, `Export ${format.toUpperCase()}`)
      this.#exports.push(link)
      return link
    }
    this.append(
      h("div", { class: "admin-head" },
        h("h2", {}, "Response library"),
        h("div", { class: "admin-tools" },
          h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => this.#edit("category", {}) }, "New category"),
          h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => this.#edit("response", {}) }, "New response"),
          exportLink("json"), exportLink("yaml"),
          h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => file.click() }, "Import"), file,
          h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => this.#sync() }, "Sync templates"))),
      this.#status,
      h("div", { class: "admin-body" }, this.#tree, this.#form))
    this.#renderForm()
  }

  #say(text, error = false) {
    this.#status.textContent = text
    this.#status.dataset.error = error ? "true" : ""
  }

  #renderTree() {
    if (!this.#tree) return
    const store = this.#ctx.store
    const tree = buildTree(store.collection("response-categories"), store.collection("responses"))
    const item = (kind, value, label, depth) => h("button", { type: "button", role: "treeitem", class: "admin-item",
      style: `--depth:${depth}`, "aria-selected": String(this.#editing?.kind === kind && this.#editing?.item.id === value.id),
      onclick: () => this.#edit(kind, value) }, label)
    const branch = (node, depth) => [
      item("category", node, h("strong", {}, node.name), depth),
      ...node.responses.map((r) => item("response", r, [r.name, r.template ? h("span", { class: "tag" }, "Notification") : null], depth + 1)),
      ...node.children.flatMap((c) => branch(c, depth + 1)),
    ]
    replace(this.#tree, tree.length ? tree.flatMap((n) => branch(n, 0)) : h("p", { class: "muted" }, "No categories yet: start with New category."))
  }

  #edit(kind, item) {
    this.#editing = { kind, item: structuredClone(item) }
    this.#say("")
    this.#renderTree()
    this.#renderForm()
    if (kind === "response") this.#showFiles(item.attachment_ids ?? [])
  }

  /** The response's stored files as chips (a fresh set per edit, so a cancelled edit leaves
   * nothing behind); an id that no longer resolves shows as such and can be removed. */
  async #showFiles(ids) {
    const key = `edit-${++this.#filesKey}`
    this.#files.show(key)
    const metas = await Promise.all(ids.map((id) => this.#ctx.desktop.attachmentMeta(id)
      .catch(() => ({ id, filename: `Missing file #${id}`, size: 0 }))))
    if (key === `edit-${this.#filesKey}`) this.#files.seed(key, metas)
  }

  #field(label, control) {
    return h("label", { class: "admin-field" }, h("span", {}, label), control)
  }

  #renderForm() {
    const e = this.#editing
    if (!e) {
      replace(this.#form, h("p", { class: "muted" }, "Choose a category or a response to edit it."))
      return
    }
    const store = this.#ctx.store
    const item = e.item
    const categories = store.collection("response-categories")
    const categorySelect = (value, allowNone, skip) => h("select", { onchange: (ev) => { item[allowNone ? "parent_id" : "category_id"] = ev.target.value ? Number(ev.target.value) : null } },
      allowNone ? h("option", { value: "" }, "— top level —") : null,
      categories.filter((c) => c.id !== skip).map((c) => h("option", { value: String(c.id), selected: c.id === value }, c.name)))
    const name = h("input", { type: "text", value: item.name ?? "", required: true, oninput: (ev) => { item.name = ev.target.value } })
    const buttons = h("div", { class: "admin-actions" },
      item.id ? h("button", { type: "button", class: "btn btn-ghost", onclick: () => this.#delete() }, "Delete") : null,
      h("button", { type: "submit", class: "btn btn-primary" }, "Save"))
    let fields
    if (e.kind === "category") {
      fields = [this.#field("Name", name), this.#field("Inside", categorySelect(item.parent_id ?? null, true, item.id))]
    } else {
      if (item.category_id === undefined && categories[0]) item.category_id = categories[0].id
      const text = h("textarea", { rows: "6", oninput: (ev) => { item.text = ev.target.value } })
      text.value = item.text ?? ""
      const picker = h("input", { type: "file", multiple: true, hidden: true, onchange: () => {
        this.#files.add([...picker.files])
        picker.value = ""
      } })
      const attachments = h("div", { class: "admin-files", role: "group", "aria-label": "Files" },
        this.#files.element,
        h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => picker.click() },
          icon("clip", { size: 16 }), "Attach file"), picker)
      const templates = store.collection("templates").sort((a, b) => a.name.localeCompare(b.name))
      const bound = item.template ? `${item.template.name}|${item.template.language}` : ""
      const templateSelect = h("select", { onchange: (ev) => {
        const [tname, language] = ev.target.value.split("|")
        item.template = tname ? { name: tname, language, parameters: {} } : null
        this.#renderForm()
      } }, h("option", { value: "" }, "None (a plain response)"),
      templates.map((t) => h("option", { value: `${t.name}|${t.language}`, selected: `${t.name}|${t.language}` === bound }, `${t.name} · ${t.language}`)))
      const listed = item.template ? templates.find((t) => t.name === item.template.name && t.language === item.template.language) : null
      const params = listed ? notificationFields(listed).map((p) => {
        const binding = item.template.parameters[p.key] ?? (item.template.parameters[p.key] = { label: "", value: "" })
        return h("div", { class: "admin-param" }, h("span", { class: "admin-param-key" }, `{{${p.key}}}`),
          h("input", { type: "text", "aria-label": `Label of ${p.key}`, placeholder: p.label, value: binding.label,
            oninput: (ev) => { binding.label = ev.target.value } }),
          h("input", { type: "text", "aria-label": `Default of ${p.key}`, placeholder: p.example ? `e.g. ${p.example}` : "Default value",
            value: binding.value, oninput: (ev) => { binding.value = ev.target.value } }))
      }) : []
      fields = [
        this.#field("Name", name), this.#field("Category", categorySelect(item.category_id, false)),
        this.#field("Text", text),
        h("p", { class: "muted admin-help" }, "Field codes: ", CODES.map((c) => h("code", {}, `{{${c}}}`, " "))),
        h("div", { class: "admin-field" }, h("span", {}, "Files (sent after the text, in this order)"), attachments),
        this.#field("WhatsApp template", templateSelect),
        params.length ? h("div", { class: "admin-params", role: "group", "aria-label": "Template parameters" },
          h("p", { class: "muted admin-help" }, "Label and default per parameter; defaults may use field codes."), params) : null,
      ]
    }
    replace(this.#form, h("form", { class: "admin-edit", "aria-label": e.kind === "category" ? "Category" : "Response",
      onsubmit: (ev) => { ev.preventDefault(); this.#save() } },
    h("h3", {}, item.id ? `Edit ${e.kind}` : `New ${e.kind}`), ...fields, buttons))
  }

  async #save() {
    const { kind, item } = this.#editing
    if (kind === "response") {
      const files = this.#files.state
      if (files.uploading) return this.#say("Wait for the files to finish uploading, then save.", true)
      item.attachment_ids = files.ids
    }
    const body = kind === "category"
      ? { id: item.id, name: item.name ?? "", parent_id: item.parent_id ?? null, position: item.position ?? 0 }
      : { id: item.id, name: item.name ?? "", category_id: item.category_id, text: item.text ?? "",
        attachment_ids: item.attachment_ids ?? [], template: item.template ?? null }
    try {
      const saved = await this.#ctx.desktop.saveLibraryItem(kind, body)
      this.#edit(kind, saved)
      this.#say(`Saved ${saved.name}.`)
    } catch (error) {
      const detail = error.fields?.map((f) => `${f.field}: ${f.message}`).join("; ")
      this.#say(detail ? `${error.message} ${detail}` : error.message, true)
    }
  }

  async #delete() {
    const { kind, item } = this.#editing
    try {
      await this.#ctx.desktop.deleteLibraryItem(kind, item.id)
      this.#editing = null
      this.#renderForm()
      this.#say(`Deleted ${item.name}.`)
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  async #import(input) {
    const file = input.files?.[0]
    input.value = ""
    if (!file) return
    const format = /\.ya?ml$/i.test(file.name) ? "yaml" : "json"
    try {
      const r = await this.#ctx.desktop.importLibrary(await file.text(), format)
      this.#say(`Imported ${file.name}: ${r.categories_created} categories and ${r.responses_created} responses added, ${r.responses_updated} updated.`)
    } catch (error) {
      this.#say(`${file.name}: ${error.message}`, true)
    }
  }

  async #sync() {
    try {
      const r = await this.#ctx.desktop.syncTemplates()
      this.#say(`Synced ${r.synced} templates from WhatsApp; ${r.approved} approved.`)
    } catch (error) {
      this.#say(error.message, true)
    }
  }
}

customElements.define("parley-library-admin", ParleyLibraryAdmin)

registerPanel({ id: "library", region: "view", label: "Response library", order: 50,
  visible: ({ me }) => me?.role === "admin", create: () => h("parley-library-admin", {}) })
