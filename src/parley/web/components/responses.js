// <parley-responses>: the Standard Response Library beside the transcript.
// Browse the category tree or search by name and text (matches highlighted);
// the active response is previewed with its field codes filled for the open
// interaction; "Insert" (or Enter) puts it in the composer, or opens the
// Notification tab for a response bound to a WhatsApp template.
// Keyboard: Ctrl+Shift+R (⌘ on a Mac) or F4 focuses the search; arrows move;
// Enter inserts; Escape clears the search.

import { registerPanel } from "../panels.js"
import { buildTree, countResponses, excerpt, highlight, isSearchShortcut, moveActive } from "../models/responses.js"
import { windowState } from "../models/window_countdown.js"
import { h, icon, replace } from "./dom.js"

const SEARCH_DELAY_MS = 150

export function agentLocale() {
  const options = Intl.DateTimeFormat().resolvedOptions()
  return { locale: navigator.language || options.locale, timeZone: options.timeZone }
}

export class ParleyResponses extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #search
  #list
  #preview
  #query = ""
  #results = null // search results, or null to browse the tree
  #visible = [] // responses in the order shown (for the arrows)
  #active = -1
  #collapsed = new Set()
  #filled = null
  #searchTimer = null
  #fillToken = 0
  #onKey = (event) => {
    if (isSearchShortcut(event)) {
      event.preventDefault()
      this.focusSearch()
    }
  }

  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, name, id }) => {
      if (topic === "collection" && (name === "responses" || name === "response-categories")) this.#renderList()
      else if (topic === "selection" || (topic === "interactions" && id === ctx.store.selectedId)) this.#loadPreview()
    })
    ctx.desktop.loadLibrary().catch(() => this.#renderList("Couldn’t load the responses."))
    document.addEventListener("keydown", this.#onKey)
    this.#renderList()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#search = h("input", { type: "search", class: "responses-search", placeholder: "Search responses",
      "aria-label": "Search responses", role: "combobox", "aria-expanded": "true", "aria-autocomplete": "list",
      "aria-controls": "responses-list", autocomplete: "off", spellcheck: "false",
      oninput: () => this.#typed(), onkeydown: (e) => this.#key(e) })
    this.#list = h("div", { id: "responses-list", class: "responses-list", role: "listbox", "aria-label": "Standard responses" })
    this.#preview = h("div", { class: "responses-preview", "aria-live": "polite" })
    this.append(
      h("div", { class: "pane-head" }, h("h2", { class: "pane-title", id: "responses-title" }, "Responses"),
        h("span", { class: "hint shortcut", title: "Search responses" }, h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Shift"), "+", h("kbd", {}, "R"))),
      h("div", { class: "responses-searchbox" }, icon("search", { size: 15 }), this.#search),
      this.#list, this.#preview)
    this.setAttribute("role", "region")
    this.setAttribute("aria-labelledby", "responses-title")
  }

  disconnectedCallback() {
    this.#unsubscribe()
    document.removeEventListener("keydown", this.#onKey)
  }

  focusSearch() {
    this.#search?.focus()
    this.#search?.select()
  }

  #typed() {
    this.#query = this.#search.value.trim()
    clearTimeout(this.#searchTimer)
    if (!this.#query) {
      this.#results = null
      this.#active = -1
      this.#renderList()
      return
    }
    this.#searchTimer = setTimeout(async () => {
      const query = this.#query
      try {
        const items = await this.#ctx.desktop.searchResponses(query)
        if (query !== this.#query) return // a newer search is on its way
        this.#results = items
        this.#active = items.length ? 0 : -1
        this.#renderList()
        this.#loadPreview()
      } catch (error) {
        this.#renderList(error.message)
      }
    }, SEARCH_DELAY_MS)
  }

  #key(event) {
    if (event.key === "Enter") {
      event.preventDefault()
      this.#insert()
      return
    }
    if (event.key === "Escape" && this.#search.value) {
      event.preventDefault()
      this.#search.value = ""
      this.#typed()
      return
    }
    const next = moveActive(this.#active, event.key, this.#visible.length)
    if (next !== this.#active && ["ArrowDown", "ArrowUp"].includes(event.key)) {
      event.preventDefault()
      this.#setActive(next)
    }
  }

  #setActive(index) {
    this.#active = index
    this.#paintActive()
    this.#loadPreview()
  }

  #paintActive() {
    const id = this.#visible[this.#active]?.id
    for (const option of this.#list.querySelectorAll("[role=option]")) {
      const on = option.dataset.id === String(id)
      option.setAttribute("aria-selected", String(on))
      if (on) option.scrollIntoView({ block: "nearest" })
    }
    if (id !== undefined) this.#search.setAttribute("aria-activedescendant", `response-${id}`)
    else this.#search.removeAttribute("aria-activedescendant")
  }

  #option(response, label) {
    const template = response.template ? h("span", { class: "tag", title: "WhatsApp template" }, "Notification") : null
    return h("div", { id: `response-${response.id}`, role: "option", class: "response-option", "aria-selected": "false",
      dataset: { id: String(response.id) },
      onclick: () => this.#setActive(this.#visible.findIndex((r) => r.id === response.id)),
      ondblclick: () => this.#insert() }, label, template)
  }

  #marked(text) {
    return highlight(text, this.#query).map((s) => (s.match ? h("mark", {}, s.text) : s.text))
  }

  /** A listbox only while it holds options: a message or the category tree is no listbox's child. */
  #asListbox(on) {
    if (on) {
      this.#list.setAttribute("role", "listbox")
      this.#list.setAttribute("aria-label", "Standard responses")
    } else {
      this.#list.removeAttribute("role")
      this.#list.removeAttribute("aria-label")
    }
  }

  #renderList(error = null) {
    if (!this.#list || !this.#ctx) return
    if (error) {
      this.#asListbox(false)
      replace(this.#list, h("p", { class: "muted responses-empty" }, error))
      return
    }
    const store = this.#ctx.store
    if (this.#results) {
      this.#visible = this.#results
      this.#asListbox(this.#results.length > 0)
      replace(this.#list, this.#results.length
        ? this.#results.map((r) => this.#option(r, h("span", { class: "response-text" },
          h("span", { class: "response-name" }, this.#marked(r.name)),
          r.text ? h("span", { class: "response-snippet" }, this.#marked(excerpt(r.text, this.#query, 60))) : null)))
        : h("p", { class: "muted responses-empty" }, `No response matches “${this.#query}”.`))
    } else {
      // The tree: each category's toggle, then its responses as a listbox named by it, then its
      // subcategories, flat (a listbox holds options only; indentation shows the depth).
      const tree = buildTree(store.collection("response-categories"), store.collection("responses"))
      this.#visible = []
      this.#asListbox(false)
      const branch = (node, depth) => {
        const open = !this.#collapsed.has(String(node.id))
        const listId = `responses-category-${node.id}`
        const toggle = h("button", { type: "button", class: "category", "aria-expanded": String(open),
          "aria-controls": open && node.responses.length ? listId : null,
          style: `--depth:${depth}`, onclick: () => {
            if (open) this.#collapsed.add(String(node.id))
            else this.#collapsed.delete(String(node.id))
            this.#renderList()
          } }, icon("chevron", { size: 14 }), h("span", {}, node.name), h("span", { class: "count" }, String(countResponses(node))))
        if (!open) return [toggle]
        const options = node.responses.map((r) => {
          this.#visible.push(r)
          return h("div", { class: "response-row", style: `--depth:${depth + 1}` },
            this.#option(r, h("span", { class: "response-name" }, r.name)))
        })
        return [toggle,
          options.length ? h("div", { id: listId, role: "listbox", "aria-label": node.name }, ...options) : null,
          ...node.children.flatMap((c) => branch(c, depth + 1))]
      }
      replace(this.#list, tree.length ? tree.flatMap((n) => branch(n, 0))
        : h("p", { class: "muted responses-empty" }, "No standard responses yet."))
      if (this.#active >= this.#visible.length) this.#active = -1
    }
    this.#paintActive()
  }

  async #loadPreview() {
    const response = this.#visible[this.#active]
    const interactionId = this.#ctx.store.selectedId
    const token = ++this.#fillToken
    this.#filled = null
    if (!response) {
      replace(this.#preview, h("p", { class: "muted" }, "Choose a response to preview it. Enter inserts it."))
      return
    }
    if (interactionId === null) {
      this.#paintPreview(response, null, "Open an interaction to insert a response.")
      return
    }
    this.#paintPreview(response, null, "Filling in…")
    try {
      const filled = await this.#ctx.desktop.fillResponse(response.id, interactionId, agentLocale())
      if (token !== this.#fillToken) return
      this.#filled = filled
      this.#paintPreview(response, filled, null)
    } catch (error) {
      if (token === this.#fillToken) this.#paintPreview(response, null, error.message)
    }
  }

  #paintPreview(response, filled, note) {
    const interaction = this.#ctx.store.interaction(this.#ctx.store.selectedId)
    const closed = interaction && windowState(interaction.window_expires_at, this.#ctx.clock.now()).state === "closed"
    const notification = Boolean(response.template)
    let blocked = note
    if (!blocked && closed && !notification) blocked = "The 24-hour window is closed: only notifications can be sent."
    if (!blocked && interaction?.state !== "active") blocked = "Accept the interaction to insert a response."
    const body = filled?.text ?? response.text
    const attachments = (filled?.attachment_ids ?? response.attachment_ids ?? []).length
    replace(this.#preview,
      h("div", { class: "preview-head" }, h("strong", { class: "preview-name", title: response.name }, response.name),
        notification ? h("span", { class: "tag" }, "Notification") : null),
      notification ? h("p", { class: "muted" }, `WhatsApp template ${response.template.name} · ${response.template.language}`) : null,
      body ? h("p", { class: "preview-text", dir: "auto" }, body) : null,
      attachments ? h("p", { class: "muted" }, icon("clip", { size: 13 }), ` ${attachments} attachment${attachments > 1 ? "s" : ""}`) : null,
      filled?.missing?.length ? h("p", { class: "preview-warn" }, `No value for ${filled.missing.join(", ")}: check the text after inserting.`) : null,
      blocked ? h("p", { class: "muted" }, blocked) : null,
      h("button", { type: "button", class: "btn btn-primary btn-small", disabled: Boolean(blocked) || !filled,
        onclick: () => this.#insert() }, notification ? "Open notification" : "Insert"))
  }

  #insert() {
    const response = this.#visible[this.#active]
    const filled = this.#filled
    if (!response || !filled || filled.id !== response.id) return
    const interaction = this.#ctx.store.interaction(this.#ctx.store.selectedId)
    if (!interaction || interaction.state !== "active") return
    if (filled.template) this.#ctx.openNotification({ filled })
    else {
      if (windowState(interaction.window_expires_at, this.#ctx.clock.now()).state === "closed") return
      this.#ctx.insertResponse(filled)
    }
  }
}

customElements.define("parley-responses", ParleyResponses)

registerPanel({ id: "responses", region: "aside", order: 20, create: () => h("parley-responses", {}) })
