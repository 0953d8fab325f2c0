import assert from "node:assert/strict"
import { describe, it } from "node:test"

import {
  chatStartedNotice,
  contactPatch,
  historyLine,
  historyQuery,
  looksLikeNumber,
} from "../../src/parley/web/models/directory.js"

describe("historyQuery", () => {
  it("keeps what is filled in and drops the rest", () => {
    assert.deepEqual(historyQuery({ q: "  ana ", since: "2026-01-05", until: "", state: "done", disposition: "Resolved" }),
      { params: { q: "ana", since: "2026-01-05", state: "done", disposition: "Resolved" }, error: "" })
    assert.deepEqual(historyQuery({}), { params: {}, error: "" })
    assert.deepEqual(historyQuery({ state: "lost" }).params, {})
    assert.equal(historyQuery({ before: 40 }).params.before, "40")
  })

  it("refuses a range that ends before it starts, and bad dates", () => {
    assert.equal(historyQuery({ since: "2026-01-06", until: "2026-01-05" }).error, "“To” is before “From”.")
    assert.equal(historyQuery({ since: "05/01/2026" }).error, "Dates are written YYYY-MM-DD.")
  })
})

describe("contactPatch", () => {
  const contact = { name: "Ana Souza", email: null, notes: "VIP", fields: { Company: "Acme" } }

  it("sends only what changed, and clears emptied fields with null", () => {
    assert.equal(contactPatch(contact, { name: "Ana Souza ", email: "", notes: "VIP", fields: { Company: "Acme" } }), null)
    assert.deepEqual(contactPatch(contact, { name: "Ana P. Souza", email: "a@x.io", notes: "VIP",
      fields: { Company: "", "Customer number": "C-1" } }),
    { name: "Ana P. Souza", email: "a@x.io", fields: { Company: null, "Customer number": "C-1" } })
  })
})

describe("historyLine", () => {
  it("says how a past interaction ended", () => {
    const line = historyLine({ state: "done", origin: "outbound", agent: { name: "Alice" }, disposition: "Resolved",
      note: " call back ", contact: { name: "Ana" } })
    assert.deepEqual(line, { title: "Ana", origin: "Outbound WhatsApp", state: "Done",
      outcome: "Marked done by Alice · Resolved", note: "call back", open: false })
    const open = historyLine({ state: "parked", origin: "inbound", contact: { wa_id: "5511" } })
    assert.equal(open.title, "+5511")
    assert.equal(open.outcome, "In a workbin")
    assert.equal(open.open, true)
  })
})

describe("chatStartedNotice", () => {
  const now = Date.parse("2026-01-05T10:00:00Z")
  const chat = (expires) => ({ contact: { name: "Ana Souza" }, window_expires_at: expires })

  it("says free text may go out while the window is open", () => {
    assert.equal(chatStartedNotice(chat("2026-01-05T12:00:00Z"), now), "Chat with Ana Souza started. Write your first message.")
  })

  it("says plainly that only a template may start it once the window closed", () => {
    assert.match(chatStartedNotice(chat("2026-01-05T09:00:00Z"), now), /window is closed: it must be a WhatsApp template/)
    assert.match(chatStartedNotice(chat(null), now, { templates: true }), /choose a template/)
  })
})

describe("looksLikeNumber", () => {
  it("tells numbers from names", () => {
    assert.equal(looksLikeNumber("+55 (11) 98765-4321"), true)
    assert.equal(looksLikeNumber("Ana"), false)
    assert.equal(looksLikeNumber("12"), false)
  })
})
