// A customer may write up to 65,536 characters in one WhatsApp message. The transcript shows the
// first lines of a long one with "Show more", so one message never buries the conversation (and
// never costs the page the layout of 65,000 characters until the agent asks for them). Pure.

export const CLIP_LINES = 12
export const CLIP_CHARS = 900

/**
 * The beginning of `text` to show folded: at most `lines` lines and `chars` characters, cut at
 * a word when one ends near the limit. `more` is false when the whole text fits.
 * @returns {{text: string, more: boolean}}
 */
export function clipText(text, { lines = CLIP_LINES, chars = CLIP_CHARS } = {}) {
  const whole = typeof text === "string" ? text : ""
  // A little room over the limits: folding away one line or a few words helps nobody.
  if (whole.length <= chars * 1.2 && lineCount(whole, lines + 3) <= lines + 2) return { text: whole, more: false }
  let end = Math.min(whole.length, chars)
  let newlines = 0
  for (let i = 0; i < end; i++) {
    if (whole.charCodeAt(i) === 10 && ++newlines === lines) {
      end = i
      break
    }
  }
  let cut = whole.slice(0, end)
  const space = cut.search(/\s\S*$/)
  if (end === chars && space > chars * 0.8) cut = cut.slice(0, space)
  // never split a surrogate pair (an emoji) in two
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return { text: `${cut.trimEnd()}…`, more: true }
}

function lineCount(text, stopAt) {
  let n = 1
  for (let i = 0; i < text.length && n < stopAt; i++) if (text.charCodeAt(i) === 10) n++
  return n
}
