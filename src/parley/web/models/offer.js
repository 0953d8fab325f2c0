// An offer's countdown and the notice shown when an interaction leaves the
// agent's list. The server withdraws an offer `offer_timeout_seconds` after
// `offered_at`; the desktop counts down with server time (ServerClock), so a
// PC clock that is off does not make an offer look safer than it is. Pure.

import { formatDuration, toMs } from "./format.js"

/** Under this many seconds the countdown turns urgent. */
export const OFFER_URGENT_SECONDS = 10

/**
 * {remaining, label, urgent} for an offered interaction at server time `nowMs`,
 * or null when offers never expire (timeout 0) or `offered_at` is unknown.
 */
export function offerCountdown(offeredAt, timeoutSeconds, nowMs) {
  const start = toMs(offeredAt)
  const timeout = Number(timeoutSeconds)
  if (start === null || !Number.isFinite(timeout) || timeout <= 0 || !Number.isFinite(nowMs)) return null
  // Round up: "0:01 left" until the very end, never "0:00 left" while it still holds.
  const remaining = Math.max(0, Math.min(timeout, Math.ceil((start + timeout * 1000 - nowMs) / 1000)))
  return { remaining, label: `${formatDuration(remaining)} left`, urgent: remaining <= OFFER_URGENT_SECONDS }
}

/**
 * The short notice for an `interaction.removed` event, or "" when the agent
 * did it themselves and needs no telling (a reject, a Mark Done they just saw
 * succeed is still worth a word: it confirms where the chat went). `workbin`:
 * the name of the workbin the agent moved it to, when they did.
 */
export function removalNotice(reason, { name, offered = false, workbin = "" } = {}) {
  const who = name || "the customer"
  switch (reason) {
    case "offer_timeout": return `Offer from ${who} timed out`
    case "agent_left": return offered ? `Offer from ${who} went back to the queue` : `${who} went back to the queue`
    case "done": return `Chat with ${who} marked done`
    case "parked": return workbin ? `Chat with ${who} moved to ${workbin}` : `Chat with ${who} moved to a workbin`
    case "moved": return `Chat with ${who} was moved to another agent`
    default: return "" // "rejected": the agent's own click; unknown reasons: nothing reliable to say
  }
}

/**
 * What a supervisor did that this agent should read: an interaction moved to them ("Chat with Ana
 * Souza moved to you by Sara"), their status set ("Set Not Ready (Training) by Sara"). Only for
 * events about `me`: supervisors receive every agent's events and must not hear others' notices.
 */
export function supervisorNotice(event, me) {
  if (!event?.notice || !me) return ""
  if (event.type === "interaction.offered" && String(event.interaction?.agent_id) === String(me.id)) return event.notice
  if (event.type === "agent.updated" && String(event.agent?.id) === String(me.id)) return event.notice
  return ""
}
