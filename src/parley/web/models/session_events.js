// Session events of an interaction ("Ana Souza joined the session", "Alice
// Martins connected"): from the server's list (GET interactions/{id}/events:
// [{kind, state, at, agent}]) when the desktop has it, else derived from the
// interaction's own timestamps. Shown in Case information and as centred
// lines in the transcript. Pure.

/**
 * @param {object} interaction an Interaction from the API
 * @param {{contactName: string, agentName?: string, events?: object[]|null}} o
 * @returns {{key: string, kind: string, text: string, at: string, detail?: string}[]} oldest first;
 *   `detail`: what a folded run of offers held ("2 expired, 1 rejected"), or the event's note
 */
export function sessionEvents(interaction, { contactName, agentName = "", events: listed = null }) {
  if (!interaction) return []
  const events = []
  if (Array.isArray(listed)) {
    foldOffers(listed.filter((e) => e && typeof e.at === "string")).forEach((e, i) => {
      const text = e.folded ? foldedText(e, agentName) : describe(e, contactName, e.agent?.name || agentName || "Agent", interaction.origin)
      if (!text) return
      const event = { key: `e:${interaction.id}:${i}`, kind: e.folded ? "offers" : eventKind(e), text, at: e.at }
      if (e.folded) event.detail = foldedDetail(e)
      // a park reason, "Logged out"; a move's note is the agent it went to, already in the text
      else if (typeof e.note === "string" && e.note.trim() && eventKind(e) !== "moved") event.detail = e.note.trim()
      events.push(event)
    })
  } else {
    if (interaction.created_at) {
      events.push({
        key: `e:${interaction.id}:joined`, kind: "joined", at: interaction.created_at,
        text: interaction.origin === "outbound"
          ? `${agentName || "The agent"} started the session`
          : `${contactName} joined the session`,
      })
    }
    if (interaction.accepted_at) {
      events.push({ key: `e:${interaction.id}:connected`, kind: "connected", at: interaction.accepted_at,
        text: `${agentName || "Agent"} connected` })
    }
  }
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
}

const OFFER_KINDS = new Set(["rejected", "offer_expired", "released"])
const isOffer = (e) => e.kind === "routed" && e.state === "offered"

/**
 * Repeated offers folded: a run of two or more offers (each with its rejection, expiry or
 * release) becomes one entry {folded: true, offers, last (agent), expired, rejected, at (the
 * last event's)}; a single offer and every other event stay as they are. Oldest first in and out.
 */
export function foldOffers(events) {
  const out = []
  let run = []
  const flush = () => {
    const offers = run.filter(isOffer)
    if (offers.length >= 2) {
      out.push({
        folded: true, kind: "offers", offers: offers.length, last: offers.at(-1).agent ?? null,
        expired: run.filter((e) => e.kind === "offer_expired").length,
        rejected: run.filter((e) => e.kind === "rejected").length,
        at: run.at(-1).at,
      })
    } else {
      out.push(...run)
    }
    run = []
  }
  for (const e of Array.isArray(events) ? events : []) {
    if (isOffer(e) || (run.length && OFFER_KINDS.has(e.kind))) run.push(e)
    else {
      flush()
      out.push(e)
    }
  }
  flush()
  return out
}

function foldedText(e, agentName) {
  const last = e.last?.name || agentName || "an agent"
  return `Offered ${e.offers} times, last to ${last}`
}

function foldedDetail(e) {
  const parts = []
  if (e.expired) parts.push(`${e.expired} expired`)
  if (e.rejected) parts.push(`${e.rejected} rejected`)
  return parts.join(", ")
}

function eventKind(e) {
  if (e.kind === "created") return "joined"
  if (e.kind === "accepted" || (e.kind === "routed" && e.state === "active")) return "connected"
  return String(e.kind ?? "")
}

function describe(e, contact, agent, origin) {
  switch (eventKind(e)) {
    // An outbound interaction's start is told by its "started" event, with the agent's name.
    case "joined": return origin === "outbound" ? "" : `${contact} joined the session`
    case "started": return `${agent} started a chat with ${contact}`
    case "new_session": return `${agent} started a new session`
    case "connected": return `${agent} connected`
    case "routed": return e.state === "offered" ? `Offered to ${agent}` : ""
    case "rejected": return `${agent} rejected the offer`
    case "offer_expired": return "The offer expired"
    case "released": return `${agent} left the session`
    case "reopened": return `${contact} wrote again`
    case "done": return `${agent} marked it done`
    case "parked": return `${agent} moved it to a workbin`
    case "opened": return `${agent} opened it from the workbin`
    // The mover is the event's agent (a supervisor), the agent it went to its note.
    case "moved": return e.note ? `${agent} moved it to ${e.note}` : `Moved to ${agent}`
    case "closed": return "Session closed after inactivity"
    default: return ""
  }
}

/** System messages for the transcript, one per event, to merge by time with the messages. */
export function eventMessages(events, interactionId, sessionId = null) {
  return events.map((e) => ({
    id: null, key: e.key, interaction_id: interactionId, session_id: sessionId, direction: "in", type: "system",
    text: e.detail ? `${e.text} · ${e.detail}` : e.text,
    content: { kind: e.kind }, timestamp: e.at, created_at: e.at, event: true,
  }))
}

/**
 * Messages with the event rows merged in: "joined" just before the first
 * message of the interaction (WhatsApp's time of that message can precede the
 * moment Parley opened the interaction; without interaction ids, of `sessionId`),
 * the others by time: before the first
 * message later than the event. Rows of the same time keep their order.
 */
export function withEvents(items, eventRows, sessionId = null) {
  if (!eventRows.length) return items
  const out = items.slice()
  for (const row of eventRows) {
    let at = -1
    if (row.content?.kind === "joined") {
      at = out.findIndex((m) => !m.event && m.interaction_id === row.interaction_id && m.interaction_id != null)
      // messages that do not say their interaction: the first of the interaction's session
      const session = row.session_id ?? sessionId
      if (at < 0 && session != null) at = out.findIndex((m) => !m.event && m.session_id === session)
      const later = out.findIndex((m) => !m.local && time(m) > time(row))
      if (at < 0 || (later >= 0 && later < at && !sameDayish(out[at], row))) at = later
    } else {
      // A reply goes by when it was written (an unsent one too, and one posted late): it
      // keeps its place among the events before and after it is sent.
      at = out.findIndex((m) => writtenTime(m) > time(row))
    }
    out.splice(at < 0 ? out.length : at, 0, row)
  }
  return out
}

// WhatsApp's time of the first message may precede the interaction's opening by a little.
const sameDayish = (m, row) => Math.abs(time(m) - time(row)) < 10 * 60_000

const time = (m) => Date.parse(m.timestamp ?? m.created_at ?? "") || 0
const writtenTime = (m) => Date.parse(m.composed_at ?? "") || time(m)
