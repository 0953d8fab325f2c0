import assert from "node:assert/strict"
import { beforeEach, describe, it } from "node:test"

import { Store, mergeMessages } from "../../src/parley/web/store.js"

const ME = { id: 1, name: "Alice Agent", status: "ready" }
const interaction = (id, version, extra = {}) => ({
  id, version, state: "active", agent_id: 1, created_at: `2026-01-01T10:00:0${id % 10}Z`,
  contact: { id: 7, name: "Ana Souza", wa_id: "5511987654321" },
  pending_since: null, unread_count: 0, ...extra,
})
const message = (id, extra = {}) => ({
  id, interaction_id: 12, direction: "in", type: "text", text: `m${id}`, status: "received",
  client_id: null, created_at: "2026-01-01T10:00:00Z", ...extra,
})
const updated = (i) => ({ type: "interaction.updated", interaction: i })

let store
let heard
beforeEach(() => {
  store = new Store()
  store.setMe(ME)
  heard = []
  store.subscribe((change) => heard.push(change))
})

describe("interaction events and the version guard", () => {
  it("holds offered and updated interactions", () => {
    assert.equal(store.apply({ type: "interaction.offered", interaction: interaction(12, 1, { state: "offered" }) }), true)
    assert.equal(store.interaction(12).state, "offered")
    assert.equal(store.apply(updated(interaction(12, 2))), true)
    assert.equal(store.interaction("12").state, "active")
    assert.deepEqual(heard.map((c) => c.topic), ["interactions", "interactions"])
  })

  it("drops an event older than the held version, and a replay of the same version", () => {
    store.apply(updated(interaction(12, 5, { unread_count: 3 })))
    assert.equal(store.apply(updated(interaction(12, 4, { unread_count: 1 }))), false)
    assert.equal(store.apply(updated(interaction(12, 5, { unread_count: 9 }))), false)
    assert.equal(store.interaction(12).unread_count, 3)
    assert.equal(store.apply(updated(interaction(12, 6, { unread_count: 4 }))), true)
    assert.equal(store.interaction(12).unread_count, 4)
  })

  it("ends at the newest version whatever order events arrive in", () => {
    const versions = [3, 1, 7, 2, 6, 5, 4]
    for (const v of versions) store.apply(updated(interaction(12, v, { unread_count: v })))
    assert.equal(store.interaction(12).version, 7)
    assert.equal(store.interaction(12).unread_count, 7)
  })

  it("removes on interaction.removed and does not let a late update bring it back", () => {
    store.apply(updated(interaction(12, 5)))
    store.select(12)
    assert.equal(store.apply({ type: "interaction.removed", interaction_id: 12 }), true)
    assert.equal(store.interaction(12), null)
    assert.equal(store.selectedId, null)
    assert.equal(store.apply(updated(interaction(12, 4))), false)
    assert.equal(store.apply(updated(interaction(12, 5))), false)
    assert.equal(store.interaction(12), null)
    assert.equal(store.apply({ type: "interaction.offered", interaction: interaction(12, 9, { state: "offered" }) }), true)
    assert.equal(store.interaction(12).version, 9)
  })

  it("tells listeners why the server removed an interaction, even after an update let it go", () => {
    store.apply({ type: "interaction.offered", interaction: interaction(12, 1, { state: "offered" }) })
    store.apply(updated(interaction(13, 1)))
    heard = []
    store.apply({ type: "interaction.removed", interaction_id: 12, reason: "offer_timeout" })
    const removed = heard.find((c) => c.topic === "removed")
    assert.equal(removed.id, "12")
    assert.equal(removed.reason, "offer_timeout")
    assert.equal(removed.interaction.state, "offered")
    store.apply(updated(interaction(13, 2, { state: "done" })))
    store.apply({ type: "interaction.removed", interaction_id: 13, reason: "done" })
    assert.equal(heard.filter((c) => c.topic === "removed").at(-1).interaction.id, 13)
    store.apply({ type: "interaction.removed", interaction_id: 99, reason: "done" })
    assert.equal(heard.filter((c) => c.topic === "removed").length, 2) // never held: nothing to tell
  })

  it("lets go of interactions that are done, parked or someone else's", () => {
    store.apply(updated(interaction(12, 1)))
    store.apply(updated(interaction(12, 2, { state: "done" })))
    assert.equal(store.interaction(12), null)
    store.apply(updated(interaction(13, 1)))
    store.apply(updated(interaction(13, 2, { agent_id: 99 })))
    assert.equal(store.interaction(13), null)
    store.apply(updated(interaction(14, 1, { state: "parked" })))
    assert.equal(store.interaction(14), null)
    assert.equal(store.apply(updated(interaction(12, 1))), false, "older than the done version")
  })

  it("lists interactions in a stable order", () => {
    store.apply(updated(interaction(15, 1)))
    store.apply(updated(interaction(13, 1)))
    store.apply(updated(interaction(14, 1)))
    store.apply(updated(interaction(13, 2)))
    assert.deepEqual(store.interactions().map((i) => i.id), [13, 14, 15])
  })

  it("ignores unknown and malformed events", () => {
    assert.equal(store.apply(null), false)
    assert.equal(store.apply({}), false)
    assert.equal(store.apply({ type: "typing.started" }), false)
    assert.equal(store.apply({ type: "interaction.updated" }), false)
    assert.equal(store.apply({ type: "interaction.updated", interaction: { state: "active" } }), false)
  })

  it("takes agent.updated for me only", () => {
    assert.equal(store.apply({ type: "agent.updated", agent: { ...ME, status: "not_ready" } }), true)
    assert.equal(store.me.status, "not_ready")
    assert.equal(store.apply({ type: "agent.updated", agent: { id: 2, status: "ready" } }), false)
    assert.equal(store.me.status, "not_ready")
  })
})

describe("syncInteractions (catch-up after a reconnect)", () => {
  it("adds, refreshes and drops against the REST answer", () => {
    store.apply(updated(interaction(12, 3)))
    store.apply(updated(interaction(13, 3)))
    const mark = store.mark()
    store.syncInteractions([interaction(12, 4), interaction(14, 1)], mark)
    assert.deepEqual(store.interactions().map((i) => [i.id, i.version]), [[12, 4], [14, 1]])
  })

  it("keeps what an event brought while the request was in flight", () => {
    const mark = store.mark()
    store.apply({ type: "interaction.offered", interaction: interaction(20, 1, { state: "offered" }) })
    store.apply(updated(interaction(12, 8)))
    store.syncInteractions([interaction(12, 6)], mark)
    assert.equal(store.interaction(20).state, "offered", "newer than the answer, kept")
    assert.equal(store.interaction(12).version, 8, "the answer is older than the event")
  })
})

describe("unread counts", () => {
  it("shows none for the open interaction and only new ones after leaving it", () => {
    store.apply(updated(interaction(12, 1, { unread_count: 2 })))
    store.apply(updated(interaction(13, 1)))
    assert.equal(store.unread(12), 2)
    store.select(12)
    assert.equal(store.unread(12), 0)
    store.apply(updated(interaction(12, 2, { unread_count: 3 })))
    assert.equal(store.unread(12), 0)
    store.select(13)
    assert.equal(store.unread(12), 0)
    store.apply(updated(interaction(12, 3, { unread_count: 4 })))
    assert.equal(store.unread(12), 1)
    store.apply(updated(interaction(12, 4, { unread_count: 0 })))
    store.apply(updated(interaction(12, 5, { unread_count: 1 })))
    assert.equal(store.unread(12), 1, "a server reset to 0 resets what we saw")
  })
})

describe("messages", () => {
  beforeEach(() => store.apply(updated(interaction(12, 1))))

  it("de-duplicates by id across events and pages, in id order", () => {
    store.apply({ type: "message.created", message: message(41) })
    store.apply({ type: "message.created", message: message(41) })
    store.loadPage(12, { items: [message(39), message(40), message(41)], has_more: true })
    store.apply({ type: "message.created", message: message(42) })
    store.loadPage(12, { items: [message(40), message(41), message(42)], has_more: true }, "newest")
    assert.deepEqual(store.transcript(12).items.map((m) => m.id), [39, 40, 41, 42])
    assert.equal(store.transcript(12).loaded, true)
    assert.equal(store.transcript(12).hasMore, true)
  })

  it("pages older messages in front and tracks has_more from them", () => {
    store.loadPage(12, { items: [message(50), message(51)], has_more: true })
    store.loadPage(12, { items: [message(48), message(49)], has_more: false }, "older")
    assert.deepEqual(store.transcript(12).items.map((m) => m.id), [48, 49, 50, 51])
    assert.equal(store.transcript(12).hasMore, false)
    store.markStale()
    assert.equal(store.transcript(12).stale, true)
    store.loadPage(12, { items: [message(51), message(52)], has_more: true }, "newest")
    assert.equal(store.transcript(12).hasMore, false, "a catch-up page does not reopen older paging")
    assert.equal(store.transcript(12).stale, false)
    store.loadPage(12, { items: [message(47)], has_more: true }, "gap")
    assert.equal(store.transcript(12).hasMore, false)
  })

  it("never moves a status backwards; failed is terminal", () => {
    const out = (status, extra = {}) => message(60, { direction: "out", status, ...extra })
    store.apply({ type: "message.created", message: out("queued") })
    store.apply({ type: "message.updated", message: out("read") })
    store.apply({ type: "message.updated", message: out("sent") })
    store.apply({ type: "message.updated", message: out("delivered") })
    assert.equal(store.transcript(12).items[0].status, "read")
    store.apply({ type: "message.created", message: message(61, { direction: "out", status: "sent" }) })
    const error = { code: 131047, title: "Re-engagement message", details: "More than 24 hours" }
    store.apply({ type: "message.updated", message: message(61, { direction: "out", status: "failed", error }) })
    store.apply({ type: "message.updated", message: message(61, { direction: "out", status: "delivered", error: null }) })
    const failed = store.transcript(12).items[1]
    assert.equal(failed.status, "failed")
    assert.deepEqual(failed.error, error)
  })

  it("keeps messages for an interaction not loaded yet", () => {
    store.apply({ type: "message.created", message: message(70, { interaction_id: 99 }) })
    assert.equal(store.transcript(99).items.length, 1)
    assert.equal(store.transcript(99).loaded, false)
  })
})

describe("optimistic send keyed by client_id", () => {
  const CID = "6f1c2f9e-1111-4222-8333-444455556666"
  beforeEach(() => store.apply(updated(interaction(12, 1))))

  it("replaces the bubble with the server's message, then applies ticks", () => {
    store.loadPage(12, { items: [message(40)], has_more: false })
    store.addOptimistic(12, { clientId: CID, text: "On its way", createdAt: "2026-01-01T10:01:00Z" })
    let items = store.transcript(12).items
    assert.equal(items.length, 2)
    assert.equal(items[1].status, "pending")
    assert.equal(items[1].id, null)

    const server = message(41, { direction: "out", status: "queued", client_id: CID, text: "On its way" })
    store.putMessages([server])
    items = store.transcript(12).items
    assert.deepEqual(items.map((m) => [m.id, m.status]), [[40, "received"], [41, "queued"]])
    assert.equal(items[1].local, undefined)

    store.apply({ type: "message.updated", message: { ...server, status: "delivered" } })
    store.apply({ type: "message.created", message: server }) // a late echo
    items = store.transcript(12).items
    assert.equal(items.length, 2)
    assert.equal(items[1].status, "delivered")
  })

  it("merges the same way when the event beats the POST answer", () => {
    store.addOptimistic(12, { clientId: CID, text: "Hi", createdAt: "2026-01-01T10:01:00Z" })
    const server = message(45, { direction: "out", status: "queued", client_id: CID, text: "Hi" })
    store.apply({ type: "message.created", message: server })
    store.apply({ type: "message.updated", message: { ...server, status: "sent" } })
    store.putMessages([server]) // the POST answer arrives last, still "queued"
    const items = store.transcript(12).items
    assert.equal(items.length, 1)
    assert.deepEqual([items[0].id, items[0].status], [45, "sent"])
  })

  it("keeps unconfirmed bubbles after server messages, in the order they were sent", () => {
    store.addOptimistic(12, { clientId: "a", text: "one", createdAt: "2026-01-01T10:01:00Z" })
    store.addOptimistic(12, { clientId: "b", text: "two", createdAt: "2026-01-01T10:01:00Z" })
    store.apply({ type: "message.created", message: message(46) })
    assert.deepEqual(store.transcript(12).items.map((m) => m.text), ["m46", "one", "two"])
  })

  it("marks a failed POST, retries with the same client_id, and discards", () => {
    store.addOptimistic(12, { clientId: CID, text: "Hi", createdAt: "2026-01-01T10:01:00Z" })
    store.failOptimistic(12, CID, { title: "Can’t reach Parley." })
    assert.equal(store.transcript(12).items[0].status, "failed")
    assert.equal(store.transcript(12).items[0].error.title, "Can’t reach Parley.")
    store.retryOptimistic(12, CID)
    assert.equal(store.transcript(12).items[0].status, "pending")
    store.discardOptimistic(12, CID)
    assert.equal(store.transcript(12).items.length, 0)
  })

  it("lets the server's message win over a bubble that failed only on our side", () => {
    store.addOptimistic(12, { clientId: CID, text: "Hi", createdAt: "2026-01-01T10:01:00Z" })
    store.failOptimistic(12, CID, { title: "Parley took too long to answer." })
    store.apply({ type: "message.created", message: message(47, { direction: "out", status: "sent", client_id: CID }) })
    const [only] = store.transcript(12).items
    assert.deepEqual([only.id, only.status, only.error ?? null, only.local], [47, "sent", null, undefined])
  })
})

describe("mergeMessages", () => {
  it("does not mutate its input", () => {
    const list = Object.freeze([Object.freeze(message(1))])
    const next = mergeMessages(list, [message(2), message(1, { text: "edited" })])
    assert.deepEqual(next.map((m) => m.id), [1, 2])
    assert.equal(list[0].text, "m1")
    assert.equal(next[0].text, "edited")
  })
})

it("collections keep a view's items by id, drop older versions and announce each change", () => {
  const store = new Store()
  const heard = []
  store.subscribe((change) => heard.push(change))
  store.setCollection("workbin", [{ id: 1, version: 2, name: "Ana" }, { id: 2, version: 1, name: "Bruno" }])
  assert.deepEqual(store.collection("workbin").map((i) => i.name), ["Ana", "Bruno"])
  store.putCollectionItem("workbin", { id: 1, version: 1, name: "stale" })
  assert.equal(store.collectionItem("workbin", 1).name, "Ana")
  store.putCollectionItem("workbin", { id: 1, version: 3, name: "Ana Souza" })
  assert.equal(store.collectionItem("workbin", "1").name, "Ana Souza")
  store.removeCollectionItem("workbin", 2)
  assert.deepEqual(store.collection("workbin").map((i) => i.id), [1])
  assert.deepEqual(store.collection("history"), [])
  assert.deepEqual(heard.map((c) => [c.topic, c.name, c.id]), [
    ["collection", "workbin", null], ["collection", "workbin", "1"], ["collection", "workbin", "2"],
  ])
})
