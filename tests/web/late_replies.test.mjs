import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { placeLateReplies, writtenAt } from "../../src/parley/web/models/late_replies.js"

const at = (s) => `2026-01-01T10:00:${String(s).padStart(2, "0")}Z`
const inbound = (id, s) => ({ id, direction: "in", text: `in${id}`, timestamp: at(s), created_at: at(s) })
const out = (id, s, extra = {}) => ({ id, direction: "out", text: `out${id}`, timestamp: at(s), created_at: at(s), ...extra })
const texts = (r) => r.items.map((m) => m.text)

describe("placeLateReplies", () => {
  it("leaves a transcript without late replies as it is", () => {
    const items = [inbound(1, 1), out(2, 2), inbound(3, 3)]
    const placed = placeLateReplies(items)
    assert.equal(placed.items, items)
    assert.equal(placed.late.size, 0)
  })

  it("puts a reply posted late back where it was written, before what the customer wrote meanwhile", () => {
    const late = out(4, 30, { composed_at: at(5) })
    const placed = placeLateReplies([inbound(1, 1), inbound(2, 10), inbound(3, 20), late])
    assert.deepEqual(texts(placed), ["in1", "out4", "in2", "in3"])
    assert.deepEqual([...placed.late], ["m:4"])
  })

  it("keeps several late replies in the order they were written", () => {
    const placed = placeLateReplies([inbound(1, 1), inbound(2, 20),
      out(3, 30, { composed_at: at(5) }), out(4, 31, { composed_at: at(6) })])
    assert.deepEqual(texts(placed), ["in1", "out3", "out4", "in2"])
  })

  it("marks a reply that went out a minute late even with nothing in between, and not one a few seconds late", () => {
    const slow = placeLateReplies([inbound(1, 1), { ...out(2, 0, { composed_at: at(2) }), created_at: "2026-01-01T10:01:10Z" }])
    assert.deepEqual([...slow.late], ["m:2"])
    const quick = placeLateReplies([inbound(1, 1), out(2, 9, { composed_at: at(2) })])
    assert.equal(quick.late.size, 0)
  })

  it("holds a failed or re-sent bubble where it was written, unmarked until the server has it", () => {
    const bubble = { id: null, local: true, client_id: "c1", direction: "out", status: "pending", resent: true,
      text: "bubble", created_at: at(5), timestamp: at(5) }
    const placed = placeLateReplies([inbound(1, 1), inbound(2, 10), bubble])
    assert.deepEqual(texts(placed), ["in1", "bubble", "in2"])
    assert.equal(placed.late.size, 0)
    assert.equal(writtenAt({ ...bubble, resent: false }), null) // a first send stays last while it goes
    assert.equal(writtenAt({ ...bubble, resent: false, status: "failed" }), at(5))
  })
})
