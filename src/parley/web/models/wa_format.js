// WhatsApp's text formatting, as WhatsApp renders it: *bold*, _italic_,
// ~strike~, ```monospace``` (may span lines) and `inline code`, around and
// inside the links and bidi controls of linkify.js. Markers count only at
// word edges: "snake_case_words" and "2*3*4" stay plain. Pure: the result is
// a tree of plain objects ({type, children} for styles, linkify's text / link
// / control tokens as leaves) that the component turns into elements and
// text nodes; nothing here is HTML.
//
// Cost stays O(n log n) on hostile input (long runs of markers, unbalanced
// markers): every unit is visited once, closers are found by binary search,
// and a style never nests inside itself, so the tree is at most 3 styles deep.

import { linkify } from "./linkify.js"

const STYLES = { "*": "bold", _: "italic", "~": "strike" }
const CODE = /```([^]+?)```|`([^`\n]+)`/g
const WORD = /[\p{L}\p{N}]/u
const SPACE = /\s/u

/**
 * @param {string} text
 * @returns {object[]} nodes: {type: "bold"|"italic"|"strike"|"code"|"pre", children}
 *   or a linkify token {type: "text"|"link"|"control", text, href?}
 */
export function formatText(text) {
  const source = typeof text === "string" ? text : String(text ?? "")
  const out = []
  let cursor = 0
  // Code first: its content is literal (no styles), and a backtick never sits inside a link.
  for (const match of source.matchAll(CODE)) {
    const body = match[1] ?? match[2]
    if (!body.trim()) continue // "``` ```" is not a block
    out.push(...styled(source.slice(cursor, match.index)))
    out.push({ type: match[1] !== undefined ? "pre" : "code", children: linkify(body) })
    cursor = match.index + match[0].length
  }
  out.push(...styled(source.slice(cursor)))
  return out
}

/** Plain text of a formatted tree (tests, accessible names). */
export function plainText(nodes) {
  return nodes.map((n) => (n.children ? plainText(n.children) : n.text)).join("")
}

/** Styles within one stretch of text, line by line: a marker never pairs across a line break. */
function styled(text) {
  if (!text) return []
  const out = []
  let line = []
  const units = toUnits(linkify(text))
  const endLine = () => {
    out.push(...parseLine(line))
    line = []
  }
  for (const unit of units) {
    if (unit.ch === "\n") {
      endLine()
      out.push({ type: "text", text: "\n" })
    } else {
      line.push(unit)
    }
  }
  endLine()
  return mergeText(out)
}

/** One unit per character of text, one per link or control token (they are never markers). */
function toUnits(tokens) {
  const units = []
  for (const token of tokens) {
    if (token.type === "text") for (const ch of token.text) units.push({ ch })
    else units.push({ token })
  }
  return units
}

const isSpace = (u) => u !== undefined && u.ch !== undefined && SPACE.test(u.ch)
const isWord = (u) => u !== undefined && u.ch !== undefined && WORD.test(u.ch)

function parseLine(units) {
  if (!units.length) return []
  const closers = closerIndexes(units)
  return parseRange(units, 0, units.length - 1, closers)
}

/** Per marker, the sorted positions that may close a style: after non-space, before a non-word. */
function closerIndexes(units) {
  const closers = { "*": [], _: [], "~": [] }
  units.forEach((u, i) => {
    if (STYLES[u.ch] && i > 0 && !isSpace(units[i - 1]) && !isWord(units[i + 1])) closers[u.ch].push(i)
  })
  return closers
}

function canOpen(units, i) {
  return STYLES[units[i].ch] !== undefined && !isWord(units[i - 1]) &&
    units[i + 1] !== undefined && !isSpace(units[i + 1])
}

/** The first closer of `ch` in [from, to], or -1. */
function firstCloser(list, from, to) {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid] < from) lo = mid + 1
    else hi = mid
  }
  return lo < list.length && list[lo] <= to ? list[lo] : -1
}

function parseRange(units, from, to, closers) {
  const out = []
  let plain = []
  for (let i = from; i <= to; i++) {
    const j = canOpen(units, i) ? firstCloser(closers[units[i].ch], i + 2, to) : -1
    // Markers around nothing but the same marker ("****", "~~~~") stay as typed, as in WhatsApp.
    if (j < 0 || onlyMarker(units, i + 1, j - 1, units[i].ch)) {
      plain.push(units[i])
      continue
    }
    out.push(...leaves(plain))
    plain = []
    out.push({ type: STYLES[units[i].ch], children: parseRange(units, i + 1, j - 1, closers) })
    i = j
  }
  out.push(...leaves(plain))
  return out
}

function onlyMarker(units, from, to, ch) {
  for (let k = from; k <= to; k++) if (units[k].ch !== ch) return false
  return true
}

function leaves(units) {
  const out = []
  for (const u of units) {
    if (u.token) out.push(u.token)
    else if (out.at(-1)?.type === "text" && !out.at(-1).children) out.at(-1).text += u.ch
    else out.push({ type: "text", text: u.ch })
  }
  return out
}

function mergeText(nodes) {
  const out = []
  for (const n of nodes) {
    const last = out.at(-1)
    if (n.type === "text" && last?.type === "text") out[out.length - 1] = { type: "text", text: last.text + n.text }
    else out.push(n)
  }
  return out
}
