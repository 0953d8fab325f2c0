// One Tab stop for the transcript's messages (roving tabindex): the current
// message is tabbable, arrow keys move between messages, Tab from a message
// reaches its own Reply / React (and links, Retry…), and "R" / "E" on a
// focused message reply or react. Without it every message added two Tab
// stops and the composer was dozens of Tabs away.

const ROW = "li.msg"
const CONTROLS = "a[href], button"
const SHORTCUTS = { r: "Reply", e: "React" }

export class RovingRows {
  #list
  #currentKey = null

  /** @param {HTMLElement} list the <ol> of rows, each with data-key */
  constructor(list) {
    this.#list = list
    list.addEventListener("keydown", (e) => this.#key(e))
    list.addEventListener("focusin", (e) => {
      const row = e.target.closest?.(ROW)
      if (row && row.dataset.key !== this.#currentKey) {
        this.#currentKey = row.dataset.key
        this.sync()
      }
    })
  }

  /** After the rows changed: one message is tabbable (the one last used, else the newest). */
  sync() {
    const rows = this.#rows()
    // the newest message, not a session event line ("Alice Martins connected") after it
    const current = rows.find((r) => r.dataset.key === this.#currentKey) ??
      rows.findLast((r) => !r.classList.contains("msg-event")) ?? rows.at(-1) ?? null
    for (const row of rows) {
      const on = row === current
      row.tabIndex = on ? 0 : -1
      for (const control of row.querySelectorAll(CONTROLS)) control.tabIndex = on ? 0 : -1
    }
    return current !== null
  }

  /** Forget the current message (another interaction opened): the newest one leads again. */
  reset() {
    this.#currentKey = null
  }

  #rows() {
    return [...this.#list.querySelectorAll(ROW)]
  }

  #key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const row = event.target.closest?.(ROW)
    if (!row) return
    const onRow = event.target === row
    const shortcut = onRow && !event.shiftKey ? SHORTCUTS[event.key.toLowerCase()] : undefined
    if (shortcut) {
      const button = [...row.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === shortcut)
      if (button) {
        event.preventDefault()
        button.click()
      }
      return
    }
    const rows = this.#rows()
    const at = rows.indexOf(row)
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[event.key]
    if (to === undefined || (!onRow && (event.key === "Home" || event.key === "End"))) return
    event.preventDefault()
    const next = rows[Math.max(0, Math.min(rows.length - 1, to))]
    this.#currentKey = next.dataset.key
    this.sync()
    next.focus()
  }
}
