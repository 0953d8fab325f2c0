import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { Backoff } from "../../src/parley/web/models/backoff.js"
import { isClientId, newClientId } from "../../src/parley/web/models/client_id.js"
import { TEXT_LIMIT, isSendKey, measureText, overLimitMessage } from "../../src/parley/web/models/composer_text.js"
import { mergeStatus, ticks } from "../../src/parley/web/models/delivery.js"
import {
  formatDay, formatDuration, formatListTime, formatPhone, formatRemaining, formatTime,
} from "../../src/parley/web/models/format.js"
import { describeMessage, mapLink, messageKey, transcriptRows } from "../../src/parley/web/models/message_view.js"
import { TitleAlert } from "../../src/parley/web/models/title_alert.js"
import { canSendText, windowState } from "../../src/parley/web/models/window_countdown.js"

const UTC = { locale: "en-US", timeZone: "UTC" }
const NOW = Date.parse("2026-03-11T15:00:00Z") // a Wednesday

describe("overLimitMessage", () => {
  it("says why Send is disabled only when the draft is over the limit", () => {
    assert.equal(overLimitMessage(measureText("x".repeat(4100)), "en-US"), "4,100 / 4,096 — shorten the reply to send it")
    assert.equal(overLimitMessage(measureText("x".repeat(4096)), "en-US"), "")
    assert.equal(overLimitMessage(measureText("hi", 1), "en-US"), "2 / 1 — shorten the reply to send it")
  })
})

describe("client_id", () => {
  it("mints UUID v4 strings", () => {
    const id = newClientId()
    assert.ok(isClientId(id), id)
    assert.notEqual(newClientId(), id)
  })

  it("uses the injected randomness", () => {
    const zeros = newClientId((n) => new Uint8Array(n))
    assert.equal(zeros, "00000000-0000-4000-8000-000000000000")
    const ones = newClientId((n) => new Uint8Array(n).fill(255))
    assert.equal(ones, "ffffffff-ffff-4fff-bfff-ffffffffffff")
  })

  it("recognizes only client ids", () => {
    assert.equal(isClientId("not-an-id"), false)
    assert.equal(isClientId(null), false)
  })
})

describe("format", () => {
  it("formats durations", () => {
    assert.equal(formatDuration(0), "0:00")
    assert.equal(formatDuration(42.9), "0:42")
    assert.equal(formatDuration(292), "4:52")
    assert.equal(formatDuration(3723), "1:02:03")
    assert.equal(formatDuration(-3), "0:00")
    assert.equal(formatDuration(Number.NaN), "0:00")
  })

  it("formats what is left of a window", () => {
    assert.equal(formatRemaining(30), "< 1 min")
    assert.equal(formatRemaining(45 * 60), "45 min")
    assert.equal(formatRemaining(23 * 3600 + 12 * 60 + 5), "23 h 12 min")
  })

  it("labels days as Today, Yesterday or the full date", () => {
    assert.equal(formatDay("2026-03-11T00:00:00Z", NOW, UTC), "Today")
    assert.equal(formatDay("2026-03-10T23:59:59Z", NOW, UTC), "Yesterday")
    assert.equal(formatDay("2020-05-13T16:55:00Z", NOW, UTC), "Wednesday, May 13, 2020")
    assert.equal(formatDay("garbage", NOW, UTC), "")
  })

  it("uses the given time zone for the day", () => {
    // 01:30 UTC on the 11th is still the 10th in São Paulo (UTC-3)
    assert.equal(formatDay("2026-03-11T01:30:00Z", NOW, { timeZone: "America/Sao_Paulo" }), "Yesterday")
  })

  it("formats times and list times", () => {
    assert.equal(formatTime("2026-03-11T14:05:00Z", { locale: "en-GB", timeZone: "UTC" }), "14:05")
    assert.equal(formatListTime("2026-03-11T14:05:00Z", NOW, { locale: "en-GB", timeZone: "UTC" }), "14:05")
    assert.equal(formatListTime("2026-03-09T14:05:00Z", NOW, UTC), "Mon")
    assert.equal(formatListTime("2026-01-02T14:05:00Z", NOW, UTC), "Jan 2")
  })

  it("writes the hour as the locale does, with no forced leading zero on a 12-hour clock", () => {
    const us = { locale: "en-US", timeZone: "UTC" }
    assert.match(formatTime("2026-03-11T01:01:00Z", us), /^1:01\sAM$/)
    assert.match(formatTime("2026-03-11T00:59:00Z", us), /^12:59\sAM$/)
    assert.equal(formatTime("2026-03-11T09:05:00Z", { locale: "en-GB", timeZone: "UTC" }), "09:05")
  })

  it("formats wa_ids as phone numbers", () => {
    assert.equal(formatPhone("5511987654321"), "+5511987654321")
    assert.equal(formatPhone(""), "")
    assert.equal(formatPhone(null), "")
  })
})

describe("delivery status", () => {
  it("never moves backwards and keeps failed", () => {
    assert.equal(mergeStatus("read", "sent"), "read")
    assert.equal(mergeStatus("sent", "delivered"), "delivered")
    assert.equal(mergeStatus("delivered", "read"), "read")
    assert.equal(mergeStatus("read", "played"), "played")
    assert.equal(mergeStatus("pending", "queued"), "queued")
    assert.equal(mergeStatus("sent", "failed"), "failed")
    assert.equal(mergeStatus("failed", "delivered"), "failed")
    assert.equal(mergeStatus("received", "received"), "received")
    assert.equal(mergeStatus(undefined, "sent"), "sent")
  })

  it("draws ticks", () => {
    assert.deepEqual(ticks("sent"), { glyph: "✓", label: "Sent", tone: "muted" })
    assert.deepEqual(ticks("delivered"), { glyph: "✓✓", label: "Delivered", tone: "muted" })
    assert.deepEqual(ticks("read"), { glyph: "✓✓", label: "Read", tone: "read" })
    assert.deepEqual(ticks("failed"), { glyph: "!", label: "Failed", tone: "error" })
    assert.equal(ticks("received"), null)
  })
})

describe("message view", () => {
  const base = { id: 1, interaction_id: 12, direction: "in", type: "text", text: "Hi", content: {}, status: "received",
    timestamp: "2026-03-11T10:00:00Z" }

  it("puts customers left, agents right, system centred", () => {
    assert.equal(describeMessage(base).side, "in")
    assert.equal(describeMessage({ ...base, direction: "out", status: "sent" }).side, "out")
    const system = describeMessage({ ...base, type: "system", text: "User changed number" })
    assert.deepEqual([system.kind, system.side], ["system", "center"])
  })

  it("shows the error of a failed message with its code", () => {
    const view = describeMessage({ ...base, direction: "out", status: "failed",
      error: { code: 131047, title: "Re-engagement message", details: "More than 24 hours have passed." } })
    assert.deepEqual(view.error, { title: "Re-engagement message (131047)", details: "More than 24 hours have passed.",
      advice: "More than 24 hours have passed since the customer last wrote, so WhatsApp only delivers templates. Send a notification to reach them again." })
  })

  it("quotes replies and labels media", () => {
    const view = describeMessage({ ...base, type: "image", text: "box broken", reply_to: { id: 3, text: "Send a photo?" },
      content: { attachment_id: 9, mime_type: "image/jpeg" } })
    assert.deepEqual(view.quote, { text: "Send a photo?", direction: null })
    assert.equal(view.label, "Photo")
    assert.deepEqual(view.attachment, { id: "9", mimeType: "image/jpeg" })
    assert.equal(describeMessage({ ...base, type: "audio", content: { voice: true } }).label, "Voice message")
    assert.equal(describeMessage({ ...base, type: "document", content: { filename: "invoice.pdf" } }).label, "invoice.pdf")
  })

  it("turns locations into a map link and refuses bad coordinates", () => {
    const view = describeMessage({ ...base, type: "location", text: "",
      content: { latitude: -23.5614, longitude: -46.6558, name: "Loja Paulista", address: "Av. Paulista 1000" } })
    assert.equal(view.text, "Loja Paulista\nAv. Paulista 1000")
    assert.equal(view.link.href, "https://www.openstreetmap.org/?mlat=-23.5614&mlon=-46.6558#map=17/-23.5614/-46.6558")
    assert.equal(mapLink({ latitude: "javascript:alert(1)", longitude: 1 }), null)
    assert.equal(mapLink({ latitude: 91, longitude: 1 }), null)
    assert.equal(mapLink({ latitude: "-23.56", longitude: "-46.65" }).text, "-23.56, -46.65")
  })

  it("names reactions and unsupported messages", () => {
    assert.equal(describeMessage({ ...base, type: "reaction", content: { emoji: "👍" } }).text, "Reacted 👍")
    assert.equal(describeMessage({ ...base, type: "reaction", content: { emoji: "" } }).text, "Removed a reaction")
    const odd = describeMessage({ ...base, type: "poll_creation", text: "" })
    assert.equal(odd.label, "Unsupported message")
    assert.ok(odd.text.length > 0)
  })

  it("keys a message by client_id so the optimistic bubble keeps its row", () => {
    assert.equal(messageKey({ id: null, client_id: "abc" }), "c:abc")
    assert.equal(messageKey({ id: 41, client_id: "abc" }), "c:abc")
    assert.equal(messageKey({ id: 41, client_id: null }), "m:41")
  })

  it("inserts date separators when the day changes", () => {
    const rows = transcriptRows([
      { ...base, id: 1, timestamp: "2026-03-10T10:00:00Z" },
      { ...base, id: 2, timestamp: "2026-03-10T11:00:00Z" },
      { ...base, id: 3, timestamp: "2026-03-11T09:00:00Z" },
    ], NOW, UTC)
    assert.deepEqual(rows.map((r) => (r.type === "day" ? r.label : r.message.id)), ["Yesterday", 1, 2, "Today", 3])
  })

  it("marks where one session of the contact gives way to the next", () => {
    const rows = transcriptRows([
      { ...base, id: 1, session_id: 4, timestamp: "2026-03-11T09:00:00Z" },
      { ...base, id: 2, session_id: 4, timestamp: "2026-03-11T09:01:00Z" },
      { ...base, id: null, local: true, timestamp: "2026-03-11T09:02:00Z" },
      { ...base, id: 3, session_id: 5, timestamp: "2026-03-11T10:00:00Z" },
    ], NOW, UTC)
    assert.deepEqual(rows.map((r) => (r.type === "message" ? r.message.id : r.type)), ["day", 1, 2, null, "session", 3])
    assert.equal(rows[4].label, "New session")
  })
})

describe("window countdown", () => {
  const expires = "2026-03-11T16:00:00Z"
  it("is open, closing, closed or none", () => {
    assert.equal(windowState(expires, Date.parse("2026-03-11T10:00:00Z")).state, "open")
    assert.equal(windowState(expires, Date.parse("2026-03-11T10:00:00Z")).label, "6 h 00 min left")
    assert.equal(windowState(expires, Date.parse("2026-03-11T15:30:00Z")).state, "closing")
    assert.equal(windowState(expires, Date.parse("2026-03-11T16:00:00Z")).state, "closed")
    assert.equal(windowState(null, NOW).state, "none")
    assert.equal(canSendText(expires, Date.parse("2026-03-11T15:59:00Z")), true)
    assert.equal(canSendText(expires, Date.parse("2026-03-11T16:00:01Z")), false)
  })
})

describe("composer text", () => {
  it("counts code points against 4096", () => {
    assert.equal(TEXT_LIMIT, 4096)
    assert.equal(measureText("😀😀").length, 2)
    assert.equal(measureText("a".repeat(4096)).over, false)
    assert.equal(measureText("a".repeat(4097)).over, true)
    assert.equal(measureText("a".repeat(4097)).remaining, -1)
    assert.equal(measureText("  \n ").empty, true)
  })

  it("sends on Enter but not Shift+Enter or while composing", () => {
    assert.equal(isSendKey({ key: "Enter" }), true)
    assert.equal(isSendKey({ key: "Enter", ctrlKey: true }), true)
    assert.equal(isSendKey({ key: "Enter", shiftKey: true }), false)
    assert.equal(isSendKey({ key: "Enter", isComposing: true }), false)
    assert.equal(isSendKey({ key: "Enter", keyCode: 229 }), false)
    assert.equal(isSendKey({ key: "a" }), false)
  })
})

describe("title alert", () => {
  it("flashes only for interactions pending while the page was hidden, until clicked", () => {
    const alert = new TitleAlert()
    alert.update({ hidden: false, pendingIds: ["12"] })
    assert.equal(alert.active, false)
    assert.equal(alert.title(0), "Parley")

    alert.update({ hidden: true, pendingIds: ["12", "13"] })
    assert.equal(alert.title(0), "(2) New message – Parley")
    assert.equal(alert.title(1), "Parley")

    alert.update({ hidden: false, pendingIds: ["12", "13"] })
    assert.equal(alert.count, 2, "coming back to the tab does not stop it")
    alert.acknowledge("12")
    assert.equal(alert.title(2), "(1) New message – Parley")
    alert.update({ hidden: false, pendingIds: ["12"] }) // 13 was answered
    assert.equal(alert.active, false)
  })

  it("tells which interactions started alerting, once each", () => {
    const alert = new TitleAlert()
    assert.deepEqual(alert.update({ hidden: false, pendingIds: ["1"] }), [])
    assert.deepEqual(alert.update({ hidden: true, pendingIds: ["1"] }), ["1"])
    assert.deepEqual(alert.update({ hidden: true, pendingIds: ["1", "2"] }), ["2"])
    assert.deepEqual(alert.update({ hidden: true, pendingIds: ["1", "2"] }), [])
  })
})

describe("backoff", () => {
  it("grows exponentially with jitter up to a cap, and resets", () => {
    const high = new Backoff({ baseMs: 500, capMs: 4000, random: () => 1 })
    assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [500, 1000, 2000, 4000, 4000])
    const low = new Backoff({ baseMs: 500, capMs: 4000, random: () => 0 })
    assert.deepEqual([1, 2, 3].map(() => low.next()), [250, 500, 1000])
    high.reset()
    assert.equal(high.next(), 500)
  })
})

it("a contact is named by the agent's name, the profile name, the number, then the username", async () => {
  const { contactName } = await import("../../src/parley/web/models/contact.js")
  assert.equal(contactName({ id: 1, contact: { name: "Ana", profile_name: "A", wa_id: "5511987654321" } }), "Ana")
  assert.equal(contactName({ id: 1, contact: { profile_name: "Ana S", wa_id: "5511987654321" } }), "Ana S")
  assert.match(contactName({ id: 1, contact: { wa_id: "5511987654321" } }), /^\+55/)
  assert.equal(contactName({ id: 1, contact: { username: "ana.s" } }), "ana.s")
  assert.equal(contactName({ id: 7, contact: {} }), "Interaction 7")
})
