import assert from "node:assert/strict"
import { beforeEach, describe, it } from "node:test"

import { ApiError } from "../../src/parley/web/api.js"
import { Desktop } from "../../src/parley/web/desktop.js"
import { Store } from "../../src/parley/web/store.js"

const ME = { id: 1, name: "Alice Agent", status: "ready" }
const interaction = (id, version, extra = {}) => ({
  id, version, state: "active", agent_id: 1, created_at: "2026-01-01T10:00:00Z", pending_since: null,
  unread_count: 0, contact: { id: 7, name: "Ana", wa_id: "55" }, ...extra,
})
const msg = (id, extra = {}) => ({ id, interaction_id: 12, direction: "in", type: "text", text: `m${id}`,
  status: "received", client_id: null, ...extra })

/** A fake API over an in-memory transcript of ids 1..n, paged like the server. */
class FakeApi {
  calls = []
  messages = []
  interactions = []
  failPost = null
  version = 8
  async get(path, query = {}) {
    this.calls.push(["GET", path, query])
    if (path === "config") return { pending_response_thresholds: [10, 20] }
    if (path === "interactions") return { items: this.interactions }
    const older = this.messages.filter((m) => query.before === undefined || m.id < query.before)
    const items = older.slice(-(query.limit ?? 50))
    return { items, has_more: older.length > items.length }
  }
  async post(path, body) {
    this.calls.push(["POST", path, body])
    if (path.endsWith("/messages")) {
      if (this.failPost) throw this.failPost
      return msg(100, { direction: "out", status: "queued", client_id: body.client_id, text: body.text })
    }
    const verb = path.split("/").at(-1)
    return interaction(12, ++this.version, { state: verb === "done" ? "done" : verb === "reject" ? "queued" : "active" })
  }
  async put(path, body) {
    this.calls.push(["PUT", path, body])
    return { ...ME, status: body.status, status_reason: body.reason ?? null }
  }
}

let api
let store
let desktop
beforeEach(() => {
  api = new FakeApi()
  store = new Store()
  store.setMe(ME)
  let n = 0
  desktop = new Desktop({ api, store, now: () => Date.parse("2026-01-01T10:05:00Z"), newClientId: () => `cid-${++n}` })
})

describe("Desktop", () => {
  it("starts with the config and the interactions", async () => {
    api.interactions = [interaction(12, 1)]
    await desktop.start()
    assert.deepEqual(store.thresholds, [10, 20])
    assert.equal(store.interactions().length, 1)
  })

  it("opens an interaction with its newest page, and pages older on demand", async () => {
    api.interactions = [interaction(12, 1)]
    api.messages = Array.from({ length: 120 }, (_, i) => msg(i + 1))
    await desktop.start()
    await desktop.open(12)
    assert.equal(store.selectedId, "12")
    let t = store.transcript(12)
    assert.deepEqual([t.items[0].id, t.items.at(-1).id, t.hasMore], [71, 120, true])
    await desktop.loadOlder(12)
    await desktop.loadOlder(12)
    t = store.transcript(12)
    assert.deepEqual([t.items.length, t.items[0].id, t.hasMore], [120, 1, false])
    assert.deepEqual(api.calls.filter((c) => c[0] === "GET" && c[1].endsWith("messages")).map((c) => c[2].before),
      [undefined, 71, 21])
  })

  it("does not load the same transcript twice at once", async () => {
    api.interactions = [interaction(12, 1)]
    await desktop.start()
    await Promise.all([desktop.open(12), desktop.open(12), desktop.loadNewest(12)])
    assert.equal(api.calls.filter((c) => c[1].endsWith("messages")).length, 1)
  })

  it("catches up after a reconnect, filling a gap larger than a page without duplicates", async () => {
    api.interactions = [interaction(12, 1)]
    api.messages = Array.from({ length: 30 }, (_, i) => msg(i + 1))
    await desktop.start()
    await desktop.open(12)
    // offline while 130 messages arrive, and an interaction is finished elsewhere
    api.messages = Array.from({ length: 160 }, (_, i) => msg(i + 1))
    api.interactions = [interaction(12, 2, { unread_count: 0 })]
    await desktop.catchUp()
    const ids = store.transcript(12).items.map((m) => m.id)
    assert.equal(ids.length, 160)
    assert.equal(new Set(ids).size, 160)
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b))
    assert.equal(store.transcript(12).stale, false)
    assert.equal(store.interaction(12).version, 2)
  })

  it("sends optimistically and settles on the server's message", async () => {
    store.putInteraction(interaction(12, 1))
    const sending = desktop.send(12, "On its way")
    const bubble = store.transcript(12).items[0]
    assert.deepEqual([bubble.status, bubble.client_id, bubble.author.name], ["pending", "cid-1", "Alice Agent"])
    await sending
    const [settled] = store.transcript(12).items
    assert.deepEqual([settled.id, settled.status, settled.client_id], [100, "queued", "cid-1"])
    assert.deepEqual(api.calls.at(-1), ["POST", "interactions/12/messages", { text: "On its way", client_id: "cid-1" }])
  })

  it("marks a failed send and retries with the same client_id", async () => {
    store.putInteraction(interaction(12, 1))
    api.failPost = new ApiError(0, "network_error", "Can’t reach Parley.")
    await desktop.send(12, "Hello")
    let [bubble] = store.transcript(12).items
    assert.deepEqual([bubble.status, bubble.error.title, bubble.error.offline],
      ["failed", "Not sent: Parley can’t be reached", true])
    api.failPost = null
    await desktop.retry(12, "cid-1")
    ;[bubble] = store.transcript(12).items
    assert.deepEqual([bubble.id, bubble.status], [100, "queued"])
    const posts = api.calls.filter((c) => c[0] === "POST")
    assert.deepEqual(posts.map((c) => c[2].client_id), ["cid-1", "cid-1"])
    // the retry says when the agent pressed Send, so the reply keeps its place
    assert.deepEqual(posts.map((c) => c[2].composed_at), [undefined, "2026-01-01T10:05:00.000Z"])
  })

  it("never dates a reply before a message the agent had on screen (a clock estimate may lag)", async () => {
    store.putInteraction(interaction(12, 1))
    store.putMessages([msg(5, { created_at: "2026-01-01T10:05:02.500Z" })]) // after our "now"
    api.failPost = new ApiError(0, "network_error", "Can’t reach Parley.")
    await desktop.send(12, "Hello")
    api.failPost = null
    await desktop.retry(12, "cid-1")
    const posts = api.calls.filter((c) => c[0] === "POST")
    assert.equal(posts.at(-1)[2].composed_at, "2026-01-01T10:05:02.501Z")
  })

  it("sends again by itself, in order, what failed only because Parley was unreachable", async () => {
    store.putInteraction(interaction(12, 1))
    api.failPost = new ApiError(0, "network_error", "Can’t reach Parley.")
    await desktop.send(12, "first")
    await desktop.send(12, "second")
    api.failPost = new ApiError(409, "window_closed", "The window is closed.")
    await desktop.send(12, "refused")
    api.failPost = null
    await desktop.resendOffline()
    const posts = api.calls.filter((c) => c[0] === "POST").slice(3)
    assert.deepEqual(posts.map((c) => [c[2].text, c[2].composed_at !== undefined]), [["first", true], ["second", true]])
    // a refusal by the server is the agent's to retry or discard
    const refused = store.transcript(12).items.find((m) => m.client_id === "cid-3")
    assert.deepEqual([refused.status, refused.error.offline], ["failed", false])
  })

  it("accepts, rejects and marks done through the API and holds the answer", async () => {
    store.putInteraction(interaction(12, 1, { state: "offered" }))
    await desktop.accept(12)
    assert.equal(store.interaction(12).state, "active")
    await desktop.markDone(12)
    assert.equal(store.interaction(12), null)
    store.putInteraction(interaction(13, 1, { state: "offered" }))
    api.post = async (path) => { api.calls.push(["POST", path]); return interaction(13, 2, { state: "queued" }) }
    await desktop.reject(13)
    assert.equal(store.interaction(13), null)
    assert.deepEqual(api.calls.map((c) => c[1]),
      ["interactions/12/accept", "interactions/12/done", "interactions/13/reject"])
  })

  it("changes status with an optional reason", async () => {
    await desktop.setStatus("not_ready", "Lunch")
    assert.deepEqual(api.calls.at(-1), ["PUT", "me/status", { status: "not_ready", reason: "Lunch" }])
    assert.equal(store.me.status_reason, "Lunch")
    await desktop.setStatus("ready")
    assert.deepEqual(api.calls.at(-1)[2], { status: "ready" })
  })

  it("marks a transcript that failed to load and loads it again when the network is back", async () => {
    api.interactions = [interaction(12, 1)]
    api.messages = [msg(1), msg(2)]
    await desktop.sync()
    const get = api.get.bind(api)
    api.get = async () => { throw new ApiError(0, "network_error", "Can't reach Parley.") }
    await assert.rejects(desktop.open(12))
    assert.equal(store.transcript(12).failed, true)
    assert.equal(store.transcript(12).loaded, false)
    api.get = get
    await desktop.recover()
    assert.equal(store.transcript(12).failed, false)
    assert.deepEqual(store.transcript(12).items.map((m) => m.id), [1, 2])
  })
})
