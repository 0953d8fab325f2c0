import assert from "node:assert/strict"
import { describe, it } from "node:test"

import {
  filterItems, formatWait, itemPreview, logoutQuestion, sortItems, visibleItems, waitedSeconds, workbinLabel,
} from "../../src/parley/web/models/workbins.js"
import { foldOffers, sessionEvents } from "../../src/parley/web/models/session_events.js"
import { removalNotice } from "../../src/parley/web/models/offer.js"
import { Store } from "../../src/parley/web/store.js"

const item = (id, o = {}) => ({
  interaction_id: id, workbin_id: 1, session_id: id, version: 1,
  contact: { id, wa_id: `55119${id}0000000`, name: null, profile_name: `Contact ${id}` },
  last_message: { direction: "in", type: "text", text: `Message ${id}`, created_at: "2026-03-11T10:00:00Z" },
  last_message_at: "2026-03-11T10:00:00Z", pending_since: null, parked_at: "2026-03-11T10:00:00Z",
  parked_by: { id: 1, name: "Alice Martins" }, reason: null, ...o,
})

describe("workbin items", () => {
  it("measure the customer's wait from pending_since, live, and nothing when answered", () => {
    const now = Date.parse("2026-03-11T10:05:30Z")
    assert.equal(waitedSeconds(item(1, { pending_since: "2026-03-11T10:00:00Z" }), now), 330)
    assert.equal(waitedSeconds(item(1, { pending_since: "2026-03-11T10:00:00Z" }), now + 1000), 331)
    assert.equal(waitedSeconds(item(1), now), null)
    assert.equal(waitedSeconds(item(1, { pending_since: "2026-03-11T10:10:00Z" }), now), 0) // a clock ahead: never negative
    assert.equal(formatWait(45), "45 s")
    assert.equal(formatWait(330), "5 min")
    assert.equal(formatWait(4 * 3600 + 12 * 60), "4 h 12 min")
    assert.equal(formatWait(2 * 86_400 + 3 * 3600), "2 d 3 h")
    assert.equal(formatWait(null), "")
  })

  it("sort by the longest wait (nothing pending last), the newest parked, or the contact's name", () => {
    const a = item(1, { pending_since: "2026-03-11T09:50:00Z", parked_at: "2026-03-11T10:00:00Z", contact: { profile_name: "Zoé" } })
    const b = item(2, { pending_since: "2026-03-11T09:40:00Z", parked_at: "2026-03-11T09:45:00Z", contact: { profile_name: "ana" } })
    const c = item(3, { pending_since: null, parked_at: "2026-03-11T10:30:00Z", contact: { profile_name: "Bruno" } })
    const ids = (list) => list.map((i) => i.interaction_id)
    assert.deepEqual(ids(sortItems([a, b, c], "waited")), [2, 1, 3])
    assert.deepEqual(ids(sortItems([a, b, c], "parked")), [3, 1, 2])
    assert.deepEqual(ids(sortItems([a, b, c], "contact")), [2, 3, 1])
    assert.deepEqual(ids([a, b, c]), [1, 2, 3], "the input is not reordered")
  })

  it("search every word in the contact, number, message, reason and parker, ignoring case and accents", () => {
    const items = [
      item(1, { contact: { wa_id: "5511987654321", profile_name: "Ana Souza" }, reason: "Waiting for the warehouse" }),
      item(2, { contact: { wa_id: "447700900123", name: "Oliver Smith", profile_name: "Oli" },
        last_message: { direction: "in", type: "text", text: "Où est ma commande ?", created_at: "2026-03-11T10:00:00Z" } }),
    ]
    const ids = (q) => filterItems(items, q).map((i) => i.interaction_id)
    assert.deepEqual(ids(""), [1, 2])
    assert.deepEqual(ids("ana"), [1])
    assert.deepEqual(ids("WAREHOUSE"), [1])
    assert.deepEqual(ids("+44 7700 900"), [2])
    assert.deepEqual(ids("987654321"), [1])
    assert.deepEqual(ids("ou est"), [2])
    assert.deepEqual(ids("oliver commande"), [2])
    assert.deepEqual(ids("oliver warehouse"), [])
    assert.deepEqual(ids("alice"), [1, 2], "who parked it")
    assert.deepEqual(visibleItems(items, { query: "a", sort: "contact" }).map((i) => i.interaction_id), [1, 2])
  })

  it("name workbins as the agent reads them and preview the last message", () => {
    const mine = { id: 1, kind: "personal", name: "WhatsApp in progress", owner: { id: 7, name: "Alice Martins" } }
    assert.equal(workbinLabel(mine, 7), "My workbin")
    assert.equal(workbinLabel(mine, 8), "Alice Martins's workbin")
    assert.equal(workbinLabel({ id: 2, kind: "shared", name: "Escalations", owner: null }, 7), "Escalations")
    assert.equal(itemPreview(item(1)), "Message 1")
    const onIt = item(1, { last_message: { direction: "out", type: "text", text: "On it", created_at: "x", author_id: 7 } })
    assert.equal(itemPreview(onIt, 7), "You: On it")
    assert.equal(itemPreview(onIt, 8), "Agent: On it") // Bob's words, read in a shared workbin
    assert.equal(itemPreview(item(1, { last_message: null })), "")
  })

  it("tell the agent what logging out does with what they hold", () => {
    assert.equal(logoutQuestion([]), null)
    assert.equal(logoutQuestion([{ state: "active" }, { state: "active" }]),
      "You have 2 open interactions. They go to your workbin “WhatsApp in progress”, where you can open them again. Log out anyway?")
    assert.equal(logoutQuestion([{ state: "active" }, { state: "offered" }], "Mine"),
      "You have 1 open interaction and 1 offer. The interaction goes to your workbin “Mine”, where you can open it again. The offer goes back to the queue. Log out anyway?")
    assert.equal(logoutQuestion([{ state: "offered" }]), "You have 1 offer. The offer goes back to the queue. Log out anyway?")
  })

  it("say where a parked chat went", () => {
    assert.equal(removalNotice("parked", { name: "Ana Souza", workbin: "Escalations" }), "Chat with Ana Souza moved to Escalations")
    assert.equal(removalNotice("parked", { name: "Ana Souza" }), "Chat with Ana Souza moved to a workbin")
    assert.equal(removalNotice("moved", { name: "Ana Souza" }), "Chat with Ana Souza was moved to another agent")
  })
})

describe("the store's workbin collections", () => {
  it("hold items by interaction, follow moves between workbins and removals, and drop older versions", () => {
    const store = new Store()
    const heard = []
    store.subscribe((c) => heard.push(c))
    store.setWorkbinItems(1, [item(10), item(11)])
    assert.deepEqual(store.workbinItems(1).map((i) => i.id), ["10", "11"].map(Number))
    store.apply({ type: "workbin.item_updated", item: item(12, { version: 2 }) })
    assert.equal(store.workbinItems(1).length, 3)
    store.apply({ type: "workbin.item_updated", item: item(12, { version: 1, reason: "stale" }) })
    assert.equal(store.collectionItem("workbin:1", 12).reason, null)
    store.apply({ type: "workbin.item_updated", item: item(12, { version: 3, workbin_id: 2 }) })
    assert.deepEqual(store.workbinItems(1).map((i) => i.interaction_id), [10, 11])
    assert.deepEqual(store.workbinItems(2).map((i) => i.interaction_id), [12])
    assert.equal(store.apply({ type: "workbin.item_removed", interaction_id: 10, workbin_id: 1, reason: "opened" }), true)
    assert.deepEqual(store.workbinItems(1).map((i) => i.interaction_id), [11])
    heard.length = 0
    assert.equal(store.apply({ type: "workbin.item_removed", interaction_id: 99, workbin_id: 5, reason: "closed" }), false)
    assert.deepEqual(heard.map((c) => [c.topic, c.name]), [["collection", "workbin:5"]], "a workbin not held still hears it")
  })

  it("let a parked interaction leave the desk", () => {
    const store = new Store()
    store.setMe({ id: 1 })
    store.putInteraction({ id: 5, state: "active", agent_id: 1, version: 1, contact: {} })
    store.putInteraction({ id: 5, state: "parked", agent_id: null, workbin_id: 3, version: 2, contact: {} })
    assert.deepEqual(store.interactions(), [])
  })
})

describe("session events", () => {
  const alice = { id: 1, name: "Alice" }
  const bob = { id: 2, name: "Bob" }
  const at = (s) => `2026-03-11T10:00:${String(s).padStart(2, "0")}Z`

  it("fold repeated offers into one line naming the last agent", () => {
    const events = [
      { kind: "created", state: "queued", at: at(0), agent: null },
      { kind: "routed", state: "offered", at: at(1), agent: alice },
      { kind: "offer_expired", state: "queued", at: at(2), agent: alice },
      { kind: "routed", state: "offered", at: at(3), agent: bob },
      { kind: "rejected", state: "queued", at: at(4), agent: bob },
      { kind: "routed", state: "offered", at: at(5), agent: alice },
      { kind: "offer_expired", state: "queued", at: at(6), agent: alice },
      { kind: "routed", state: "offered", at: at(7), agent: bob },
      { kind: "accepted", state: "active", at: at(8), agent: bob },
      { kind: "parked", state: "parked", at: at(9), agent: bob, note: "Waiting for the warehouse" },
      { kind: "reopened", state: "queued", at: at(10), agent: null },
      { kind: "routed", state: "offered", at: at(11), agent: alice },
      { kind: "accepted", state: "active", at: at(12), agent: alice },
      { kind: "opened", state: "active", at: at(13), agent: alice },
      { kind: "closed", state: "done", at: at(14), agent: null },
    ]
    const shown = sessionEvents({ id: 1 }, { contactName: "Ana", events })
    assert.deepEqual(shown.map((e) => e.text), [
      "Ana joined the session",
      "Offered 4 times, last to Bob",
      "Bob connected",
      "Bob moved it to a workbin",
      "Ana wrote again",
      "Offered to Alice",
      "Alice connected",
      "Alice opened it from the workbin",
      "Session closed after inactivity",
    ])
    assert.equal(shown[1].detail, "2 expired, 1 rejected")
    assert.equal(shown[1].at, at(7))
    assert.equal(shown[1].kind, "offers")
    assert.equal(shown[3].detail, "Waiting for the warehouse")
    assert.equal(shown[4].detail, undefined)
  })

  it("keep a single offer and its expiry as they are", () => {
    const events = [
      { kind: "routed", state: "offered", at: at(1), agent: alice },
      { kind: "offer_expired", state: "queued", at: at(2), agent: alice },
    ]
    assert.deepEqual(foldOffers(events), events)
  })
})

describe("the workbins list", () => {
  it("puts the agent's own first, then shared ones by name, then other agents' by owner", async () => {
    const { orderWorkbins } = await import("../../src/parley/web/models/workbins.js")
    const list = [
      { id: 1, kind: "shared", name: "Escalations", owner: null },
      { id: 2, kind: "personal", name: "WhatsApp in progress", owner: { id: 9, name: "Zed" } },
      { id: 3, kind: "personal", name: "WhatsApp in progress", owner: { id: 7, name: "Alice" } },
      { id: 4, kind: "shared", name: "billing follow-up", owner: null },
      { id: 5, kind: "personal", name: "WhatsApp in progress", owner: { id: 8, name: "Bob" } },
    ]
    assert.deepEqual(orderWorkbins(list, 7).map((w) => w.id), [3, 4, 1, 5, 2])
    assert.deepEqual(orderWorkbins(list, null).map((w) => w.id), [4, 1, 3, 5, 2])
    assert.deepEqual(orderWorkbins(null, 7), [])
  })
})

describe("the desktop's workbin use cases", async () => {
  const { Desktop } = await import("../../src/parley/web/desktop.js")
  const { ApiError } = await import("../../src/parley/web/api.js")
  const active = { id: 12, version: 3, state: "active", agent_id: 1, contact: { name: "Ana" }, created_at: "2026-01-01T10:00:00Z" }

  class Api {
    calls = []
    answer = null
    async get(path) {
      this.calls.push(["GET", path])
      if (path === "workbins") return { items: [{ id: 4, kind: "personal", name: "WhatsApp in progress", owner: { id: 1 } }] }
      return { items: [item(12, { workbin_id: 4 }), item(13, { workbin_id: 4 })] }
    }
    async post(path, body) {
      this.calls.push(["POST", path, body])
      if (this.answer instanceof Error) throw this.answer
      return this.answer
    }
  }

  const setUp = () => {
    const api = new Api()
    const store = new Store()
    store.setMe({ id: 1 })
    return { api, store, desktop: new Desktop({ api, store }) }
  }

  it("park with the chosen workbin and reason, and remember where it went", async () => {
    const { api, store, desktop } = setUp()
    store.putInteraction(active)
    api.answer = { ...active, version: 4, state: "parked", agent_id: null, workbin_id: 9 }
    await desktop.moveToWorkbin(12, { workbinId: 9, workbinName: "Escalations", reason: "  Needs a lead  " })
    assert.deepEqual(api.calls.at(-1), ["POST", "interactions/12/workbin", { workbin_id: 9, reason: "Needs a lead" }])
    assert.deepEqual(store.interactions(), [])
    assert.equal(desktop.parkedTo(12), "Escalations")
    await desktop.moveToWorkbin(13, {})
    assert.deepEqual(api.calls.at(-1), ["POST", "interactions/13/workbin", {}], "the personal workbin: no id sent")
  })

  it("forget the destination when the server refuses", async () => {
    const { api, desktop } = setUp()
    api.answer = new ApiError(409, "interaction_not_active", "Only an active interaction…")
    await assert.rejects(desktop.moveToWorkbin(12, { workbinId: 9, workbinName: "Escalations" }), /Only an active/)
    assert.equal(desktop.parkedTo(12), "")
  })

  it("load workbins and items, and open one back onto the desk", async () => {
    const { api, store, desktop } = setUp()
    await desktop.loadWorkbins()
    assert.equal(store.collection("workbins")[0].id, 4)
    await desktop.loadWorkbinItems(4)
    assert.deepEqual(store.workbinItems(4).map((i) => i.interaction_id), [12, 13])
    api.answer = { ...active, version: 5 }
    await desktop.openFromWorkbin(12, 4)
    assert.deepEqual(api.calls.at(-1), ["POST", "interactions/12/open", undefined])
    assert.deepEqual(store.workbinItems(4).map((i) => i.interaction_id), [13])
    assert.equal(store.interaction(12).state, "active")
  })

  it("leave the item in its workbin when Open is refused (at capacity)", async () => {
    const { api, store, desktop } = setUp()
    await desktop.loadWorkbinItems(4)
    api.answer = new ApiError(409, "at_capacity", "You already hold 3 of 3 interactions")
    await assert.rejects(desktop.openFromWorkbin(12, 4), /3 of 3/)
    assert.equal(store.workbinItems(4).length, 2)
  })
})

describe("workbin events", () => {
  it("add, rename and remove workbins in the store's list", () => {
    const store = new Store()
    store.setCollection("workbins", [{ id: 1, kind: "personal", name: "WhatsApp in progress" }])
    store.apply({ type: "workbin.updated", workbin: { id: 2, kind: "shared", name: "Escalations", item_count: 0 } })
    store.apply({ type: "workbin.updated", workbin: { id: 2, kind: "shared", name: "Escalated", item_count: 0 } })
    assert.deepEqual(store.collection("workbins").map((w) => w.name), ["WhatsApp in progress", "Escalated"])
    store.setWorkbinItems(2, [item(5, { workbin_id: 2 })])
    store.apply({ type: "workbin.removed", workbin_id: 2 })
    assert.deepEqual(store.collection("workbins").map((w) => w.id), [1])
    assert.deepEqual(store.workbinItems(2), [])
  })
})
