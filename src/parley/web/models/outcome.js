// How an earlier interaction of the contact ended, for the transcript's
// session boundary: "Marked done by Alice Martins · Resolved" and the note,
// so the next agent sees what was agreed. From the `interactions` of a
// transcript page ({id, state, agent, done_at, disposition, note}). Pure.

const STATES = { queued: "Left in the queue", offered: "Offered, not accepted", active: "Still open",
  parked: "Parked" }

/** {text, note} for one outcome, or null when there is nothing to say. */
export function describeOutcome(outcome) {
  if (!outcome || typeof outcome !== "object") return null
  const agent = typeof outcome.agent?.name === "string" ? outcome.agent.name.trim() : ""
  const head = outcome.state === "done"
    ? (agent ? `Marked done by ${agent}` : "Marked done")
    : STATES[outcome.state] ?? ""
  const disposition = typeof outcome.disposition === "string" ? outcome.disposition.trim() : ""
  const note = typeof outcome.note === "string" ? outcome.note.trim() : ""
  const text = [head, disposition].filter(Boolean).join(" · ")
  if (!text && !note) return null
  return { text, note }
}
