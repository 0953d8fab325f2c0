import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { formatText, plainText } from "../../src/parley/web/models/wa_format.js"

/** A compact picture of the tree: styles as tags, links as [text](href), controls as {U+…}. */
function show(nodes) {
  return nodes.map((n) => {
    if (n.children) return `<${n.type}>${show(n.children)}</${n.type}>`
    if (n.type === "link") return `[${n.text}](${n.href})`
    if (n.type === "control") return "{ctl}"
    return n.text
  }).join("")
}
const f = (text) => show(formatText(text))

describe("WhatsApp formatting", () => {
  it("renders bold, italic, strike, inline code and monospace blocks", () => {
    assert.equal(f("a *bold* b"), "a <bold>bold</bold> b")
    assert.equal(f("_italic_ and ~gone~"), "<italic>italic</italic> and <strike>gone</strike>")
    assert.equal(f("run `npm test` now"), "run <code>npm test</code> now")
    assert.equal(f("```line 1\n*not bold*\nline 3```"), "<pre>line 1\n*not bold*\nline 3</pre>")
  })

  it("only counts markers at word edges", () => {
    assert.equal(f("snake_case_words stay"), "snake_case_words stay")
    assert.equal(f("2*3*4 = 24"), "2*3*4 = 24")
    assert.equal(f("* not bold *"), "* not bold *")
    assert.equal(f("(*yes*), *ok*!"), "(<bold>yes</bold>), <bold>ok</bold>!")
    assert.equal(f("_italic_text_"), "<italic>italic_text</italic>")
  })

  it("keeps markers around nothing but markers as typed", () => {
    assert.equal(f("****"), "****")
    assert.equal(f("PIN: **** 1234"), "PIN: **** 1234")
    assert.equal(f("~~~~ and ____"), "~~~~ and ____")
    assert.equal(f("*_*"), "<bold>_</bold>")
  })

  it("nests different styles, never one inside itself", () => {
    assert.equal(f("*bold _and italic_*"), "<bold>bold <italic>and italic</italic></bold>")
    assert.equal(f("~*_all three_*~"), "<strike><bold><italic>all three</italic></bold></strike>")
    assert.equal(f("*a *b* c*"), "<bold>a *b</bold> c*")
  })

  it("never pairs markers across lines", () => {
    assert.equal(f("*start\nend*"), "*start\nend*")
    assert.equal(f("*one*\n*two*"), "<bold>one</bold>\n<bold>two</bold>")
  })

  it("keeps links working inside and around formatting", () => {
    assert.equal(f("*see https://example.com/a_b_c*"),
      "<bold>see [https://example.com/a_b_c](https://example.com/a_b_c)</bold>")
    assert.equal(f("_https://example.com_"), "<italic>[https://example.com](https://example.com/)</italic>")
    assert.equal(f("`www.example.com`"), "<code>[www.example.com](https://www.example.com/)</code>")
    assert.equal(f("https://x.com/*a*b* and *b*"), "[https://x.com/*a*b](https://x.com/*a*b)* and <bold>b</bold>")
    assert.equal(f("javascript:alert(1) *x*"), "javascript:alert(1) <bold>x</bold>")
  })

  it("keeps bidi controls as visible marks inside styles", () => {
    assert.equal(f("*a\u202Eb*"), "<bold>a{ctl}b</bold>")
    assert.equal(plainText(formatText("*a\u202Eb*")), "a\u202Eb")
  })

  it("leaves unbalanced markers as they are", () => {
    assert.equal(f("*unclosed _also ~and `tick"), "*unclosed _also ~and `tick")
    assert.equal(f("```never closed\n*x*"), "```never closed\n<bold>x</bold>")
    assert.equal(f("** __ ~~ `` ``````"), "** __ ~~ `` ``````")
  })

  it("stays fast and loses no text on hostile input", () => {
    const hostile = [
      "*".repeat(50_000), "*a ".repeat(20_000), "_*~".repeat(20_000), "`".repeat(30_001),
      "```".repeat(10_001) + "x", "*_~`".repeat(15_000) + "\n".repeat(100), "a*".repeat(30_000),
    ]
    for (const text of hostile) {
      const started = performance.now()
      const nodes = formatText(text)
      assert.ok(performance.now() - started < 1500, `slow on ${text.slice(0, 12)}…`)
      if (!/`/.test(text)) assert.equal(plainText(nodes).length + markers(nodes), text.length)
    }
  })

  it("accepts anything", () => {
    assert.deepEqual(formatText(undefined), [])
    assert.equal(f(42), "42")
  })
})

/** Markers eaten by styles: two per styled node. */
function markers(nodes) {
  return nodes.reduce((sum, n) => sum + (n.children ? 2 + markers(n.children) : 0), 0)
}
