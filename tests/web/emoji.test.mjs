import assert from "node:assert/strict"
import { existsSync, readFileSync } from "node:fs"
import { describe, it } from "node:test"

import {
  DATA_FILES, RecentEmoji, VENDOR_BASE, buildEmojiIndex, pickerSections, searchEmoji,
} from "../../src/parley/web/models/emoji_data.js"

const MESSAGES = { groups: [
  { key: "smileys-emotion", message: "smileys & emotion", order: 0 },
  { key: "people-body", message: "people & body", order: 1 },
  { key: "component", message: "components", order: 2 },
  { key: "food-drink", message: "food & drink", order: 4 },
] }
const COMPACT = [
  { group: 0, hexcode: "1F600", label: "grinning face", order: 1, tags: ["face", "grin", "happy"], unicode: "😀" },
  { group: 0, hexcode: "1F602", label: "face with tears of joy", order: 3, tags: ["joy", "laugh", "tear"], unicode: "😂" },
  { group: 1, hexcode: "1F44D", label: "thumbs up", order: 353, tags: ["+1", "good", "yes"], unicode: "👍️" },
  { group: 2, hexcode: "1F3FB", label: "light skin tone", order: 9000, tags: ["skin"], unicode: "🏻" },
  { group: 4, hexcode: "1F355", label: "pizza", order: 700, tags: ["cheese", "slice"], unicode: "🍕" },
  { hexcode: "1F1E6", label: "regional indicator A", unicode: "🇦" },
]
const SHORTCODES = { "1F44D": ["+1", "thumbsup"], "1F355": "pizza" }

const index = buildEmojiIndex(COMPACT, MESSAGES, SHORTCODES)

describe("emoji index", () => {
  it("keeps emojibase's categories in order, without components or ungrouped symbols", () => {
    assert.deepEqual(index.categories.map((c) => c.label), ["Smileys & emotion", "People & body", "Food & drink"])
    assert.equal(index.byUnicode.has("🏻"), false)
    assert.equal(index.byUnicode.has("🇦"), false)
  })

  it("finds by name, keyword and shortcode, best match first", () => {
    assert.deepEqual(searchEmoji(index, "pizza").map((e) => e.unicode), ["🍕"])
    assert.deepEqual(searchEmoji(index, "cheese").map((e) => e.unicode), ["🍕"])
    assert.deepEqual(searchEmoji(index, ":thumbsup:").map((e) => e.unicode), ["👍️"])
    assert.deepEqual(searchEmoji(index, "face").map((e) => e.unicode), ["😂", "😀"]) // a name starting so wins
    assert.deepEqual(searchEmoji(index, "laugh").map((e) => e.unicode), ["😂"])
    assert.deepEqual(searchEmoji(index, "THUMBS up").map((e) => e.unicode), ["👍️"])
    assert.deepEqual(searchEmoji(index, "face joy").map((e) => e.unicode), ["😂"])
    assert.deepEqual(searchEmoji(index, "   "), [])
    assert.deepEqual(searchEmoji(index, "zzz"), [])
  })

  it("puts recently used emoji first, newest first, without duplicates", () => {
    const memory = new Map()
    const storage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v) }
    const recent = new RecentEmoji({ storage, max: 2 })
    recent.use("🍕")
    recent.use("😀")
    recent.use("🍕")
    assert.deepEqual(recent.list(), ["🍕", "😀"])
    recent.use("👍️")
    assert.deepEqual(recent.list(), ["👍️", "🍕"])
    const sections = pickerSections(index, recent.list())
    assert.equal(sections[0].label, "Recently used")
    assert.deepEqual(sections[0].emojis.map((e) => e.unicode), ["👍️", "🍕"])
    assert.equal(pickerSections(index, [])[0].key, "smileys-emotion")
  })

  it("leaves out emoji newer than most systems can draw", () => {
    const newer = buildEmojiIndex(COMPACT, MESSAGES, SHORTCODES, { "0.6": ["1F600"], "16.0": ["1F355"] })
    assert.equal(newer.byUnicode.has("🍕"), false)
    assert.equal(newer.byUnicode.has("😀"), true)
  })

  it("survives broken storage and data", () => {
    const recent = new RecentEmoji({ storage: { getItem: () => "{not json", setItem: () => { throw new Error("full") } } })
    assert.deepEqual(recent.list(), [])
    assert.deepEqual(recent.use("😀"), ["😀"])
    assert.deepEqual(buildEmojiIndex(null, null).categories, [])
  })
})

const vendored = new URL(`../../src/parley/web/${VENDOR_BASE}`, import.meta.url)
describe("the installed emojibase data", { skip: !existsSync(new URL(DATA_FILES.emojis, vendored)) }, () => {
  it("indexes thousands of emoji in nine categories", () => {
    const read = (name) => JSON.parse(readFileSync(new URL(DATA_FILES[name], vendored), "utf8"))
    const real = buildEmojiIndex(read("emojis"), read("messages"), read("shortcodes"), read("versions"))
    assert.equal(real.categories.length, 9)
    assert.ok(real.byUnicode.size > 1500)
    assert.equal(searchEmoji(real, "thumbs up")[0].label, "thumbs up")
    assert.ok(searchEmoji(real, "pizza").some((e) => e.label === "pizza"))
  })
})
