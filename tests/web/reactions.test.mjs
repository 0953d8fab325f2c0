import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { contactCards, describeMessage, messageKey } from "../../src/parley/web/models/message_view.js"
import { foldReactions, myReaction, reactionSignature, withMyReaction } from "../../src/parley/web/models/reactions.js"
import { eventMessages, sessionEvents } from "../../src/parley/web/models/session_events.js"
import { Throttle } from "../../src/parley/web/models/throttle.js"

const text = (id, wamid, direction = "in") => ({ id, wamid, direction, type: "text", text: `m${id}` })
const reaction = (id, target, emoji, direction = "in") =>
  ({ id, wamid: `r${id}`, direction, type: "reaction", content: { message_id: target, emoji } })

describe("reactions", () => {
  it("shows a reaction on its target and hides the reaction message", () => {
    const items = [text(1, "w1"), text(2, "w2", "out"), reaction(3, "w2", "👍")]
    const plan = foldReactions(items)
    assert.deepEqual([...plan.hidden], ["m:3"])
    assert.deepEqual(plan.reactions.get("m:2"), [{ emoji: "👍", direction: "in" }])
    assert.equal(plan.reactions.has("m:1"), false)
  })

  it("keeps only each side's latest reaction, and an empty emoji removes it", () => {
    const items = [text(1, "w1"), reaction(2, "w1", "👍"), reaction(3, "w1", "❤️"), reaction(4, "w1", "😂", "out")]
    assert.deepEqual(foldReactions(items).reactions.get("m:1"),
      [{ emoji: "❤️", direction: "in" }, { emoji: "😂", direction: "out" }])
    const removed = foldReactions([...items, reaction(5, "w1", "")])
    assert.deepEqual(removed.reactions.get("m:1"), [{ emoji: "😂", direction: "out" }])
    assert.equal(myReaction(removed, items[0]), "😂")
  })

  it("leaves a reaction to a message not loaded as its own row", () => {
    const plan = foldReactions([reaction(9, "elsewhere", "👍")])
    assert.equal(plan.hidden.size, 0)
    assert.equal(describeMessage(reaction(9, "x", "👍")).text, "Reacted 👍")
  })

  it("reads the server's reactions list and the agent's optimistic one", () => {
    const m = { ...text(1, "w1"), reactions: [{ emoji: "🙏", direction: "in", at: "t" }] }
    const mine = withMyReaction(m, "👍", "t2")
    assert.deepEqual(foldReactions([mine]).reactions.get("m:1"),
      [{ emoji: "🙏", direction: "in" }, { emoji: "👍", direction: "out" }])
    assert.deepEqual(withMyReaction(mine, "", "t3").reactions, [{ emoji: "🙏", direction: "in", at: "t" }])
    assert.equal(reactionSignature([{ emoji: "👍", direction: "out" }]), "out:👍")
  })
})

describe("shared contacts and quotes", () => {
  it("shows names and numbers of shared contact cards", () => {
    const view = describeMessage({ id: 1, direction: "in", type: "contacts", text: "Bruno",
      content: { contacts: [{ name: "Bruno Lima", phones: [{ phone: "+55 11 5555-0101", type: "CELL" }] }, { phones: ["x", 3] }] } })
    assert.equal(view.label, "Contact card")
    assert.deepEqual(view.contacts, [{ name: "Bruno Lima", phones: ["+55 11 5555-0101"] }, { name: "Unnamed contact", phones: ["x"] }])
    assert.deepEqual(contactCards(null), [])
  })

  it("keeps the quoted message's side", () => {
    const view = describeMessage({ id: 2, direction: "out", type: "text", text: "yes",
      reply_to: { id: 1, wamid: "w", text: "Is it late?", direction: "in" } })
    assert.deepEqual(view.quote, { text: "Is it late?", direction: "in" })
  })
})

describe("session events", () => {
  const interaction = { id: 7, origin: "inbound", created_at: "2026-03-11T10:00:00Z", accepted_at: "2026-03-11T10:00:05Z" }

  it("derives joined and connected from the interaction", () => {
    const events = sessionEvents(interaction, { contactName: "Ana Souza", agentName: "Alice Martins" })
    assert.deepEqual(events.map((e) => e.text), ["Ana Souza joined the session", "Alice Martins connected"])
    const rows = eventMessages(events, 7)
    assert.equal(rows[0].type, "system")
    assert.equal(messageKey(rows[1]), "e:7:connected")
  })

  it("has nothing to say without an interaction", () => {
    assert.deepEqual(sessionEvents(null, { contactName: "x" }), [])
  })
})

describe("throttle", () => {
  it("lets a key fire once per interval, per key, until reset", () => {
    const t = new Throttle(10_000)
    assert.equal(t.take("a", 0), true)
    assert.equal(t.take("a", 9_999), false)
    assert.equal(t.take("b", 5_000), true)
    assert.equal(t.take("a", 10_000), true)
    t.reset("a")
    assert.equal(t.take("a", 10_001), true)
  })
})

describe("event rows in the transcript", () => {
  it("puts joined before the session's first message and connected by time", async () => {
    const { withEvents } = await import("../../src/parley/web/models/session_events.js")
    const older = { id: 1, session_id: 4, timestamp: "2026-03-10T09:00:00Z" }
    const first = { id: 2, session_id: 5, timestamp: "2026-03-11T09:59:59Z" }
    const reply = { id: 3, session_id: 5, timestamp: "2026-03-11T10:01:00Z" }
    const rows = eventMessages(sessionEvents({ id: 7, created_at: "2026-03-11T10:00:00Z",
      accepted_at: "2026-03-11T10:00:30Z" }, { contactName: "Ana", agentName: "Alice" }), 7)
    const merged = withEvents([older, first, reply], rows, 5)
    assert.deepEqual(merged.map((m) => m.key ?? m.id), [1, "e:7:joined", 2, "e:7:connected", 3])
    assert.deepEqual(withEvents([older], [], 5), [older])
  })

  it("keeps an unsent reply after the events before it was written, and there once sent", async () => {
    const { withEvents } = await import("../../src/parley/web/models/session_events.js")
    const first = { id: 2, session_id: 5, timestamp: "2026-03-11T09:59:59Z" }
    const rows = eventMessages(sessionEvents({ id: 7, created_at: "2026-03-11T10:00:00Z",
      accepted_at: "2026-03-11T10:00:30Z" }, { contactName: "Ana", agentName: "Alice" }), 7)
    const unsent = { id: null, key: "local-1", session_id: 5, local: true, status: "failed",
      created_at: "2026-03-11T10:01:00Z", timestamp: "2026-03-11T10:01:00Z" }
    const order = (items) => withEvents(items, rows, 5).map((m) => m.key ?? m.id)
    assert.deepEqual(order([first, unsent]), ["e:7:joined", 2, "e:7:connected", "local-1"])
    const sent = { id: 3, session_id: 5, composed_at: "2026-03-11T10:01:00Z",
      created_at: "2026-03-11T10:05:00Z", timestamp: "2026-03-11T10:05:00Z" }
    assert.deepEqual(order([first, sent]), ["e:7:joined", 2, "e:7:connected", 3])
    // written before the agent connected (posted late): it stays above that event
    const early = { ...sent, composed_at: "2026-03-11T10:00:10Z" }
    assert.deepEqual(order([first, early]), ["e:7:joined", 2, 3, "e:7:connected"])
  })
})

describe("server session events", () => {
  it("names who joined, connected and what happened", () => {
    const interaction = { id: 3, created_at: "2026-03-11T10:00:00Z" }
    const events = sessionEvents(interaction, { contactName: "Ana", agentName: "Me", events: [
      { kind: "created", state: "queued", at: "2026-03-11T10:00:00Z", agent: null },
      { kind: "routed", state: "offered", at: "2026-03-11T10:00:01Z", agent: { id: 1, name: "Alice" } },
      { kind: "accepted", state: "active", at: "2026-03-11T10:00:09Z", agent: { id: 1, name: "Alice" } },
      { kind: "mystery", state: "active", at: "2026-03-11T10:00:10Z", agent: null },
    ] })
    assert.deepEqual(events.map((e) => [e.kind, e.text]), [
      ["joined", "Ana joined the session"], ["routed", "Offered to Alice"], ["connected", "Alice connected"]])
  })
})
