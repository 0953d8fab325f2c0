import assert from "node:assert/strict"
import { describe, it } from "node:test"

import {
  DEFAULT_THRESHOLDS, PendingTimer, normalizeThresholds, pendingLevel,
} from "../../src/parley/web/models/pending_timer.js"
import { ServerClock } from "../../src/parley/web/models/server_clock.js"

const SINCE = "2026-01-01T10:00:00Z"
const at = (seconds) => () => Date.parse(SINCE) + seconds * 1000

describe("pendingLevel", () => {
  it("is green below warn, yellow from warn, red from alarm", () => {
    const t = [30, 50]
    assert.equal(pendingLevel(0, t), "green")
    assert.equal(pendingLevel(29, t), "green")
    assert.equal(pendingLevel(30, t), "yellow")
    assert.equal(pendingLevel(49, t), "yellow")
    assert.equal(pendingLevel(50, t), "red")
    assert.equal(pendingLevel(86_400, t), "red")
  })
})

describe("PendingTimer with an injected clock", () => {
  it("shows nothing without pending_since", () => {
    const timer = new PendingTimer({ thresholds: [30, 50], now: at(100) })
    assert.deepEqual(timer.measure(null), { level: "none", elapsed: 0 })
    assert.deepEqual(timer.measure(undefined), { level: "none", elapsed: 0 })
    assert.deepEqual(timer.measure("not a date"), { level: "none", elapsed: 0 })
  })

  for (const [seconds, level] of [[0, "green"], [29.999, "green"], [30, "yellow"], [49.999, "yellow"], [50, "red"], [51, "red"]]) {
    it(`is ${level} at ${seconds} s`, () => {
      const timer = new PendingTimer({ thresholds: [30, 50], now: at(seconds) })
      assert.deepEqual(timer.measure(SINCE), { level, elapsed: Math.floor(seconds) })
    })
  }

  it("follows a moving clock", () => {
    let now = Date.parse(SINCE)
    const timer = new PendingTimer({ thresholds: [5, 10], now: () => now })
    const levels = []
    for (let s = 0; s <= 11; s++) {
      now = Date.parse(SINCE) + s * 1000
      levels.push(timer.measure(SINCE).level)
    }
    assert.deepEqual(levels, [
      "green", "green", "green", "green", "green", "yellow",
      "yellow", "yellow", "yellow", "yellow", "red", "red",
    ])
  })

  it("never counts negative time when pending_since is ahead of the clock", () => {
    const timer = new PendingTimer({ thresholds: [30, 50], now: at(-5) })
    assert.deepEqual(timer.measure(SINCE), { level: "green", elapsed: 0 })
  })

  it("says when the level next changes", () => {
    const timer = new PendingTimer({ thresholds: [30, 50], now: at(10) })
    assert.equal(timer.msUntilNextLevel(SINCE), 20_000)
    assert.equal(new PendingTimer({ thresholds: [30, 50], now: at(30) }).msUntilNextLevel(SINCE), 20_000)
    assert.equal(new PendingTimer({ thresholds: [30, 50], now: at(50) }).msUntilNextLevel(SINCE), null)
    assert.equal(timer.msUntilNextLevel(null), null)
  })

  it("accepts thresholds of equal warn and alarm", () => {
    const timer = new PendingTimer({ thresholds: [10, 10], now: at(10) })
    assert.equal(timer.measure(SINCE).level, "red")
  })
})

describe("normalizeThresholds", () => {
  it("keeps valid pairs and falls back on nonsense", () => {
    assert.deepEqual(normalizeThresholds([5, 9]), [5, 9])
    assert.deepEqual(normalizeThresholds(["5", "9"]), [5, 9])
    for (const bad of [null, [], [1], [50, 30], [-1, 5], ["x", 3], "30,50"]) {
      assert.deepEqual(normalizeThresholds(bad), DEFAULT_THRESHOLDS, JSON.stringify(bad))
    }
  })
})

describe("ServerClock", () => {
  it("corrects a local clock that runs a minute behind", () => {
    let local = 1_000_000
    const clock = new ServerClock({ local: () => local })
    // server says 1_060_000 (whole second) for a request sent at 999_900, answered at 1_000_100
    clock.observe(1_060_000, 999_900, 1_000_100)
    assert.equal(clock.offset, 60_500)
    local = 2_000_000
    assert.equal(clock.now(), 2_060_500)
  })

  it("keeps a zero offset within the Date header's precision", () => {
    const clock = new ServerClock({ local: () => 5_000 })
    clock.observe(5_000, 4_990, 5_010)
    assert.equal(clock.offset, 0)
  })

  it("prefers the sample with the shortest round trip", () => {
    const clock = new ServerClock({ local: () => 0 })
    clock.observe(100_000, 0, 100) // rtt 100, offset ≈ 100_450
    clock.observe(200_000, 0, 5_000) // rtt 5 s: less precise, ignored
    assert.equal(clock.offset, 100_450)
  })

  it("ignores garbage", () => {
    const clock = new ServerClock({ local: () => 0 })
    clock.observe(Number.NaN, 0, 1)
    clock.observe(10_000, 5, 1)
    assert.equal(clock.offset, 0)
  })
})
