// The emoji picker's data and rules. The data is emojibase-data (an npm
// package the setup copies to /vendor/, never a hand-typed list); this module
// only shapes it: categories in emojibase's order, search by name, keyword
// and GitHub shortcode, and the agent's recently used emoji first. Pure: the
// JSON and the storage come in as arguments.

export const VENDOR_BASE = "vendor/emojibase-data/en/"
export const DATA_FILES = Object.freeze({
  emojis: "compact.json",
  messages: "messages.json",
  shortcodes: "shortcodes/github.json",
  versions: "../versions/emoji.json",
})

// Emoji newer than this are left out: many agents' and customers' systems
// cannot draw them yet, and a blank box helps nobody.
export const MAX_EMOJI_VERSION = 15.1

// "component" holds bare skin tones and hair styles: not something to send on its own.
const SKIPPED_GROUPS = new Set(["component"])
const CATEGORY_LABELS = {
  "smileys-emotion": "Smileys & emotion",
  "people-body": "People & body",
  "animals-nature": "Animals & nature",
  "food-drink": "Food & drink",
  "travel-places": "Travel & places",
  activities: "Activities",
  objects: "Objects",
  symbols: "Symbols",
  flags: "Flags",
}

const fold = (s) => String(s ?? "").toLocaleLowerCase("en").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")

/**
 * Build the picker's index from emojibase's compact.json, messages.json, a
 * shortcodes file ({hexcode: "name" | ["name", …]}) and versions/emoji.json
 * ({version: [hexcode, …]}).
 * @returns {{categories: {key, label, emojis}[], byUnicode: Map<string, object>}}
 */
export function buildEmojiIndex(compact, messages, shortcodes = {}, versions = {}, maxVersion = MAX_EMOJI_VERSION) {
  const tooNew = new Set(Object.entries(versions ?? {})
    .filter(([version, codes]) => Number(version) > maxVersion && Array.isArray(codes)).flatMap(([, codes]) => codes))
  const groups = new Map()
  for (const group of messages?.groups ?? []) {
    if (SKIPPED_GROUPS.has(group.key)) continue
    groups.set(group.order, { key: group.key, label: CATEGORY_LABELS[group.key] ?? capitalize(group.message),
      emojis: [] })
  }
  const byUnicode = new Map()
  for (const raw of Array.isArray(compact) ? compact : []) {
    const group = groups.get(raw?.group)
    if (!group || typeof raw.unicode !== "string" || typeof raw.label !== "string" || tooNew.has(raw.hexcode)) continue
    const codes = shortcodes?.[raw.hexcode]
    const emoji = {
      unicode: raw.unicode,
      label: raw.label,
      tags: Array.isArray(raw.tags) ? raw.tags.map(String) : [],
      shortcodes: (Array.isArray(codes) ? codes : codes ? [codes] : []).map(String),
      order: Number(raw.order) || 0,
      category: group.key,
    }
    emoji.words = [fold(emoji.label), ...emoji.tags.map(fold), ...emoji.shortcodes.map(fold)]
    group.emojis.push(emoji)
    byUnicode.set(emoji.unicode, emoji)
  }
  const categories = [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => g)
  for (const c of categories) c.emojis.sort((a, b) => a.order - b.order)
  return { categories: categories.filter((c) => c.emojis.length), byUnicode }
}

function capitalize(s) {
  const t = String(s ?? "")
  return t.charAt(0).toLocaleUpperCase("en") + t.slice(1)
}

/**
 * Emoji matching every word of `query`, best first: a name that starts with
 * the query, then a word of the name, then a keyword or shortcode, then any
 * substring. Ties keep emojibase's order.
 */
export function searchEmoji(index, query, limit = 120) {
  const words = fold(query).replace(/^:|:$/g, "").split(/\s+/).filter(Boolean)
  if (!words.length) return []
  const whole = words.join(" ")
  const found = []
  for (const category of index.categories) {
    for (const emoji of category.emojis) {
      let score = 0
      for (const word of words) {
        const s = scoreWord(emoji, word)
        if (s === 0) { score = 0; break }
        score += s
      }
      if (score === 0) continue
      if (emoji.words[0] === whole) score += 100
      else if (emoji.words[0].startsWith(whole)) score += 50
      found.push({ emoji, score })
    }
  }
  found.sort((a, b) => b.score - a.score || a.emoji.order - b.emoji.order)
  return found.slice(0, limit).map((f) => f.emoji)
}

function scoreWord(emoji, word) {
  const [label, ...keywords] = emoji.words
  if (label.split(/[\s:_-]+/).some((w) => w.startsWith(word))) return 10
  if (keywords.some((k) => k === word)) return 8
  if (keywords.some((k) => k.startsWith(word))) return 5
  if (label.includes(word) || keywords.some((k) => k.includes(word))) return 2
  return 0
}

/** The agent's recently used emoji, newest first, kept in a storage like localStorage. */
export class RecentEmoji {
  #storage
  #key
  #max

  constructor({ storage = null, key = "parley-recent-emoji", max = 24 } = {}) {
    this.#storage = storage
    this.#key = key
    this.#max = max
  }

  list() {
    try {
      const value = JSON.parse(this.#storage?.getItem(this.#key) ?? "[]")
      return Array.isArray(value) ? value.filter((e) => typeof e === "string" && e).slice(0, this.#max) : []
    } catch {
      return []
    }
  }

  use(unicode) {
    const next = [unicode, ...this.list().filter((e) => e !== unicode)].slice(0, this.#max)
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(next))
    } catch {
      // private mode or full storage: recents are a convenience
    }
    return next
  }
}

/** The picker's sections: recently used first (when any), then each category. */
export function pickerSections(index, recent) {
  const recentEmojis = recent.map((u) => index.byUnicode.get(u)).filter(Boolean)
  return [
    ...(recentEmojis.length ? [{ key: "recent", label: "Recently used", emojis: recentEmojis }] : []),
    ...index.categories,
  ]
}
