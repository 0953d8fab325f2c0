import assert from "node:assert/strict"
import { describe, it } from "node:test"

import {
  FloorModel, chartSeries, chartSummary, figureTiles, formatPercent, formatSeconds, queueState, statusLabel,
} from "../../src/parley/web/models/floor.js"
import { supervisorNotice } from "../../src/parley/web/models/offer.js"
import { sessionEvents } from "../../src/parley/web/models/session_events.js"
import { Store } from "../../src/parley/web/store.js"

const T = Date.parse("2026-01-05T09:00:00Z")
const iso = (s) => new Date(T + s * 1000).toISOString()
const interaction = (id, o = {}) => ({ id, version: 1, state: "queued", agent_id: null, contact: { name: `C${id}` },
  created_at: iso(0), queued_at: iso(0), pending_since: iso(0), ...o })
const agent = (id, name, o = {}) => ({ id, name, username: name.toLowerCase(), status: "ready", status_reason: null,
  status_since: iso(0), capacity: 2, held: 0, oldest_pending_since: null, ...o })
const snapshot = (o = {}) => ({ queue: [], held: [], agents: [agent(1, "Alice"), agent(2, "Bob")], workbins: [],
  figures: { offered: 0 }, intervals: [], since: iso(-9 * 3600), service_level_seconds: 60, ...o })

describe("the floor model", () => {
  it("keeps the queue longest wait first, from the customer's oldest unanswered message", () => {
    const floor = new FloorModel()
    floor.load(snapshot({ queue: [interaction(1, { pending_since: iso(30) }), interaction(2, { pending_since: iso(5) })] }))
    assert.deepEqual(floor.queue(T + 60_000).map((q) => [q.interaction.id, q.waitSeconds]), [[2, 55], [1, 30]])
  })

  it("applies interaction events at once: an offer counts against the agent's capacity, done leaves", () => {
    const floor = new FloorModel()
    floor.load(snapshot())
    let result = floor.apply({ type: "interaction.updated", interaction: interaction(5) })
    assert.deepEqual(result, { changed: true, refresh: true })
    assert.equal(floor.queue(T).length, 1)
    floor.apply({ type: "interaction.offered", interaction: interaction(5, { version: 2, state: "offered", agent_id: 1 }) })
    assert.equal(queueState(floor.queue(T)[0].interaction, floor.queue(T)[0].agent), "Offered to Alice")
    assert.equal(floor.agents().find((a) => a.id === 1).held, 1)
    floor.apply({ type: "interaction.updated", interaction: interaction(5, { version: 3, state: "active", agent_id: 1 }) })
    assert.equal(floor.queue(T).length, 0)
    assert.deepEqual(floor.held(T).map((h) => h.agent.name), ["Alice"])
    result = floor.apply({ type: "interaction.updated", interaction: interaction(5, { version: 2, state: "queued" }) })
    assert.deepEqual(result, { changed: false, refresh: false }, "an older version never comes back")
    floor.apply({ type: "interaction.updated", interaction: interaction(5, { version: 4, state: "done", agent_id: 1 }) })
    assert.equal(floor.held(T).length, 0)
    assert.equal(floor.agents().find((a) => a.id === 1).held, 0)
  })

  it("asks for the snapshot when an event cannot say where the work went", () => {
    const floor = new FloorModel()
    floor.load(snapshot())
    assert.equal(floor.apply({ type: "interaction.removed", interaction_id: 3, reason: "offer_timeout" }).refresh, true)
    assert.equal(floor.apply({ type: "workbin.item_updated", item: {} }).refresh, true)
    assert.equal(floor.apply({ type: "message.created", message: {} }).refresh, false)
  })

  it("follows agents' statuses and lists logged-out agents last", () => {
    const floor = new FloorModel()
    floor.load(snapshot({ agents: [agent(1, "Zoe"), agent(2, "Ann", { status: "logged_out" }), agent(3, "bob")] }))
    assert.deepEqual(floor.agents().map((a) => a.name), ["bob", "Zoe", "Ann"])
    assert.equal(floor.apply({ type: "agent.updated", agent: { id: 3, status: "not_ready", status_reason: "Lunch", status_since: iso(9) } }).changed, true)
    assert.equal(statusLabel(floor.agent(3)), "Not Ready (Lunch)")
    assert.equal(floor.apply({ type: "agent.updated", agent: { id: 99, status: "ready" } }).changed, false)
  })

  it("offers logged-in agents and workbins as move targets, never the current holder", () => {
    const floor = new FloorModel()
    floor.load(snapshot({ agents: [agent(1, "Alice"), agent(2, "Bob"), agent(3, "Cy", { status: "logged_out" })],
      held: [interaction(7, { state: "active", agent_id: 1 })],
      workbins: [{ id: 4, name: "Escalations", item_count: 1 }] }))
    const targets = floor.moveTargets(floor.interaction(7))
    assert.deepEqual(targets.agents.map((a) => a.label), ["Bob — Ready, 0 of 2"])
    assert.deepEqual(targets.workbins.map((w) => w.label), ["Escalations (1 item)"])
  })
})

describe("the floor's words", () => {
  it("formats figures", () => {
    assert.equal(formatPercent(0.874), "87 %")
    assert.equal(formatPercent(null), "—")
    assert.equal(formatSeconds(42.4), "42 s")
    assert.equal(formatSeconds(185), "3 min 05 s")
    assert.equal(formatSeconds(3720), "1 h 02 min")
    const tiles = figureTiles({ offered: 3, answered_within: 2, service_level: 1, handled: 1 }, 60)
    assert.deepEqual(tiles.find(([l]) => l === "Service level"), ["Service level", "100 %", "2 answered within 60 s"])
  })

  it("draws the charts from the intervals, trimmed to the working day and the activity", () => {
    const intervals = Array.from({ length: 96 }, (_, i) => ({ start: new Date(Date.UTC(2026, 0, 5) + i * 900_000).toISOString(),
      offered: i === 80 ? 3 : 0, abandoned: 0, average_wait_seconds: i === 80 ? 12 : null }))
    const series = chartSeries(intervals, { timeZone: "UTC", locale: "en-GB" })
    assert.equal(series.labels[0], "08:00")
    assert.equal(series.labels.at(-1), "20:00") // 20:00 had activity, past 18:00
    assert.equal(series.offered.reduce((a, b) => a + b), 3)
    assert.equal(chartSummary(series), "3 customers today; busiest at 20:00 with 3; longest average wait 12 s at 20:00.")
    assert.equal(chartSummary(chartSeries([])), "No customers have written in yet today.")
  })
})

describe("what a supervisor did, on the agent's desktop", () => {
  const me = { id: 1 }
  it("tells only the agent concerned", () => {
    const offered = { type: "interaction.offered", notice: "Chat with Ana moved to you by Sara", interaction: { agent_id: 1 } }
    assert.equal(supervisorNotice(offered, me), "Chat with Ana moved to you by Sara")
    assert.equal(supervisorNotice({ ...offered, interaction: { agent_id: 2 } }, me), "")
    const status = { type: "agent.updated", notice: "Set Not Ready (Training) by Sara", agent: { id: 1 } }
    assert.equal(supervisorNotice(status, me), "Set Not Ready (Training) by Sara")
    assert.equal(supervisorNotice({ ...status, agent: { id: 3 } }, me), "")
    assert.equal(supervisorNotice({ type: "agent.updated", agent: { id: 1 } }, me), "")
  })

  it("passes a removal's notice on with the store's removed topic", () => {
    const store = new Store()
    store.setMe({ id: 1 })
    store.putInteraction({ id: 12, version: 1, state: "active", agent_id: 1, contact: { name: "Ana" } })
    const heard = []
    store.subscribe((change) => heard.push(change))
    store.apply({ type: "interaction.removed", interaction_id: 12, reason: "moved", notice: "Chat with Ana moved to Bob by Sara" })
    assert.equal(heard.find((c) => c.topic === "removed").notice, "Chat with Ana moved to Bob by Sara")
  })

  it("names who moved an interaction and to whom in the session timeline", () => {
    const events = [{ kind: "moved", state: "offered", at: iso(1), agent: { id: 9, name: "Sara" }, note: "Bob" }]
    const [shown] = sessionEvents({ id: 1 }, { contactName: "Ana", events })
    assert.equal(shown.text, "Sara moved it to Bob")
    assert.equal(shown.detail, undefined)
  })
})

describe("monitorSubtitle", () => {
  it("says where the watched conversation is now, as its events move it", async () => {
    const { monitorSubtitle } = await import("../../src/parley/web/models/floor.js")
    assert.equal(monitorSubtitle({ state: "active", agent_id: 2 }, "Bob Chen"), "With Bob Chen · read only")
    assert.equal(monitorSubtitle({ state: "parked", workbin_id: 4 }, ""), "Parked in a workbin · read only")
    assert.equal(monitorSubtitle({ state: "queued" }, ""), "Waiting for an agent · read only")
    assert.equal(monitorSubtitle({ state: "offered", agent_id: 3 }, "Alice"), "Offered to Alice · read only")
    assert.equal(monitorSubtitle({ state: "done" }, "Bob Chen"), "Done · read only")
  })
})
