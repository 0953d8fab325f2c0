// A reply the agent wrote while the browser was offline reaches Parley later, after customer
// messages that arrived meanwhile. The transcript keeps it where it was written and says it was
// sent late, instead of silently moving it after them. Pure.

import { toMs } from "./format.js"
import { messageKey, messageTime } from "./message_view.js"

/** A reply that went out this long after it was written says so even with nothing in between. */
export const LATE_NOTE_MS = 60_000

/**
 * When a reply was written, if it reached (or is still to reach) Parley later: the server's
 * `composed_at`, or a bubble that failed or is being posted again. Null for everything else.
 */
export function writtenAt(message) {
  if (message?.direction !== "out" || message.event) return null
  if (message.composed_at) return message.composed_at
  if (message.local && (message.status === "failed" || message.resent)) return message.created_at ?? null
  return null
}

// When Parley had the message: WhatsApp's own timestamps are whole seconds, too coarse to tell
// whether a customer wrote before or after the agent pressed Send.
const arrivedAt = (m) => m.created_at ?? messageTime(m)

/**
 * The messages (in id order) with each late reply moved back before the first message that came
 * after it was written, and the keys of those to mark "sent late": moved in front of another
 * message, or sent a minute or more after being written.
 * @returns {{items: object[], late: Set<string>}}
 */
export function placeLateReplies(items) {
  const late = new Set()
  const isLate = (m) => writtenAt(m) !== null
  if (!items.some(isLate)) return { items, late }
  const order = new Map(items.map((m, i) => [m, i]))
  const out = items.filter((m) => !isLate(m))
  for (const m of items.filter(isLate)) {
    const written = toMs(writtenAt(m))
    let at = out.findIndex((o) => order.get(o) > order.get(m))
    if (at < 0) at = out.length
    const before = out.findIndex((o, i) => i < at && !isLate(o) && toMs(arrivedAt(o)) > written)
    if (before >= 0) at = before
    out.splice(at, 0, m)
    if (m.local) continue
    const sentAt = toMs(m.created_at)
    if (before >= 0 || (Number.isFinite(sentAt) && sentAt - written >= LATE_NOTE_MS)) late.add(messageKey(m))
  }
  return { items: out, late }
}
