import assert from "node:assert/strict"
import { test } from "node:test"

import { actorName, auditQuery, moved, userChanges, userState } from "../../src/parley/web/models/admin.js"

const alice = { name: "Alice", role: "agent", capacity: null, teams: [{ id: 2, name: "B" }], supervisor_scope: "all" }

test("a user edit sends only what changed", () => {
  const same = { name: "Alice ", role: "agent", capacity: "", teamIds: new Set([2]), scope: "all" }
  assert.deepEqual(userChanges(alice, same), {})
  const edited = { name: "Alice M", role: "supervisor", capacity: "4", teamIds: new Set(["3", "2"]), scope: "teams" }
  assert.deepEqual(userChanges(alice, edited),
    { name: "Alice M", role: "supervisor", capacity: 4, team_ids: [2, 3], supervisor_scope: "teams" })
  assert.deepEqual(userChanges({ ...alice, capacity: 4 }, { ...same, capacity: " " }), { capacity: null })
})

test("moving a code up or down swaps it with its neighbour, never past an edge", () => {
  assert.deepEqual(moved([1, 2, 3], 2, -1), [1, 3, 2])
  assert.deepEqual(moved([1, 2, 3], 0, -1), [1, 2, 3])
  assert.deepEqual(moved([1, 2, 3], 2, 1), [1, 2, 3])
})

test("the audit query covers whole local days, the last one included", () => {
  // São Paulo (UTC−3): getTimezoneOffset() is +180.
  assert.deepEqual(auditQuery({ from: "2026-01-05", to: "2026-01-05", actor: "root", action: "user." }, 180), {
    since: "2026-01-05T03:00:00.000Z", until: "2026-01-06T03:00:00.000Z", actor: "root", action: "user.",
  })
  assert.deepEqual(auditQuery({ from: "bad", to: "" }), {})
})

test("entries and users read as people say them", () => {
  assert.equal(actorName({ actor: null }), "Parley")
  assert.equal(actorName({ actor: { name: "Root", username: "root" } }), "Root")
  assert.equal(userState({ active: false, status: "ready" }), "Deactivated")
  assert.equal(userState({ active: true, must_change_password: true }), "Temporary password")
  assert.equal(userState({ active: true, status: "not_ready" }), "Not Ready")
})
