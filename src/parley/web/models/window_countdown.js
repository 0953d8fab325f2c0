// WhatsApp's customer service window: 24 h after the contact's last inbound
// message. Outside it only templates may be sent.

import { formatRemaining, toMs } from "./format.js"

export const CLOSING_SOON_SECONDS = 60 * 60

/**
 * {state, remaining, label} for a window_expires_at value at server time `nowMs`.
 * state: "none" (never opened), "open", "closing" (under an hour left), "closed".
 */
export function windowState(expiresAt, nowMs) {
  const end = toMs(expiresAt)
  if (end === null) return { state: "none", remaining: 0, label: "No customer message yet" }
  const remaining = Math.floor((end - nowMs) / 1000)
  if (remaining <= 0) return { state: "closed", remaining: 0, label: "Closed: templates only" }
  const state = remaining < CLOSING_SOON_SECONDS ? "closing" : "open"
  return { state, remaining, label: `${formatRemaining(remaining)} left` }
}

/** Whether free text may be sent now. */
export function canSendText(expiresAt, nowMs) {
  const { state } = windowState(expiresAt, nowMs)
  return state === "open" || state === "closing"
}
