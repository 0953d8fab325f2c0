// Delivery status of outbound messages: the ticks and the ordering rule.
// WhatsApp status webhooks arrive duplicated, late or out of order, so a
// status never moves backwards (queued < sent < delivered < read < played)
// and `failed` is terminal. "pending" is our own: an optimistic bubble whose
// POST has not been answered yet.

const RANK = { pending: 0, queued: 1, sent: 2, delivered: 3, read: 4, played: 5 }

/** The status to keep when `incoming` arrives for a message that has `held`. */
export function mergeStatus(held, incoming) {
  if (held === "failed" || incoming === "failed") return "failed"
  if (!(incoming in RANK)) return held ?? incoming
  if (!(held in RANK)) return incoming
  return RANK[incoming] >= RANK[held] ? incoming : held
}

/**
 * How a status looks: glyph, accessible label and tone.
 * tone: "muted" (grey ticks), "read" (blue ticks), "error".
 */
export function ticks(status) {
  switch (status) {
    case "pending":
    case "queued":
      return { glyph: "◷", label: "Sending", tone: "muted" }
    case "sent":
      return { glyph: "✓", label: "Sent", tone: "muted" }
    case "delivered":
      return { glyph: "✓✓", label: "Delivered", tone: "muted" }
    case "read":
      return { glyph: "✓✓", label: "Read", tone: "read" }
    case "played":
      return { glyph: "✓✓", label: "Played", tone: "read" }
    case "failed":
      return { glyph: "!", label: "Failed", tone: "error" }
    default:
      return null
  }
}
