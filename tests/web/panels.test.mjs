import assert from "node:assert/strict"
import { beforeEach, test } from "node:test"

import { clearPanels, panelsIn, registerPanel } from "../../src/parley/web/panels.js"

beforeEach(() => clearPanels())

test("panels come back by region, in their order, then by id", () => {
  registerPanel({ id: "composer", region: "main", order: 30, create: () => "c" })
  registerPanel({ id: "transcript", region: "main", order: 20, create: () => "t" })
  registerPanel({ id: "b", region: "main", order: 20, create: () => "b" })
  registerPanel({ id: "info", region: "aside", create: () => "i" })
  assert.deepEqual(panelsIn("main").map((p) => p.id), ["b", "transcript", "composer"])
  assert.deepEqual(panelsIn("aside").map((p) => p.id), ["info"])
  assert.deepEqual(panelsIn("view"), [])
})

test("registering an id again replaces the panel", () => {
  registerPanel({ id: "info", region: "aside", create: () => "old" })
  registerPanel({ id: "info", region: "aside", create: () => "new" })
  assert.equal(panelsIn("aside").length, 1)
  assert.equal(panelsIn("aside")[0].create(), "new")
})

test("a panel needs an id, create(), a known region; a view needs a label", () => {
  assert.throws(() => registerPanel({ region: "main", create: () => null }), TypeError)
  assert.throws(() => registerPanel({ id: "x", region: "main" }), TypeError)
  assert.throws(() => registerPanel({ id: "x", region: "sidebar", create: () => null }), /unknown region/)
  assert.throws(() => registerPanel({ id: "w", region: "view", create: () => null }), /label/)
  registerPanel({ id: "w", region: "view", label: "Workbins", create: () => null })
  assert.equal(panelsIn("view")[0].label, "Workbins")
})
