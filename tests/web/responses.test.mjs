import { test } from "node:test"
import assert from "node:assert/strict"

import { buildTree, countResponses, excerpt, highlight, insertAt, isSearchShortcut, moveActive } from "../../src/parley/web/models/responses.js"
import { canSend, notificationFields, renderTemplate } from "../../src/parley/web/models/template_render.js"
import { Store } from "../../src/parley/web/store.js"

test("the category tree nests, sorts and keeps orphans at the top", () => {
  const tree = buildTree(
    [
      { id: 1, name: "Orders", parent_id: null, position: 1 },
      { id: 2, name: "Billing", parent_id: null, position: 0 },
      { id: 3, name: "Delivery", parent_id: 1, position: 0 },
      { id: 4, name: "Lost", parent_id: 99, position: 0 },
    ],
    [
      { id: 10, name: "Where is it", category_id: 3 },
      { id: 11, name: "Apology", category_id: 3 },
      { id: 12, name: "Refund", category_id: 2 },
    ],
  )
  assert.deepEqual(tree.map((n) => n.name), ["Billing", "Lost", "Orders"])
  const orders = tree[2]
  assert.deepEqual(orders.children[0].responses.map((r) => r.name), ["Apology", "Where is it"])
  assert.equal(countResponses(orders), 2)
})

test("highlight marks every word case-insensitively, unicode included", () => {
  assert.deepEqual(highlight("Refund policy for REFUNDS", "refund"), [
    { text: "Refund", match: true }, { text: " policy for ", match: false },
    { text: "REFUND", match: true }, { text: "S", match: false },
  ])
  assert.deepEqual(highlight("Olá ÁGUA", "água olá"), [
    { text: "Olá", match: true }, { text: " ", match: false }, { text: "ÁGUA", match: true },
  ])
  assert.deepEqual(highlight("a.b (c)", ".("), [{ text: "a.b (c)", match: false }])
  assert.deepEqual(highlight("text", ""), [{ text: "text", match: false }])
  assert.deepEqual(highlight("", "x"), [])
})

test("excerpt shows the text around the first match", () => {
  const text = `${"word ".repeat(40)}the refund arrives ${"tail ".repeat(40)}`
  const cut = excerpt(text, "refund", 40)
  assert.match(cut, /^….*refund.*…$/)
  assert.ok(cut.length <= 42)
  assert.equal(excerpt("short  text\n", "x"), "short text")
})

test("arrows, Home and End move over results and stop at the edges", () => {
  assert.equal(moveActive(-1, "ArrowDown", 3), 0)
  assert.equal(moveActive(2, "ArrowDown", 3), 2)
  assert.equal(moveActive(0, "ArrowUp", 3), 0)
  assert.equal(moveActive(1, "End", 3), 2)
  assert.equal(moveActive(2, "Home", 3), 0)
  assert.equal(moveActive(1, "x", 3), 1)
  assert.equal(moveActive(0, "ArrowDown", 0), -1)
})

test("the search shortcut is Ctrl+Shift+R (⌘ on a Mac) or F4", () => {
  assert.ok(isSearchShortcut({ key: "R", ctrlKey: true, shiftKey: true }))
  assert.ok(isSearchShortcut({ key: "r", metaKey: true, shiftKey: true }))
  assert.ok(isSearchShortcut({ key: "F4" }))
  assert.ok(!isSearchShortcut({ key: "r", ctrlKey: true }))
  assert.ok(!isSearchShortcut({ key: "r", ctrlKey: true, shiftKey: true, altKey: true }))
})

test("inserting keeps the draft and separates words", () => {
  assert.deepEqual(insertAt("", "Hello"), { text: "Hello", caret: 5 })
  assert.deepEqual(insertAt("Hi,", "thanks"), { text: "Hi, thanks", caret: 10 })
  assert.deepEqual(insertAt("ab", "X", 1, 1), { text: "a X b", caret: 3 })
  assert.deepEqual(insertAt("replace me", "new", 0, 10), { text: "new", caret: 3 })
})

const PAYMENT = {
  id: 1, name: "payment_confirmation", language: "en_US", status: "APPROVED",
  components: [
    { type: "BODY", text: "Hello {{1}}.\nHave you ordered {{2}}?\nWe will send you {{5}}.\nThanks, {{1}}." },
    { type: "FOOTER", text: "Parley Store" },
    { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Confirm payment" }] },
  ],
  parameters: ["1", "2", "3", "4", "5"].map((k) => ({ key: k, where: "body", name: k, example: `ex${k}` })),
}

test("the preview fills values, marks the missing ones with their label and lists them", () => {
  const r = renderTemplate(PAYMENT, { 1: "Masha", 2: "flowers", 5: "Monday" }, { 3: "Bill" })
  assert.equal(r.body, "Hello Masha.\nHave you ordered flowers?\nWe will send you Monday.\nThanks, Masha.")
  assert.deepEqual(r.missing, ["3", "4"])
  assert.equal(r.footer, "Parley Store")
  assert.deepEqual(r.buttons, [{ type: "QUICK_REPLY", text: "Confirm payment", url: null }])
  assert.ok(!canSend(r))
  const gap = renderTemplate(PAYMENT, { 1: "", 2: "x" }, { 1: "Name" })
  assert.match(gap.body, /^Hello \[Name\]\./)
})

test("the preview applies WhatsApp's body and header limits and refuses new lines", () => {
  const full = { 1: "a", 2: "b", 3: "c", 4: "d", 5: "e" }
  assert.ok(canSend(renderTemplate(PAYMENT, full)))
  const long = renderTemplate(PAYMENT, { ...full, 2: "é".repeat(1024) })
  assert.match(long.problems[0], /WhatsApp allows 1,024/)
  const broken = renderTemplate(PAYMENT, { ...full, 2: "two\nlines" }, { 2: "Product" })
  assert.deepEqual(broken.problems, ["Product: WhatsApp refuses new lines and tabs in a value."])
  const header = {
    components: [{ type: "HEADER", format: "TEXT", text: "Order {{1}}" }, { type: "BODY", text: "Hi" }],
    parameters: [{ key: "header.1", where: "header", name: "1" }],
  }
  assert.equal(renderTemplate(header, { "header.1": "#1" }).header, "Order #1")
  assert.match(renderTemplate(header, { "header.1": "9".repeat(60) }).problems[0], /header is 66/)
})

test("URL buttons and media headers render", () => {
  const t = {
    components: [
      { type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Parcel for {{1}}" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Ok" }, { type: "URL", text: "Track", url: "https://s.example/t/{{1}}" }] },
    ],
    parameters: [{ key: "header.media", where: "header", name: "media" }, { key: "1", where: "body", name: "1" },
      { key: "button.1", where: "button", name: "url" }],
  }
  const r = renderTemplate(t, { "header.media": "https://x/p.jpg", 1: "Ana", "button.1": "42" })
  assert.equal(r.headerFormat, "IMAGE")
  assert.equal(r.headerMedia, "https://x/p.jpg")
  assert.equal(r.buttons[1].url, "https://s.example/t/42")
})

test("notification fields take the response's labels and defaults, else the template's", () => {
  const filled = { parameters: [{ key: "1", label: "Name", value: "Masha Ivanova" }] }
  const fields = notificationFields(PAYMENT, filled)
  assert.deepEqual(fields[0], { key: "1", label: "Name", value: "Masha Ivanova", example: "ex1" })
  assert.deepEqual(fields[1], { key: "2", label: "Parameter 2", value: "", example: "ex2" })
  const named = notificationFields({ parameters: [{ key: "first_name", where: "body", name: "first_name" },
    { key: "button.0", where: "button", name: "url" }] })
  assert.deepEqual(named.map((f) => f.label), ["first name", "Button 1 link"])
})

test("a template that stops being approved leaves the store's list at once", () => {
  const store = new Store()
  store.setCollection("templates", [PAYMENT])
  store.apply({ type: "template.updated", template: { ...PAYMENT, status: "PAUSED" } })
  assert.deepEqual(store.collection("templates"), [])
  store.apply({ type: "template.updated", template: { ...PAYMENT, status: "APPROVED" } })
  assert.equal(store.collection("templates").length, 1)
})

test("a refused message says what WhatsApp meant and what to do", async () => {
  const { describeMessage } = await import("../../src/parley/web/models/message_view.js")
  const { adviceFor } = await import("../../src/parley/web/models/send_errors.js")
  assert.match(adviceFor(131047), /Send a notification/)
  assert.match(adviceFor("132015"), /paused/)
  assert.equal(adviceFor(999), "")
  const view = describeMessage({ id: 1, direction: "out", type: "text", text: "hi", status: "failed",
    created_at: "2026-01-05T09:00:00Z", error: { code: 131026, title: "Message undeliverable", details: "x" } })
  assert.equal(view.error.title, "Message undeliverable (131026)")
  assert.match(view.error.advice, /could not deliver/)
})

test("a response's text goes first, then each attachment as its own message, in order", async () => {
  const { Desktop } = await import("../../src/parley/web/desktop.js")
  const posted = []
  let release = null
  const api = {
    async post(path, body) {
      posted.push(body)
      if (posted.length === 1) await new Promise((resolve) => { release = resolve }) // the text is slow
      return { id: posted.length, interaction_id: 12, direction: "out", type: "text", status: "queued",
        client_id: body.client_id, text: body.text ?? null }
    },
  }
  const store = new Store()
  store.setMe({ id: 1, name: "Alice" })
  let n = 0
  const desktop = new Desktop({ api, store, newClientId: () => `c${++n}` })
  const done = desktop.sendResponse(12, "Here are the files", [7, 3])
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(posted.length, 1, "no attachment leaves before the text is taken")
  release()
  await done
  assert.deepEqual(posted.map((b) => [b.text ?? null, b.attachment_ids ?? null]), [
    ["Here are the files", null], [null, [7]], [null, [3]],
  ])
})

test("a library file is posted as it is, with its type and the CSRF header", async () => {
  const { Api } = await import("../../src/parley/web/api.js")
  const calls = []
  const api = new Api({ baseUrl: "http://parley.test/api/v1/", cookies: () => "parley_csrf=tok",
    fetch: async (url, init) => { calls.push({ url: String(url), ...init }); return new Response("{}", { status: 200 }) } })
  await api.postText("responses/import", "categories: []\n", "application/yaml", { format: "yaml" })
  assert.equal(calls[0].url, "http://parley.test/api/v1/responses/import?format=yaml")
  assert.equal(calls[0].body, "categories: []\n")
  assert.equal(calls[0].headers["Content-Type"], "application/yaml")
  assert.equal(calls[0].headers["X-CSRF-Token"], "tok")
})
