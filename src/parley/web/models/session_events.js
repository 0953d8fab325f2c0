// Session events of an interaction ("Ana Souza joined the session", "Alice
// Martins connected"): from the server's list (GET interactions/{id}/events:
// [{kind, state, at, agent}]) when the desktop has it, else derived from the
// interaction's own timestamps. Shown in Case information and as centred
// lines in the transcript. Pure.

/**
 * @param {object} interaction an Interaction from the API
 * @param {{contactName: string, agentName?: string, events?: object[]|null}} o
 * @returns {{key: string, kind: string, text: string, at: string}[]} oldest first
 */
export function sessionEvents(interaction, { contactName, agentName = "", events: listed = null }) {
  if (!interaction) return []
  const events = []
  if (Array.isArray(listed)) {
    listed.forEach((e, i) => {
      if (!e || typeof e.at !== "string") return
      const text = describe(e, contactName, e.agent?.name || agentName || "Agent", interaction.origin)
      if (text) events.push({ key: `e:${interaction.id}:${i}`, kind: eventKind(e), text, at: e.at })
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
    default: return ""
  }
}

/** System messages for the transcript, one per event, to merge by time with the messages. */
export function eventMessages(events, interactionId, sessionId = null) {
  return events.map((e) => ({
    id: null, key: e.key, interaction_id: interactionId, session_id: sessionId, direction: "in", type: "system",
    text: e.text,
    content: { kind: e.kind }, timestamp: e.at, created_at: e.at, event: true,
  }))
}

/**
 * Messages with the event rows merged in: "joined" just before the first
 * message of the interaction's session (WhatsApp's time of that message can
 * precede the moment Parley opened the interaction), the others by time.
 */
export function withEvents(items, eventRows, sessionId) {
  if (!eventRows.length) return items
  const out = items.slice()
  for (const row of eventRows) {
    let at
    if (row.content?.kind === "joined") {
      at = out.findIndex((m) => !m.event && m.session_id === sessionId)
      if (at < 0) at = out.findIndex((m) => !m.event && time(m) >= time(row))
    } else {
      at = out.findIndex((m) => !m.local && time(m) > time(row))
    }
    out.splice(at < 0 ? out.length : at, 0, row)
  }
  return out
}

const time = (m) => Date.parse(m.timestamp ?? m.created_at ?? "") || 0
