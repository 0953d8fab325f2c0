// What a transcript shows for one Message, and the transcript's rows with
// date separators. Pure: strings and numbers in, plain objects out.

import { adviceFor } from "./send_errors.js"
import { dayNumber, formatDay } from "./format.js"

/** A key stable across the optimistic bubble and the server's message that replaces it. */
export function messageKey(message) {
  if (message.key) return message.key // synthetic rows (session events) name themselves
  return message.client_id ? `c:${message.client_id}` : `m:${message.id}`
}

/** The time a message happened: WhatsApp's timestamp, else when Parley stored it. */
export function messageTime(message) {
  return message.timestamp ?? message.created_at ?? null
}

const LABELS = {
  image: "Photo",
  video: "Video",
  sticker: "Sticker",
  location: "Location",
  contacts: "Contact card",
  interactive: "Reply",
  button: "Button reply",
  order: "Order",
  template: "Template",
}

const UNSUPPORTED_TEXT = "This message type can’t be shown here."

function finiteCoordinate(value, limit) {
  const n = typeof value === "string" ? Number(value) : value
  return typeof n === "number" && Number.isFinite(n) && Math.abs(n) <= limit ? n : null
}

/** An OpenStreetMap link for a location's coordinates, or null. */
export function mapLink(content) {
  const lat = finiteCoordinate(content?.latitude, 90)
  const lng = finiteCoordinate(content?.longitude, 180)
  if (lat === null || lng === null) return null
  return {
    href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`,
    text: `${lat}, ${lng}`,
  }
}

function attachmentOf(message) {
  const content = message.content ?? {}
  const id = content.attachment_id ?? content.media?.attachment_id ?? null
  return id === null || id === undefined ? null : { id: String(id), mimeType: content.mime_type ?? null }
}

function labelOf(message) {
  const content = message.content ?? {}
  switch (message.type) {
    case "audio":
      return content.voice ? "Voice message" : "Audio"
    case "document":
      return typeof content.filename === "string" && content.filename ? content.filename : "Document"
    default:
      return LABELS[message.type] ?? null
  }
}

/**
 * @returns {{kind: "bubble"|"system"|"reaction", side: "in"|"out"|"center", text: string,
 *   label: string|null, link: {href,text}|null, attachment: {id,mimeType}|null,
 *   quote: {text: string, direction: string|null}|null, status: string|null, error: {title,details}|null,
 *   contacts: {name: string, phones: string[]}[]|null,
 *   author: string|null, time: string|null, local: boolean}}
 */
export function describeMessage(message) {
  const side = message.direction === "out" ? "out" : "in"
  const text = typeof message.text === "string" ? message.text : ""
  const base = {
    kind: "bubble",
    side,
    text,
    label: null,
    link: null,
    attachment: null,
    quote: null,
    contacts: null,
    status: side === "out" ? message.status ?? null : null,
    error: message.status === "failed" ? errorOf(message.error) : null,
    author: message.author?.name ?? null,
    time: messageTime(message),
    local: message.id === null || message.id === undefined,
  }
  if (message.reply_to && typeof message.reply_to === "object") {
    const d = message.reply_to.direction
    base.quote = { text: String(message.reply_to.text ?? ""), direction: d === "in" || d === "out" ? d : null }
  }
  switch (message.type) {
    case "system":
      return { ...base, kind: "system", side: "center", status: null }
    case "reaction": {
      const emoji = message.content?.emoji
      return { ...base, kind: "reaction", text: emoji ? `Reacted ${emoji}` : "Removed a reaction" }
    }
    case "location": {
      const content = message.content ?? {}
      const place = [content.name, content.address].filter((s) => typeof s === "string" && s).join("\n")
      return { ...base, label: LABELS.location, text: place || text, link: mapLink(content) }
    }
    case "contacts":
      return { ...base, label: LABELS.contacts, text: "", contacts: contactCards(message.content) }
    case "text":
    case undefined:
      return base
    case "image":
    case "video":
    case "audio":
    case "document":
    case "sticker":
      return { ...base, label: labelOf(message), attachment: attachmentOf(message) }
    default:
      if (LABELS[message.type]) return { ...base, label: labelOf(message) }
      return { ...base, label: "Unsupported message", text: text || UNSUPPORTED_TEXT }
  }
}

/** Shared contact cards as names and phone numbers (WhatsApp's `contacts` message). */
export function contactCards(content) {
  const cards = Array.isArray(content?.contacts) ? content.contacts : []
  return cards.filter((c) => c && typeof c === "object").map((c) => ({
    name: typeof c.name === "string" && c.name ? c.name : "Unnamed contact",
    phones: (Array.isArray(c.phones) ? c.phones : [])
      .map((p) => (typeof p === "string" ? p : p?.phone ?? p?.wa_id ?? ""))
      .filter((p) => typeof p === "string" && p)
      .map(String),
  }))
}

function errorOf(error) {
  if (!error || typeof error !== "object") return { title: "Not delivered", details: "" }
  const title = String(error.title ?? error.message ?? "Not delivered")
  const details = String(error.details ?? error.error_data?.details ?? "")
  const code = error.code === undefined || error.code === null ? "" : ` (${error.code})`
  return { title: `${title}${code}`, details, advice: adviceFor(error.code) }
}

/**
 * Transcript rows, oldest first: a "day" row whenever the calendar day changes,
 * a "session" row where one WhatsApp session of the contact gives way to the
 * next (the transcript is the contact's, across sessions), then the message rows.
 */
export function transcriptRows(messages, nowMs, { locale, timeZone } = {}) {
  const rows = []
  const seen = new Map()
  let lastDay = null
  let lastSession = null
  let lastInteraction = null
  for (const message of messages) {
    const time = messageTime(message)
    const day = dayNumber(time, { timeZone })
    if (day !== null && day !== lastDay) {
      const nth = (seen.get(day) ?? 0) + 1
      seen.set(day, nth)
      const label = formatDay(time, nowMs, { locale, timeZone })
      rows.push({ type: "day", key: `d:${day}:${nth}`, label })
      lastDay = day
    }
    const session = message.session_id ?? null
    if (session !== null) {
      if (lastSession !== null && session !== lastSession) {
        // endedId: the interaction whose messages end here, so the row can say how it ended
        rows.push({ type: "session", key: `s:${session}`, label: "New session", endedId: lastInteraction })
      }
      lastSession = session
    }
    if (!message.event) lastInteraction = message.interaction_id ?? null
    rows.push({ type: "message", key: messageKey(message), message })
  }
  return rows
}
