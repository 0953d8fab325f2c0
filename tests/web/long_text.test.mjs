import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { CLIP_CHARS, CLIP_LINES, clipText } from "../../src/parley/web/models/long_text.js"

describe("clipText", () => {
  it("leaves a message that fits as it is", () => {
    assert.deepEqual(clipText("Hello"), { text: "Hello", more: false })
    const fourteen = Array.from({ length: CLIP_LINES + 2 }, (_, i) => `line ${i}`).join("\n")
    assert.deepEqual(clipText(fourteen), { text: fourteen, more: false })
  })

  it("folds 10,000 and 65,000 characters to their first words, cut at a word", () => {
    for (const n of [10_000, 65_000]) {
      const text = "word ".repeat(n / 5)
      const { text: shown, more } = clipText(text)
      assert.equal(more, true)
      assert.ok(shown.length <= CLIP_CHARS + 1, shown.length)
      assert.ok(shown.endsWith("word…"), shown.slice(-10))
    }
  })

  it("folds many short lines to the first ones", () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n")
    const { text: shown, more } = clipText(text)
    assert.equal(more, true)
    assert.equal(shown.split("\n").length, CLIP_LINES)
    assert.ok(shown.startsWith("line 0\nline 1"))
  })

  it("never splits an emoji", () => {
    const text = "a".repeat(CLIP_CHARS - 1) + "😀".repeat(500)
    const { text: shown } = clipText(text)
    assert.ok(!/[\uD800-\uDBFF]…$/.test(shown))
  })

  it("survives what is not text", () => {
    assert.deepEqual(clipText(undefined), { text: "", more: false })
  })
})
