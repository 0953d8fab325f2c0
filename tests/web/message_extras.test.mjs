import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { describeMessage } from "../../src/parley/web/models/message_view.js"

const base = { id: 1, interaction_id: 12, direction: "in", type: "text", text: "Hi", content: {},
  status: "received", timestamp: "2026-03-11T10:00:00Z" }

describe("what the agent must see beside the body", () => {
  it("shows the ad that started the chat, only with a web link", () => {
    const view = describeMessage({ ...base, content: { referral: { headline: "Winter sale",
      body: "30% off", source_url: "https://fb.me/ad", ctwa_clid: "Aclid", media_type: "image" } } })
    assert.deepEqual(view.ad, { headline: "Winter sale", body: "30% off", url: "https://fb.me/ad",
      clid: "Aclid", media: "image" })
    const risky = describeMessage({ ...base, content: { referral: { headline: "x", source_url: "javascript:alert(1)" } } })
    assert.equal(risky.ad.url, null)
    assert.equal(describeMessage(base).ad, null)
  })

  it("lists Flow answers field by field instead of the generic reply", () => {
    const view = describeMessage({ ...base, type: "interactive", text: "Form answers: Rating: Excellent",
      content: { kind: "nfm_reply", fields: [{ name: "screen_0_Rating_0", label: "Rating", value: "Excellent" }] } })
    assert.equal(view.label, "Form answers")
    assert.deepEqual(view.fields, [{ label: "Rating", value: "Excellent" }])
    assert.equal(view.text, "")
  })

  it("lists order items with quantity, price and total", () => {
    const view = describeMessage({ ...base, type: "order", text: "Order (2 items): …", content: {
      text: null, total: { amount: "115.00", currency: "USD" }, product_items: [
        { product_retailer_id: "SKU-1", quantity: 3, item_price: "30.00", currency: "USD" },
        { product_retailer_id: "SKU-2", quantity: 2, item_price: null, currency: "USD" }] } })
    assert.deepEqual(view.order, { total: "USD 115.00", items: [
      { sku: "SKU-1", quantity: "3", price: "USD 30.00" }, { sku: "SKU-2", quantity: "2", price: null }] })
    assert.equal(view.label, "Order")
    assert.equal(view.text, "")
  })

  it("flags forwarded and frequently forwarded messages", () => {
    assert.deepEqual(describeMessage({ ...base, content: { forwarded: true } }).notes, ["Forwarded"])
    assert.deepEqual(describeMessage({ ...base, content: { forwarded: true, frequently_forwarded: true } }).notes,
      ["Forwarded many times"])
    assert.deepEqual(describeMessage(base).notes, [])
  })

  it("marks edits with the earlier versions, and deletions by the customer", () => {
    const edited = describeMessage({ ...base, text: "order 1243", content: { edited: true,
      history: [{ text: "order 1234", content: {} }] } })
    assert.deepEqual([edited.notes, edited.history, edited.text], [["Edited"], ["order 1234"], "order 1243"])
    const gone = describeMessage({ ...base, text: null, content: { deleted: true, history: [{ text: "oops" }] } })
    assert.equal(gone.deleted, true)
    assert.equal(gone.text, "This message was deleted by the customer.")
    assert.deepEqual(gone.history, ["oops"])
  })

  it("tells the agent when WhatsApp could not receive the customer's media", () => {
    const view = describeMessage({ ...base, type: "image", text: "my product", content: {
      errors: [{ code: 400, title: "Media download failed" }] } })
    assert.equal(view.problem,
      "WhatsApp could not receive this photo: Media download failed (400). Ask the customer to send it again.")
    assert.equal(describeMessage({ ...base, type: "image", content: {} }).problem, null)
    const tracked = describeMessage({ ...base, type: "image", content: {
      errors: [{ code: 400, title: "Media download failed" }], attachment: { id: 3, state: "failed" } } })
    assert.equal(tracked.problem, null) // the file's own box says it
  })

  it("names welcome requests, call permission replies, products and Business app echoes", () => {
    const welcome = describeMessage({ ...base, type: "request_welcome", text: "Opened the chat (welcome request)",
      content: { referral: { headline: "Winter sale" } } })
    assert.deepEqual([welcome.label, welcome.text, welcome.ad.headline],
      ["Welcome request", "Opened the chat (welcome request)", "Winter sale"])
    const call = describeMessage({ ...base, type: "interactive", text: "Allowed WhatsApp calls from the business",
      content: { kind: "call_permission_reply", response: "accept" } })
    assert.equal(call.label, "Call permission")
    const asked = describeMessage({ ...base, content: { referred_product: { product_retailer_id: "SKU-9" } } })
    assert.equal(asked.product, "SKU-9")
    const echo = describeMessage({ ...base, direction: "out", status: "sent", content: { source: "business_app" } })
    assert.deepEqual(echo.notes, ["Sent from the WhatsApp Business app"])
  })
})

describe("account banner", async () => {
  const { accountBanner, ALERT_ROLES } = await import("../../src/parley/web/models/account_alert.js")

  it("shows the newest severe alert, nothing otherwise", () => {
    assert.deepEqual(accountBanner({ items: [], banner: { title: "WhatsApp restricted this account",
      received_at: "2026-01-05T09:00:00Z" } }),
    { text: "WhatsApp restricted this account", title: "Reported by WhatsApp at 2026-01-05T09:00:00Z" })
    assert.equal(accountBanner({ items: [{ title: "verified" }], banner: null }), null)
    assert.equal(accountBanner(null), null)
    assert.equal(ALERT_ROLES.has("agent"), false)
  })
})
