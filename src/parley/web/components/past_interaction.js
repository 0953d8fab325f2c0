// A past (or still open) interaction as My History and the Contact Directory
// show it: who, when, how it ended, "Create new chat", and its transcript,
// read only. Shared by <parley-history> and <parley-directory>.

import { formatDateTime, formatShortDateTime } from "../models/format.js"
import { historyLine } from "../models/directory.js"
import { transcriptRows } from "../models/message_view.js"
import { h, icon, replace } from "./dom.js"
import { messageNode } from "./message_row.js"

/** A list of history items as buttons (one Tab stop each); `onPick(item)` when chosen. */
export function historyList(items, { selectedId, onPick, label }) {
  if (!items.length) return h("p", { class: "muted view-empty" }, "No interactions match.")
  return h("ul", { class: "hist-list", "aria-label": label }, items.map((item) => {
    const line = historyLine(item)
    return h("li", {}, h("button", {
      type: "button", class: "hist-row", "aria-current": item.id === selectedId ? "true" : "false",
      dataset: { id: item.id }, onclick: () => onPick(item),
    },
    h("span", { class: "hist-top" },
      h("span", { class: "hist-name", dir: "auto" }, line.title),
      h("time", { class: "hist-time", datetime: item.created_at, title: formatDateTime(item.created_at) },
        formatShortDateTime(item.created_at))),
    h("span", { class: "hist-sub" },
      h("span", { class: `tag tag-origin tag-${item.origin}` }, line.origin),
      h("span", { class: line.open ? "hist-open" : "hist-outcome" }, line.outcome))))
  }))
}

/**
 * The detail of one history item with its transcript.
 * @param {object} item a HistoryItem
 * @param {{desktop, clock, me, createChat: (contactId: number) => Promise<void>,
 *   attachmentUrl?: (id: string) => string}} ctx
 */
export function pastInteraction(item, ctx) {
  const line = historyLine(item)
  const rows = h("ol", { class: "rows past-rows", "aria-label": `Transcript of interaction #${item.id}` })
  const status = h("p", { class: "muted past-status", role: "status" }, "Loading messages…")
  const create = h("button", { type: "button", class: "btn btn-primary", onclick: async () => {
    create.disabled = true
    try {
      await ctx.createChat(item.contact.id)
    } finally {
      create.disabled = false
    }
  } }, icon("chat"), h("span", {}, "Create new chat"))
  const element = h("section", { class: "past", "aria-label": `Interaction #${item.id}` },
    h("header", { class: "past-head" },
      h("div", { class: "past-names" },
        h("h3", { class: "past-title", dir: "auto" }, line.title),
        h("p", { class: "past-sub" },
          h("span", { class: "mono" }, item.contact?.wa_id ? `+${item.contact.wa_id}` : ""),
          h("span", { "aria-hidden": "true" }, " · "),
          `${line.origin} · #${item.id}`)),
      create),
    h("dl", { class: "past-facts" },
      h("dt", {}, "Started"), h("dd", {}, formatDateTime(item.created_at)),
      h("dt", {}, "Agent"), h("dd", {}, item.agent?.name || "—"),
      h("dt", {}, "Outcome"), h("dd", {}, line.outcome || "—"),
      line.note ? [h("dt", {}, "Note"), h("dd", { class: "past-note", dir: "auto" }, line.note)] : null),
    h("div", { class: "past-transcript" }, status, rows))
  load()
  return element

  async function load() {
    try {
      const page = await ctx.desktop.pastTranscript(item.contact.id, item.id)
      const messages = page?.items ?? []
      status.textContent = messages.length ? "" : "No messages in this interaction."
      status.hidden = messages.length > 0
      const name = line.title
      let previous = null
      replace(rows, transcriptRows(messages, ctx.clock.now()).map((row) => {
        if (row.type === "day") return h("li", { class: "day", role: "separator" }, h("span", {}, row.label))
        if (row.type === "session") return h("li", { class: "session-break", role: "separator" }, row.label)
        const m = row.message
        const cont = previous !== null && previous.direction === m.direction
        previous = m
        return messageNode(m, { cont, me: ctx.me, contact: name, reactions: [], attachmentUrl: ctx.attachmentUrl ?? (() => "#"), actions: null })
      }))
    } catch (error) {
      status.textContent = error?.message || "Couldn’t load messages."
    }
  }
}
