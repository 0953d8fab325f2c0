import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { previewOf } from "../../src/parley/web/models/preview.js"

const last = (extra) => ({ state: "active", last_message: { direction: "in", created_at: "2026-01-01T10:00:00Z", ...extra } })

describe("previewOf", () => {
  it("says a customer's reaction is a reaction, not a bare emoji", () => {
    assert.equal(previewOf(last({ type: "reaction", text: "😮" })), "Reacted 😮")
    assert.equal(previewOf({ ...last({ type: "reaction", text: "👍", direction: "out" }), agent_id: 1 }, { meId: 1 }), "You: reacted 👍")
    assert.equal(previewOf(last({ type: "reaction", text: "" })), "Removed a reaction")
  })

  it("keeps text, captions and media labels", () => {
    assert.equal(previewOf(last({ type: "text", text: "Hi\nthere" })), "Hi there")
    assert.equal(previewOf(last({ type: "image", text: "image" })), "Photo")
    assert.equal(previewOf(last({ type: "text", text: "Sure", direction: "out", author_id: 1 }), { meId: 1 }), "You: Sure")
    assert.equal(previewOf({ state: "offered", last_message: null }), "New WhatsApp chat")
  })

  it("says You only to the person who wrote the message", () => {
    const alices = last({ type: "text", text: "Hello Ana", direction: "out", author_id: 7 })
    assert.equal(previewOf(alices, { meId: 7 }), "You: Hello Ana")
    const names = { 7: "Alice Martins" }
    // The supervisor on the Floor reads the agent's name; without a name, "Agent".
    assert.equal(previewOf(alices, { meId: 3, nameOf: (id) => names[id] ?? null }), "Alice Martins: Hello Ana")
    assert.equal(previewOf(alices, { meId: 3 }), "Agent: Hello Ana")
    assert.equal(previewOf(alices), "Agent: Hello Ana")
    const reacted = last({ type: "reaction", text: "👍", direction: "out", author_id: 7 })
    assert.equal(previewOf(reacted, { meId: 3, nameOf: (id) => names[id] ?? null }), "Alice Martins: reacted 👍")
    // Sent from the phone (no author): nobody on the desktop wrote it.
    assert.equal(previewOf(last({ type: "text", text: "Hi", direction: "out", author_id: null }), { meId: 7 }), "Agent: Hi")
    // A preview stored before previews named their author: the chat's agent wrote it.
    const older = { ...last({ type: "text", text: "Hi", direction: "out" }), agent_id: 7 }
    assert.equal(previewOf(older, { meId: 7 }), "You: Hi")
    assert.equal(previewOf(older, { meId: 3, nameOf: (id) => names[id] ?? null }), "Alice Martins: Hi")
  })
})
