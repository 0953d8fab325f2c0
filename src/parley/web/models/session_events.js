// Session events of an interaction ("Ana Souza joined the session", "Alice
// Martins connected"), derived from the interaction's own timestamps, or
// taken from the server's event list when it sends one. Shown in Case
// information and as centred lines in the transcript. Pure.

/**
 * @param {object} interaction an Interaction from the API
 * @param {{contactName: string, agentName?: string}} names
 * @returns {{key: string, kind: string, text: string, at: string}[]} oldest first
 */
export function sessionEvents(interaction, { contactName, agentName = "" }) {
  if (!interaction) return []
  const events = []
  if (Array.isArray(interaction.events)) {
    for (const e of interaction.events) {
      if (!e || typeof e.at !== "string") continue
      const text = typeof e.text === "string" && e.text ? e.text : describe(e.kind, e.name ?? "")
      if (text) events.push({ key: `e:${interaction.id}:${e.kind}:${e.at}`, kind: String(e.kind ?? ""), text, at: e.at })
    }
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

function describe(kind, name) {
  switch (kind) {
    case "joined": return `${name} joined the session`
    case "connected": return `${name} connected`
    case "left": return `${name} left the session`
    default: return ""
  }
}

/** System messages for the transcript, one per event, to merge by time with the messages. */
export function eventMessages(events, interactionId) {
  return events.map((e) => ({
    id: null, key: e.key, interaction_id: interactionId, direction: "in", type: "system", text: e.text,
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
