import { describe, it } from "node:test"
import assert from "node:assert/strict"

import { humanValidation } from "../../src/parley/web/models/validation.js"

describe("humanValidation", () => {
  it("says a refused length in words, naming the field", () => {
    assert.equal(humanValidation([{ field: "q", message: "String should have at most 200 characters" }], "q: …"),
      "The search can be at most 200 characters.")
    assert.equal(humanValidation([{ field: "notes", message: "String should have at most 4000 characters" }], "x"),
      "The notes can be at most 4,000 characters.")
    assert.equal(humanValidation([{ field: "fields.Company", message: "String should have at most 500 characters" }], "x"),
      "“Company” can be at most 500 characters.")
  })

  it("keeps the API's message when it has no better words", () => {
    assert.equal(humanValidation([], "Unknown contact field 'X'."), "Unknown contact field 'X'.")
    assert.equal(humanValidation([{ field: "state", message: "is not an interaction state" }], "Unknown state."), "Unknown state.")
  })
})
