import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { transcriptRows } from "../../src/parley/web/models/message_view.js"
import { describeOutcome } from "../../src/parley/web/models/outcome.js"
import { Store } from "../../src/parley/web/store.js"

const done = (id, extra = {}) => ({
  id, state: "done", origin: "inbound", agent: { id: 1, name: "Alice Martins" }, created_at: "2026-03-10T09:00:00Z",
  done_at: "2026-03-10T10:00:00Z", disposition: "Resolved", note: "Refund sent.\nCheck again Friday.", ...extra,
})

describe("describeOutcome", () => {
  it("says who marked it done, the disposition and the note", () => {
    assert.deepEqual(describeOutcome(done(3)),
      { text: "Marked done by Alice Martins · Resolved", note: "Refund sent.\nCheck again Friday." })
    assert.deepEqual(describeOutcome(done(3, { agent: null, disposition: null, note: "  " })),
      { text: "Marked done", note: "" })
    assert.equal(describeOutcome(done(3, { state: "parked", disposition: null, note: null })).text, "Parked")
  })

  it("is null for nothing or junk", () => {
    assert.equal(describeOutcome(null), null)
    assert.equal(describeOutcome({ state: "weird" }), null)
    assert.equal(describeOutcome({ state: "done", agent: { name: 42 }, disposition: 7 }).text, "Marked done")
  })
})

describe("session boundaries name the interaction that ended", () => {
  it("carries the id of the interaction whose messages end at the boundary", () => {
    const m = (id, interaction, session) => ({ id, interaction_id: interaction, session_id: session,
      direction: "in", type: "text", text: "x", timestamp: "2026-03-11T09:00:00Z" })
    const rows = transcriptRows([m(1, 3, 4), m(2, 3, 4), m(3, 8, 5)], Date.parse("2026-03-11T15:00:00Z"))
    const session = rows.find((r) => r.type === "session")
    assert.equal(session.endedId, 3)
  })
})

describe("Store keeps every page's outcomes", () => {
  it("merges the interactions of the newest and the older pages", () => {
    const store = new Store()
    store.loadPage(12, { items: [], has_more: true, interactions: [done(3, { note: "first" })] })
    assert.equal(store.transcript(12).outcomes.get("3").note, "first")
    store.loadPage(12, { items: [], has_more: false, interactions: [done(2)] }, "older")
    store.loadPage(12, { items: [], has_more: false }, "newest") // a catch-up page without any
    const outcomes = store.transcript(12).outcomes
    assert.deepEqual([...outcomes.keys()].sort(), ["2", "3"])
    assert.equal(store.transcript(99).outcomes.size, 0)
  })
})
