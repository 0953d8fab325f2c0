import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { previewOf } from "../../src/parley/web/models/preview.js"

const last = (extra) => ({ state: "active", last_message: { direction: "in", created_at: "2026-01-01T10:00:00Z", ...extra } })

describe("previewOf", () => {
  it("says a customer's reaction is a reaction, not a bare emoji", () => {
    assert.equal(previewOf(last({ type: "reaction", text: "😮" })), "Reacted 😮")
    assert.equal(previewOf(last({ type: "reaction", text: "👍", direction: "out" })), "You: reacted 👍")
    assert.equal(previewOf(last({ type: "reaction", text: "" })), "Removed a reaction")
  })

  it("keeps text, captions and media labels", () => {
    assert.equal(previewOf(last({ type: "text", text: "Hi\nthere" })), "Hi there")
    assert.equal(previewOf(last({ type: "image", text: "image" })), "Photo")
    assert.equal(previewOf(last({ type: "text", text: "Sure", direction: "out" })), "You: Sure")
    assert.equal(previewOf({ state: "offered", last_message: null }), "New WhatsApp chat")
  })
})
