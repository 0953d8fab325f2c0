import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { offerCountdown, removalNotice } from "../../src/parley/web/models/offer.js"

const AT = "2026-03-11T15:00:00Z"
const T0 = Date.parse(AT)

describe("offerCountdown", () => {
  it("counts the seconds left from offered_at and the timeout", () => {
    assert.deepEqual(offerCountdown(AT, 30, T0 + 6_000), { remaining: 24, label: "0:24 left", urgent: false })
    assert.equal(offerCountdown(AT, 30, T0 + 25_500).label, "0:05 left")
    assert.equal(offerCountdown(AT, 30, T0 + 25_500).urgent, true)
    assert.equal(offerCountdown(AT, 90, T0).label, "1:30 left")
  })

  it("never goes below zero or above the timeout", () => {
    assert.equal(offerCountdown(AT, 30, T0 + 60_000).remaining, 0)
    assert.equal(offerCountdown(AT, 30, T0 - 5_000).remaining, 30) // server time a little behind offered_at
  })

  it("is null when offers never expire or the time is unknown", () => {
    assert.equal(offerCountdown(AT, 0, T0), null)
    assert.equal(offerCountdown(null, 30, T0), null)
    assert.equal(offerCountdown("not a date", 30, T0), null)
    assert.equal(offerCountdown(AT, undefined, T0), null)
  })
})

describe("removalNotice", () => {
  it("says why an interaction left the list", () => {
    assert.equal(removalNotice("offer_timeout", { name: "Ana Souza", offered: true }), "Offer from Ana Souza timed out")
    assert.equal(removalNotice("agent_left", { name: "Ana Souza", offered: true }),
      "Offer from Ana Souza went back to the queue")
    assert.equal(removalNotice("done", { name: "Ana Souza" }), "Chat with Ana Souza marked done")
  })

  it("stays quiet for the agent's own reject and for unknown reasons", () => {
    assert.equal(removalNotice("rejected", { name: "Ana Souza" }), "")
    assert.equal(removalNotice(undefined, { name: "Ana Souza" }), "")
    assert.equal(removalNotice("offer_timeout", {}), "Offer from the customer timed out")
  })
})
