import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { SessionMemory } from "../../src/parley/web/models/session_memory.js"

class FakeStorage {
  items = new Map()
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null }
  setItem(k, v) { this.items.set(k, String(v)) }
}

describe("SessionMemory", () => {
  it("keeps the selection and the drafts across a reload, per user", () => {
    const storage = new FakeStorage()
    const before = new SessionMemory({ storage, userId: 1 })
    before.saveSelected(12)
    before.saveDraft(12, { text: "Half a dra", replyTo: { id: 5, text: "Hi" } })
    before.saveDraft(13, { text: "For Bruno", replyTo: null })
    const after = new SessionMemory({ storage, userId: 1 })
    assert.equal(after.selectedId, "12")
    assert.deepEqual(after.drafts().get("12"), { text: "Half a dra", replyTo: { id: 5, text: "Hi" } })
    assert.equal(after.drafts().get("13").text, "For Bruno")
    const colleague = new SessionMemory({ storage, userId: 2 })
    assert.equal(colleague.selectedId, null)
    assert.equal(colleague.drafts().size, 0)
  })

  it("forgets empty drafts and those of interactions no longer held", () => {
    const storage = new FakeStorage()
    const memory = new SessionMemory({ storage, userId: 1 })
    memory.saveSelected(13)
    memory.saveDraft(12, { text: "keep" })
    memory.saveDraft(13, { text: "gone" })
    memory.saveDraft(14, { text: "" })
    memory.prune(["12"])
    const after = new SessionMemory({ storage, userId: 1 })
    assert.deepEqual([...after.drafts().keys()], ["12"])
    assert.equal(after.selectedId, null)
  })

  it("works without storage and ignores what it cannot parse", () => {
    const memory = new SessionMemory({ storage: null, userId: 1 })
    memory.saveDraft(1, { text: "x" })
    assert.equal(memory.drafts().get("1").text, "x")
    const storage = new FakeStorage()
    storage.setItem("parley-desk:1", "{not json")
    assert.equal(new SessionMemory({ storage, userId: 1 }).drafts().size, 0)
  })
})
