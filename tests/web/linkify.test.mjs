import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { codePoint, linkify, safeHref, withoutControls } from "../../src/parley/web/models/linkify.js"

const links = (text) => linkify(text).filter((t) => t.type === "link")
const joined = (tokens) => tokens.map((t) => t.text).join("")

describe("linkify", () => {
  it("finds http and https links and keeps the rest as text", () => {
    assert.deepEqual(linkify("Track it at https://example.com/t?id=42 please"), [
      { type: "text", text: "Track it at " },
      { type: "link", text: "https://example.com/t?id=42", href: "https://example.com/t?id=42" },
      { type: "text", text: " please" },
    ])
    assert.deepEqual(links("http://example.org"), [
      { type: "link", text: "http://example.org", href: "http://example.org/" },
    ])
  })

  it("gives www. links an https scheme", () => {
    assert.deepEqual(links("see www.example.com/x"), [
      { type: "link", text: "www.example.com/x", href: "https://www.example.com/x" },
    ])
  })

  it("leaves trailing punctuation out but keeps balanced brackets", () => {
    assert.equal(links("Go to https://example.com/a.")[0].text, "https://example.com/a")
    assert.equal(links("(see https://example.com/a)")[0].text, "https://example.com/a")
    assert.equal(links("https://en.wikipedia.org/wiki/Foo_(bar)!")[0].text,
      "https://en.wikipedia.org/wiki/Foo_(bar)")
  })

  for (const hostile of [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "<script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<img src=x onerror=alert(1)>",
    "http://",
    "https://user:secret@evil.example/",
  ]) {
    it(`never links ${JSON.stringify(hostile)}`, () => {
      const tokens = linkify(hostile)
      for (const link of tokens.filter((t) => t.type === "link")) {
        assert.match(link.href, /^https?:\/\//)
        assert.ok(!/javascript|data:|vbscript/i.test(link.href), link.href)
      }
      assert.equal(joined(tokens), hostile, "text is kept verbatim")
    })
  }

  it("links only the http part of a javascript: prefix trick", () => {
    const tokens = linkify("javascript:alert(1)//https://evil.example")
    assert.equal(joined(tokens), "javascript:alert(1)//https://evil.example")
    assert.ok(tokens.every((t) => t.type === "text" || t.href.startsWith("https://")))
  })

  it("stops a link at quotes and angle brackets so markup cannot ride along", () => {
    const tokens = linkify('https://a.example/"onmouseover="alert(1)')
    assert.equal(tokens[0].href, "https://a.example/")
    assert.equal(tokens[1].text, '"onmouseover="alert(1)')
    assert.equal(links("https://a.example/<script>")[0].href, "https://a.example/")
  })

  it("stops a link at bidi controls (no right-to-left override spoofing)", () => {
    const text = "https://evil.example/\u202Egnp.exe"
    assert.equal(links(text)[0].href, "https://evil.example/")
    assert.equal(joined(linkify(text)), text)
  })

  it("turns direction overrides into control tokens instead of letting them reorder text", () => {
    const text = "\u202Eevil.com/exe.txt \u2067x\u2069 ok"
    assert.deepEqual(linkify(text), [
      { type: "control", text: "\u202E" },
      { type: "text", text: "evil.com/exe.txt " },
      { type: "control", text: "\u2067" },
      { type: "text", text: "x" },
      { type: "control", text: "\u2069" },
      { type: "text", text: " ok" },
    ])
    assert.equal(codePoint("\u202E"), "U+202E")
    assert.equal(withoutControls(text), "evil.com/exe.txt x ok")
    // right-to-left marks are ordinary punctuation for RTL writers: kept as text
    assert.deepEqual(linkify("\u200Fשלום"), [{ type: "text", text: "\u200Fשלום" }])
  })

  it("keeps right-to-left text intact around a link", () => {
    const text = "مرحبا، تتبع طلبك هنا https://example.com/طلب شكرا"
    const tokens = linkify(text)
    assert.equal(joined(tokens), text)
    assert.equal(tokens[0].text, "مرحبا، تتبع طلبك هنا ")
    assert.equal(tokens[1].text, "https://example.com/طلب")
    assert.equal(tokens[1].href, "https://example.com/%D8%B7%D9%84%D8%A8")
    assert.equal(tokens[2].text, " شكرا")
    assert.equal(joined(linkify("שלום עולם")), "שלום עולם")
  })

  it("handles long words and long input without choking", () => {
    const word = "a".repeat(10_000)
    assert.deepEqual(linkify(word), [{ type: "text", text: word }])
    const long = `https://example.com/${"b".repeat(5_000)}`
    assert.deepEqual(linkify(long), [{ type: "text", text: long }], "over 2048 chars: not a link")
    const many = "https://x.example/ ".repeat(2_000)
    const started = performance.now()
    assert.equal(links(many).length, 2_000)
    assert.ok(performance.now() - started < 1_000)
    const nasty = `${"(".repeat(5_000)}https://e.example/${")".repeat(5_000)}`
    assert.equal(joined(linkify(nasty)), nasty)
  })

  it("shows internationalized hosts by their real (punycode) address", () => {
    assert.equal(links("https://аpple.com")[0].href, "https://xn--pple-43d.com/")
  })

  it("does not link e-mail addresses or words that merely contain a scheme", () => {
    assert.deepEqual(links("ana@www.example.com"), [])
    assert.deepEqual(links("nothttps://example.com"), [])
  })

  it("copes with empty and non-string input", () => {
    assert.deepEqual(linkify(""), [])
    assert.deepEqual(linkify(null), [])
    assert.deepEqual(linkify(42), [{ type: "text", text: "42" }])
  })
})

describe("safeHref", () => {
  it("allows only http and https", () => {
    assert.equal(safeHref("https://example.com"), "https://example.com/")
    assert.equal(safeHref("javascript:alert(1)"), null)
    assert.equal(safeHref("ftp://example.com"), null)
    assert.equal(safeHref("not a url"), null)
  })
})
