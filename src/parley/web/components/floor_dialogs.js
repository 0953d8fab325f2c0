// The floor's dialogs: move an interaction (to an agent or a workbin), set an
// agent Not Ready with a reason, and monitor a live conversation read only
// (no composer, no Mark Done). Native <dialog>s: focus stays inside, Escape
// closes, a refusal shows the server's own words.

import { contactName } from "../models/contact.js"
import { monitorSubtitle } from "../models/floor.js"
import { messageKey, transcriptRows } from "../models/message_view.js"
import { foldReactions } from "../models/reactions.js"
import { h, replace } from "./dom.js"
import { messageNode } from "./message_row.js"

function dialogShell(title, ...body) {
  const heading = h("h2", { class: "dialog-title" }, title)
  const error = h("p", { class: "dialog-error", role: "alert", hidden: true })
  const dialog = h("dialog", { class: "dialog dialog-small", "aria-label": title }, heading, ...body, error)
  dialog.addEventListener("close", () => dialog.remove())
  const fail = (e) => {
    error.hidden = false
    error.textContent = e?.message || "That did not work."
  }
  return { dialog, fail }
}

/** "Move <contact>": choose an agent (offered to them, within capacity) or a workbin. */
export function openMoveDialog(host, { interaction, targets, onMove }) {
  const who = contactName(interaction)
  const select = h("select", { id: "floor-move-target", name: "target" },
    targets.agents.length ? h("optgroup", { label: "Agents" },
      ...targets.agents.map((a) => h("option", { value: `agent:${a.id}` }, a.full ? `${a.label} (full)` : a.label))) : null,
    targets.workbins.length ? h("optgroup", { label: "Workbins" },
      ...targets.workbins.map((w) => h("option", { value: `workbin:${w.id}` }, w.label))) : null)
  const move = h("button", { type: "submit", class: "btn btn-primary" }, "Move")
  const { dialog, fail } = dialogShell(`Move ${who}`)
  const form = h("form", { method: "dialog", onsubmit: async (event) => {
    event.preventDefault()
    const [kind, id] = String(select.value).split(":")
    if (!id) return
    move.disabled = true
    try {
      await onMove(kind, id)
      dialog.close()
    } catch (error) {
      fail(error)
    } finally {
      move.disabled = false
    }
  } },
  h("p", { class: "dialog-text" }, interaction.agent_id ? "The agent it goes to is offered it and accepts it as usual." : "Offered to the agent you pick, or parked in a workbin."),
  h("label", { class: "field", for: "floor-move-target" }, h("span", { class: "field-label" }, "Move to")),
  select,
  h("div", { class: "dialog-actions" },
    h("button", { type: "button", class: "btn btn-secondary", onclick: () => dialog.close() }, "Cancel"), move))
  dialog.insertBefore(form, dialog.lastChild)
  host.append(dialog)
  dialog.showModal()
  if (!targets.agents.length && !targets.workbins.length) {
    move.disabled = true
    fail({ message: "No logged-in agent or workbin to move it to." })
  }
}

/** "Set <agent> Not Ready": a reason from the configured list. */
export function openStatusDialog(host, { agent, reasons, onSet }) {
  const select = h("select", { id: "floor-status-reason", name: "reason" },
    ...reasons.map((r) => h("option", { value: r }, r)))
  const set = h("button", { type: "submit", class: "btn btn-primary" }, "Set Not Ready")
  const { dialog, fail } = dialogShell(`Set ${agent.name} Not Ready`)
  const form = h("form", { method: "dialog", onsubmit: async (event) => {
    event.preventDefault()
    set.disabled = true
    try {
      await onSet(select.value || null)
      dialog.close()
    } catch (error) {
      fail(error)
    } finally {
      set.disabled = false
    }
  } },
  h("p", { class: "dialog-text" }, `${agent.name} gets no new work until they go Ready again; offers waiting for them go back to the queue. Their desktop says you did it.`),
  h("label", { class: "field", for: "floor-status-reason" }, h("span", { class: "field-label" }, "Reason")),
  select,
  h("div", { class: "dialog-actions" },
    h("button", { type: "button", class: "btn btn-secondary", onclick: () => dialog.close() }, "Cancel"), set))
  dialog.insertBefore(form, dialog.lastChild)
  host.append(dialog)
  dialog.showModal()
}

/**
 * Monitor: the conversation read only, live. Returns `{add(message), close()}` so the view can
 * pass on `message.created` / `message.updated` for this interaction.
 */
export function openMonitor(host, { interaction, agentName, page, ctx, onClose }) {
  const who = contactName(interaction)
  const messages = new Map()
  const list = h("ol", { class: "rows wb-rows", "aria-label": "Messages" })
  const scroller = h("section", { class: "wb-transcript floor-monitor-transcript", "aria-label": "Transcript (read only)", tabindex: "0" }, list)
  const title = `Monitor ${who}`
  const subtitle = h("p", { class: "dialog-text" }, monitorSubtitle(interaction, agentName))
  const dialog = h("dialog", { class: "dialog floor-monitor", "aria-label": title },
    h("div", { class: "floor-monitor-head" },
      h("h2", { class: "dialog-title" }, title),
      subtitle,
      h("button", { type: "button", class: "btn btn-secondary", onclick: () => dialog.close() }, "Close")),
    scroller)
  const render = () => {
    const items = [...messages.values()].sort((a, b) => Number(a.id) - Number(b.id))
    const plan = foldReactions(items)
    const nodes = transcriptRows(items.filter((m) => !plan.hidden.has(messageKey(m))), ctx.clock.now()).map((row) => {
      if (row.type === "day") return h("li", { class: "day" }, h("span", {}, row.label))
      if (row.type === "session") return h("li", { class: "session-end" }, h("div", { class: "session-break", role: "separator", "aria-label": row.label }, h("span", { "aria-hidden": "true" }, row.label)))
      return messageNode(row.message, { cont: false, me: ctx.store.me, contact: who,
        reactions: plan.reactions.get(row.key) ?? [], attachmentUrl: ctx.attachmentUrl, actions: null })
    })
    replace(list, ...(nodes.length ? nodes : [h("li", { class: "transcript-status" }, "No messages yet.")]))
    scroller.scrollTop = scroller.scrollHeight
  }
  const add = (message) => {
    if (!message || message.id === null || message.id === undefined) return
    messages.set(String(message.id), { ...messages.get(String(message.id)), ...message })
    render()
  }
  for (const message of page?.items ?? []) messages.set(String(message.id), message)
  dialog.addEventListener("close", () => {
    dialog.remove()
    onClose?.()
  })
  host.append(dialog)
  dialog.showModal()
  render()
  // The conversation moves on while watched (moved, parked, done): the line follows its events.
  const follow = (moved, name) => { subtitle.textContent = monitorSubtitle(moved, name) }
  return { add, follow, close: () => dialog.close(), interactionId: String(interaction.id) }
}
