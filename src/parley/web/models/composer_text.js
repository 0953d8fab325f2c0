// The composer's rules: WhatsApp's 4096-character text limit, and which key
// press sends (Enter) versus adds a line (Shift+Enter, or while an input
// method is composing a character).

export const TEXT_LIMIT = 4096

/** Characters as a person counts them (code points, so an emoji is not two). */
export function measureText(text, limit = TEXT_LIMIT) {
  const value = typeof text === "string" ? text : ""
  const length = [...value].length
  return {
    length,
    limit,
    remaining: limit - length,
    over: length > limit,
    empty: value.trim() === "",
  }
}

/** Why Send is disabled for a draft over the limit ("4,100 / 4,096 — shorten the reply to send it"), or "". */
export function overLimitMessage({ length, limit, over }, locale = undefined) {
  if (!over) return ""
  return `${length.toLocaleString(locale)} / ${limit.toLocaleString(locale)} — shorten the reply to send it`
}

/** Whether a keydown should send the message. */
export function isSendKey({ key, shiftKey, altKey, isComposing, keyCode }) {
  if (key !== "Enter" || isComposing || keyCode === 229) return false
  return !shiftKey && !altKey
}
