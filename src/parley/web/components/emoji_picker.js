// <parley-emoji-picker>: one popover shared by "Insert Emoji" and "More
// reactions". Data from emojibase-data under /vendor/ (installed by the
// setup; if it is missing the popover says so instead of breaking). Search by
// name, keyword or :shortcode:, categories as tabs, recently used first.
// Keyboard: type to search, arrows move in the grid by row (models/grid_nav.js),
// Enter picks, Escape closes and gives focus back; focus leaving it closes it.

import {
  DATA_FILES, RecentEmoji, VENDOR_BASE, buildEmojiIndex, pickerSections, searchEmoji,
} from "../models/emoji_data.js"
import { gridMove } from "../models/grid_nav.js"
import { h, icon, replace } from "./dom.js"

const COLUMNS = 9
let loading = null

/** Load and index the vendored data once per page. */
function loadIndex(base) {
  loading ??= Promise.all(Object.values(DATA_FILES).map(async (name) => {
    const response = await fetch(new URL(VENDOR_BASE + name, base))
    if (!response.ok) throw new Error(`${name}: ${response.status}`)
    return response.json()
  })).then(([emojis, messages, shortcodes, versions]) => buildEmojiIndex(emojis, messages, shortcodes, versions))
    .catch((error) => {
      loading = null // a later open tries again
      throw error
    })
  return loading
}

export class ParleyEmojiPicker extends HTMLElement {
  #index = null
  #recent = new RecentEmoji({ storage: safeStorage() })
  #search
  #tabs
  #grid
  #status
  #onPick = null
  #returnFocus = null
  #sections = []

  connectedCallback() {
    if (this.firstChild) return
    this.hidden = true
    this.setAttribute("role", "dialog")
    this.setAttribute("aria-label", "Emoji picker")
    this.#search = h("input", { type: "search", class: "emoji-search", placeholder: "Search emoji",
      "aria-label": "Search emoji", autocomplete: "off", spellcheck: "false",
      oninput: () => this.#render(), onkeydown: (e) => this.#searchKey(e) })
    this.#tabs = h("div", { class: "emoji-tabs", role: "toolbar", "aria-label": "Emoji categories" })
    this.#grid = h("div", { class: "emoji-grid", onkeydown: (e) => this.#gridKey(e) })
    this.#status = h("p", { class: "emoji-status", role: "status" })
    this.append(h("div", { class: "emoji-head" }, icon("search", { size: 14 }), this.#search), this.#tabs, this.#status,
      this.#grid)
    this.addEventListener("focusout", (e) => this.#focusOut(e))
    // A click on a title or the padding would move focus to <body>: keep it where it is.
    this.addEventListener("mousedown", (e) => {
      if (!e.target.closest?.("button, input")) e.preventDefault()
    })
    document.addEventListener("pointerdown", this.#outside, true)
    document.addEventListener("keydown", this.#escape, true)
  }

  disconnectedCallback() {
    document.removeEventListener("pointerdown", this.#outside, true)
    document.removeEventListener("keydown", this.#escape, true)
  }

  /** Escape closes it wherever focus is, before the composer or a dialog hears it. */
  #escape = (event) => {
    if (event.key !== "Escape" || this.hidden) return
    event.preventDefault()
    event.stopPropagation()
    this.close()
  }

  /** Tab past its last control (or any focus move elsewhere) closes it; nowhere to land: back to the anchor. */
  #focusOut(event) {
    const to = event.relatedTarget
    // Focus going to the anchor is its click on the way: the click toggles the picker itself.
    if (this.hidden || (to && (this.contains(to) || this.#returnFocus?.contains(to)))) return
    this.close({ refocus: !to })
  }

  get isOpen() { return !this.hidden }

  /**
   * Show the picker beside `anchor`; `onPick(unicode)` gets the chosen emoji.
   * @param {{anchor: Element, onPick: (u: string) => void, title?: string}} o
   */
  async open({ anchor, onPick, title = "Emoji picker" }) {
    this.#onPick = onPick
    this.#returnFocus = anchor
    this.setAttribute("aria-label", title)
    this.hidden = false
    anchor?.setAttribute("aria-expanded", "true")
    this.#place(anchor)
    this.#search.value = ""
    this.#search.focus()
    if (!this.#index) {
      this.#status.hidden = false
      this.#status.textContent = "Loading emoji…"
      replace(this.#grid)
      try {
        this.#index = await loadIndex(document.baseURI)
      } catch {
        this.#status.textContent = "Emoji aren’t installed on this Parley server (its setup copies them from npm). " +
          "You can still type or paste emoji into the message."
        this.dataset.missing = "true"
        return
      }
    }
    delete this.dataset.missing
    this.#render()
  }

  close({ refocus = true } = {}) {
    if (this.hidden) return
    this.hidden = true
    this.#returnFocus?.setAttribute("aria-expanded", "false")
    if (refocus) this.#returnFocus?.focus()
    this.#onPick = null
  }

  #outside = (event) => {
    if (!this.hidden && !this.contains(event.target) && !this.#returnFocus?.contains(event.target)) {
      this.close({ refocus: false })
    }
  }

  #place(anchor) {
    const r = anchor?.getBoundingClientRect?.()
    if (!r) return
    const width = Math.min(360, window.innerWidth - 16)
    // starts at the anchor and opens toward the page, never over the interaction bar
    const left = Math.max(8, Math.min(window.innerWidth - width - 8, r.left))
    this.style.left = `${left}px`
    this.style.width = `${width}px`
    // Above the whole composer, so the draft stays in view; else above the anchor, or below it.
    const floor = anchor.closest?.("parley-composer")?.getBoundingClientRect().top ?? r.top
    const ceiling = anchor.closest?.("main")?.querySelector("parley-transcript")?.getBoundingClientRect().top ?? 8
    const room = floor - ceiling - 12
    const below = room < 200
    this.style.top = below ? `${r.bottom + 6}px` : ""
    this.style.bottom = below ? "" : `${window.innerHeight - floor + 6}px`
    this.style.maxHeight = below ? "" : `${room}px`
  }

  #render() {
    if (!this.#index) return
    const query = this.#search.value.trim()
    if (query) {
      const found = searchEmoji(this.#index, query)
      this.#sections = [{ key: "results", label: `Results for “${query}”`, emojis: found }]
      this.#status.hidden = found.length > 0
      this.#status.textContent = found.length ? "" : `No emoji match “${query}”.`
    } else {
      this.#sections = pickerSections(this.#index, this.#recent.list())
      this.#status.hidden = true
    }
    this.#tabs.hidden = Boolean(query)
    replace(this.#tabs, this.#sections.map((s) => h("button", { type: "button", class: "emoji-tab",
      "aria-label": s.label, title: s.label, tabindex: "-1",
      onclick: () => this.#jump(s.key) }, s.key === "recent" ? "🕘" : s.emojis[0]?.unicode ?? "")))
    replace(this.#grid, this.#sections.map((s) => h("section", { class: "emoji-section", dataset: { key: s.key },
      "aria-label": s.label },
    h("h3", { class: "emoji-section-title" }, s.label),
    h("div", { class: "emoji-cells", role: "group", "aria-label": s.label },
      s.emojis.map((e) => h("button", { type: "button", class: "emoji-cell", tabindex: "-1", title: e.label,
        "aria-label": e.label, dataset: { emoji: e.unicode }, onclick: () => this.#pick(e.unicode) }, e.unicode))))))
    this.#grid.scrollTop = 0
    const first = this.#cells()[0]
    if (first) first.tabIndex = 0
  }

  #cells() {
    return [...this.#grid.querySelectorAll(".emoji-cell")]
  }

  #jump(key) {
    const section = this.#grid.querySelector(`.emoji-section[data-key="${CSS.escape(key)}"]`)
    if (!section) return
    this.#grid.scrollTop = section.offsetTop - this.#grid.offsetTop
    this.#focusCell(section.querySelector(".emoji-cell"))
  }

  #focusCell(cell) {
    if (!cell) return
    for (const c of this.#grid.querySelectorAll(".emoji-cell[tabindex='0']")) c.tabIndex = -1
    cell.tabIndex = 0
    cell.focus()
  }

  #pick(unicode) {
    this.#recent.use(unicode)
    const onPick = this.#onPick
    this.close()
    onPick?.(unicode)
  }

  #searchKey(event) {
    if (event.key === "ArrowDown" || (event.key === "Enter" && this.#search.value.trim())) {
      event.preventDefault()
      const first = this.#cells()[0]
      if (event.key === "Enter" && first) this.#pick(first.dataset.emoji)
      else this.#focusCell(first)
    }
  }

  #gridKey(event) {
    const cells = this.#cells()
    const at = cells.indexOf(document.activeElement)
    if (at < 0) return
    if (event.key.startsWith("Arrow")) {
      event.preventDefault()
      const sections = [...this.#grid.querySelectorAll(".emoji-section")]
        .map((s) => [...s.querySelectorAll(".emoji-cell")])
      const section = sections.findIndex((list) => list.includes(document.activeElement))
      const to = gridMove(sections.map((list) => list.length),
        { section, index: sections[section].indexOf(document.activeElement) }, event.key, COLUMNS)
      if (to === null) this.#search.focus()
      else this.#focusCell(sections[to.section][to.index])
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault()
      this.#focusCell(cells[event.key === "Home" ? 0 : cells.length - 1])
    }
  }
}

function safeStorage() {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

customElements.define("parley-emoji-picker", ParleyEmojiPicker)
