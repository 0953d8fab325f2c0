import { describe, it } from "node:test"
import assert from "node:assert/strict"

import { transcriptRows } from "../../src/parley/web/models/message_view.js"
import { eventMessages, withEvents } from "../../src/parley/web/models/session_events.js"

const UTC = { locale: "en-US", timeZone: "UTC" }
const NOW = Date.parse("2026-11-30T15:00:00Z")
const msg = (id, interaction, session, timestamp, direction = "in") => ({
  id, interaction_id: interaction, session_id: session, direction, type: "text", text: `m${id}`, timestamp,
})
const event = (kind, at, text) => ({ key: `e:${kind}:${at}`, kind, text, at })

// One interaction (7) of three sessions (1, 2, 3): the contact wrote on Nov 28, the agent
// marked it done; then Create new chat reopened it today and started two more sessions.
const messages = [
  msg(1, 7, 1, "2026-11-28T10:00:00Z"),
  msg(2, 7, 1, "2026-11-28T10:01:00Z", "out"),
  msg(3, 7, 2, "2026-11-30T09:00:30Z", "out"),
  msg(4, 7, 3, "2026-11-30T09:05:30Z", "out"),
]
const events = eventMessages([
  event("joined", "2026-11-28T10:00:01Z", "Ana Souza joined the session"),
  event("done", "2026-11-28T10:02:00Z", "Alice Martins marked it done"),
  event("started", "2026-11-30T09:00:00Z", "Alice Martins started a chat with Ana Souza"),
  event("new_session", "2026-11-30T09:05:00Z", "Alice Martins started a new session"),
], 7, 3)

const labels = (rows) => rows.map((r) => (r.type === "message" ? r.message.text : r.type === "day" ? r.label : `[${r.label}]`))

describe("a transcript of several sessions with their events", () => {
  it("puts each event in its session and each session break before the day it opens", () => {
    const rows = transcriptRows(withEvents(messages, events), NOW, UTC)
    assert.deepEqual(labels(rows), [
      "Saturday, November 28, 2026", "Ana Souza joined the session", "m1", "m2", "Alice Martins marked it done",
      "[New session]", "Today", "Alice Martins started a chat with Ana Souza", "m3",
      "[New session]", "Alice Martins started a new session", "m4",
    ])
  })

  it("has one break per change of session, with unique keys, naming no outcome inside one interaction", () => {
    const rows = transcriptRows(withEvents(messages, events), NOW, UTC)
    const breaks = rows.filter((r) => r.type === "session")
    assert.equal(breaks.length, 2)
    assert.equal(new Set(rows.map((r) => r.key)).size, rows.length)
    assert.deepEqual(breaks.map((r) => r.endedId), [null, null])
  })

  it("names the interaction that ended when the next session is another one's", () => {
    const rows = transcriptRows([msg(1, 6, 1, "2026-11-28T10:00:00Z"), msg(2, 7, 2, "2026-11-30T09:00:00Z")], NOW, UTC)
    assert.deepEqual(rows.filter((r) => r.type === "session").map((r) => r.endedId), [6])
    assert.deepEqual(labels(rows), ["Saturday, November 28, 2026", "m1", "[New session]", "Today", "m2"])
  })

  it("puts joined before the interaction's first message even when WhatsApp's time is earlier", () => {
    const early = [msg(1, 7, 1, "2026-11-28T09:59:58Z")]
    const rows = withEvents(early, eventMessages([event("joined", "2026-11-28T10:00:00Z", "joined")], 7, 1))
    assert.deepEqual(rows.map((r) => r.text), ["joined", "m1"])
  })
})
