// Pure logic of the Contact Directory and My History: what to ask the API
// for, what an edit changes, how a past interaction reads, and what to tell
// the agent after "Create new chat". No DOM.

import { describeOutcome } from "./outcome.js"

const ORIGINS = { inbound: "Inbound WhatsApp", outbound: "Outbound WhatsApp" }
const STATES = { queued: "Queued", offered: "Offered", active: "Active", parked: "In a workbin", done: "Done" }
const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Query parameters for GET history from the filter form, or an error sentence.
 * @param {{q?: string, since?: string, until?: string, disposition?: string, state?: string, before?: number|null}} f
 * @returns {{params: Record<string, string>, error: string}}
 */
export function historyQuery(f = {}) {
  const params = {}
  const text = String(f.q ?? "").trim()
  if (text) params.q = text.slice(0, 200)
  for (const key of ["since", "until"]) {
    const value = String(f[key] ?? "").trim()
    if (!value) continue
    if (!DATE.test(value)) return { params: {}, error: "Dates are written YYYY-MM-DD." }
    params[key] = value
  }
  if (params.since && params.until && params.until < params.since) {
    return { params: {}, error: "“To” is before “From”." }
  }
  if (f.disposition) params.disposition = String(f.disposition)
  if (f.state && STATES[f.state]) params.state = String(f.state)
  if (Number.isInteger(f.before) && f.before > 0) params.before = String(f.before)
  return { params, error: "" }
}

/**
 * The PATCH body for a contact from the edit form: only what changed; a custom
 * field emptied is sent as null (cleared). null when nothing changed.
 * @param {{name?: string, email?: string|null, notes?: string|null, fields?: Record<string,string>}} contact
 * @param {{name: string, email: string, notes: string, fields: Record<string,string>}} form
 */
export function contactPatch(contact, form) {
  const body = {}
  const same = (a, b) => String(a ?? "").trim() === String(b ?? "").trim()
  for (const key of ["name", "email", "notes"]) {
    if (!same(contact?.[key], form?.[key])) body[key] = String(form?.[key] ?? "").trim()
  }
  const fields = {}
  for (const [key, value] of Object.entries(form?.fields ?? {})) {
    if (same(contact?.fields?.[key], value)) continue
    fields[key] = String(value ?? "").trim() || null
  }
  if (Object.keys(fields).length) body.fields = fields
  return Object.keys(body).length ? body : null
}

/**
 * One history row as the lists show it.
 * @returns {{title: string, origin: string, state: string, outcome: string, note: string, open: boolean}}
 */
export function historyLine(item) {
  const contact = item?.contact ?? {}
  const outcome = describeOutcome(item)
  return {
    title: contact.name || contact.profile_name || (contact.wa_id ? `+${contact.wa_id}` : "Unknown contact"),
    origin: ORIGINS[item?.origin] ?? "WhatsApp",
    state: STATES[item?.state] ?? String(item?.state ?? ""),
    outcome: item?.state === "done" ? (outcome?.text ?? "Marked done") : STATES[item?.state] ?? "",
    note: outcome?.note ?? "",
    open: item?.state !== "done",
  }
}

/**
 * What to tell the agent once "Create new chat" opened an interaction: whether
 * free text can go out, or only a template (WhatsApp's 24-hour window).
 * @param {object} interaction the new Interaction
 * @param {number} nowMs server time
 * @param {{templates?: boolean}} [o] whether the desktop offers templates
 */
export function chatStartedNotice(interaction, nowMs, { templates = false } = {}) {
  const contact = interaction?.contact ?? {}
  const name = contact.name || contact.profile_name || "the contact"
  const expires = Date.parse(interaction?.window_expires_at ?? "")
  if (Number.isFinite(expires) && expires > nowMs) return `Chat with ${name} started. Write your first message.`
  const how = templates ? "choose a template to start the conversation" : "it must be a WhatsApp template, which this desktop cannot send yet"
  return `Chat with ${name} started. The 24-hour customer service window is closed: ${how}.`
}

/** Whether a contact's number was typed as a phone number (search hint). */
export function looksLikeNumber(text) {
  return /^\+?[\d\s\-().]{3,}$/.test(String(text ?? "").trim())
}
