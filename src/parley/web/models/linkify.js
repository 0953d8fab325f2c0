// Split message text into text, link and control tokens. Only http: and https:
// become links (a bare "www." gets https://); anything else — javascript:,
// data:, vbscript:, file: — stays plain text. Bidi embedding, override and
// isolate characters become "control" tokens, shown as a visible mark instead
// of silently reordering what the agent reads ("\u202Eexe.txt" would read
// "txt.exe"). Tokens carry strings only: the component renders them with text
// nodes and an href property, never HTML.

// A URL runs until whitespace, quotes, angle brackets, or a bidi control
// character (so U+202E cannot reverse how a link reads).
const URL_CHARS = "[^\\s<>\"'`\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]"
// "_" may precede a link and "*_~" end one: WhatsApp's formatting markers around it (wa_format.js).
const PATTERN = new RegExp(`(?<![\\p{L}\\p{N}@.\\-/:])(?:https?:\\/\\/|www\\.)${URL_CHARS}+`, "giu")
const TRAILING = /[.,;:!?…'"»)\]}*_~]+$/u
const MAX_URL_LENGTH = 2048
const CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu

/** Strip trailing punctuation unless it closes a bracket opened inside the URL. */
function trimTrailing(candidate) {
  let url = candidate
  for (;;) {
    const m = url.match(TRAILING)
    if (!m) return url
    const last = url.at(-1)
    const pairs = { ")": "(", "]": "[", "}": "{" }
    if (pairs[last]) {
      const opens = url.split(pairs[last]).length - 1
      const closes = url.split(last).length - 1
      if (opens >= closes) return url
    }
    url = url.slice(0, -1)
  }
}

/** The safe absolute href for a candidate, or null. */
export function safeHref(candidate) {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate
  let url
  try {
    url = new URL(withScheme)
  } catch {
    return null
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null
  if (!url.hostname || url.username || url.password) return null
  return url.href
}

/** Text for one-line places (previews, quotes): direction controls dropped. */
export function withoutControls(text) {
  return String(text ?? "").replace(CONTROLS, "")
}

/** "U+202E": how a control token names its character. */
export function codePoint(char) {
  return `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`
}

function splitControls(token) {
  if (token.type !== "text") return [token]
  const out = []
  let cursor = 0
  for (const match of token.text.matchAll(CONTROLS)) {
    if (match.index > cursor) out.push({ type: "text", text: token.text.slice(cursor, match.index) })
    out.push({ type: "control", text: match[0] })
    cursor = match.index + 1
  }
  if (cursor < token.text.length) out.push({ type: "text", text: token.text.slice(cursor) })
  return out
}

/**
 * @param {string} text
 * @returns {{type: "text"|"link"|"control", text: string, href?: string}[]}
 */
export function linkify(text) {
  const source = typeof text === "string" ? text : String(text ?? "")
  const tokens = []
  let cursor = 0
  const pushText = (s) => {
    if (!s) return
    const last = tokens.at(-1)
    if (last?.type === "text") last.text += s
    else tokens.push({ type: "text", text: s })
  }
  for (const match of source.matchAll(PATTERN)) {
    const raw = trimTrailing(match[0])
    const href = raw.length <= MAX_URL_LENGTH ? safeHref(raw) : null
    if (!href) continue
    pushText(source.slice(cursor, match.index))
    tokens.push({ type: "link", text: raw, href })
    cursor = match.index + raw.length
  }
  pushText(source.slice(cursor))
  return tokens.flatMap(splitControls)
}
