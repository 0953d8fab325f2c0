// What a transcript shows for one Message, and the transcript's rows with
// date separators. Pure: strings and numbers in, plain objects out.

import { adviceFor } from "./send_errors.js"
import { dayNumber, formatDay } from "./format.js"

/** A key stable across the optimistic bubble and the server's message that replaces it. */
export function messageKey(message) {
  if (message.key) return message.key // synthetic rows (session events) name themselves
  return message.client_id ? `c:${message.client_id}` : `m:${message.id}`
}

/** The time a message happened: when the agent wrote a reply that went out late, else
 * WhatsApp's timestamp, else when Parley stored it. */
export function messageTime(message) {
  return message.composed_at ?? message.timestamp ?? message.created_at ?? null
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
  request_welcome: "Welcome request",
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

/** The message's file (`content.attachment`: {id, state, kind, filename, mime_type, size, voice, error}). */
function attachmentOf(message) {
  const a = message.content?.attachment
  return a && typeof a === "object" && a.id !== undefined && a.id !== null ? a : null
}

function labelOf(message) {
  const content = message.content ?? {}
  const file = attachmentOf(message)
  switch (message.type) {
    case "audio":
      return content.voice || file?.voice ? "Voice message" : "Audio"
    case "document": {
      const name = content.filename || file?.filename
      return typeof name === "string" && name ? name : "Document"
    }
    default:
      return LABELS[message.type] ?? null
  }
}

/**
 * @returns {{kind: "bubble"|"system"|"reaction", side: "in"|"out"|"center", text: string,
 *   label: string|null, link: {href,text}|null, attachment: object|null (content.attachment),
 *   quote: {text: string, direction: string|null}|null, status: string|null, error: {title,details}|null,
 *   contacts: {name: string, phones: string[]}[]|null,
 *   author: string|null, time: string|null, local: boolean,
 *   notes: string[], ad: {headline, body, url, clid, media}|null, fields: {label, value}[]|null,
 *   order: {items: {sku, quantity, price}[], total: string|null}|null,
 *   product: string|null, problem: string|null, history: string[], deleted: boolean}}
 */
export function describeMessage(message) {
  const view = describeBody(message)
  return view.kind === "bubble" ? { ...view, ...extrasOf(message, view) } : view
}

function describeBody(message) {
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
    case "interactive":
      return { ...base, label: interactiveLabel(message.content) }
    default:
      if (LABELS[message.type]) return { ...base, label: labelOf(message) }
      return { ...base, label: "Unsupported message", text: text || UNSUPPORTED_TEXT }
  }
}

function interactiveLabel(content) {
  switch (content?.kind) {
    case "nfm_reply":
      return "Form answers"
    case "call_permission_reply":
      return "Call permission"
    default:
      return LABELS.interactive
  }
}

const str = (value) => (typeof value === "string" && value ? value : null)

/** What the agent must know beside the body: forwarding, edits, the ad, Flow answers, order
 * items, the product asked about, and WhatsApp's own errors on what the customer sent. */
function extrasOf(message, view) {
  const content = message.content && typeof message.content === "object" ? message.content : {}
  const notes = []
  if (content.source === "business_app") notes.push("Sent from the WhatsApp Business app")
  if (content.frequently_forwarded) notes.push("Forwarded many times")
  else if (content.forwarded) notes.push("Forwarded")
  if (content.edited && !content.deleted) notes.push("Edited")
  const history = (Array.isArray(content.history) ? content.history : [])
    .map((v) => str(v?.text)).filter(Boolean)
  const deleted = content.deleted === true
  const extras = { notes, history, deleted, ad: adOf(content.referral), fields: null, order: null,
    product: null, problem: null }
  if (deleted) extras.text = "This message was deleted by the customer."
  if (message.type === "interactive" && content.kind === "nfm_reply") {
    const fields = Array.isArray(content.fields) ? content.fields : []
    extras.fields = fields.filter((f) => f && typeof f === "object")
      .map((f) => ({ label: String(f.label ?? f.name ?? ""), value: String(f.value ?? "") }))
    extras.text = extras.fields.length ? "" : view.text
  }
  if (message.type === "order") {
    extras.order = orderOf(content)
    extras.text = str(content.text) ?? ""
  }
  const product = content.referred_product
  if (product && typeof product === "object" && str(product.product_retailer_id)) {
    extras.product = product.product_retailer_id
  }
  const errors = Array.isArray(content.errors) ? content.errors : []
  // A file Parley tracks says so in its own box ("Photo could not be fetched" and why): once is enough.
  const fileSays = content.attachment && typeof content.attachment === "object"
  if (message.direction !== "out" && errors.length && message.type !== "unsupported" && !fileSays) {
    const first = errors[0] ?? {}
    const what = (view.label ?? "This message").toLowerCase()
    extras.problem = `WhatsApp could not receive this ${what}: ${str(first.title) ?? "unknown error"}` +
      `${first.code !== undefined ? ` (${first.code})` : ""}. Ask the customer to send it again.`
  }
  return extras
}

function adOf(referral) {
  if (!referral || typeof referral !== "object") return null
  const ad = {
    headline: str(referral.headline),
    body: str(referral.body),
    url: /^https?:\/\//i.test(referral.source_url ?? "") ? referral.source_url : null,
    clid: str(referral.ctwa_clid),
    media: str(referral.media_type),
  }
  return ad.headline || ad.body || ad.url || ad.clid ? ad : null
}

function orderOf(content) {
  const items = (Array.isArray(content.product_items) ? content.product_items : [])
    .filter((i) => i && typeof i === "object")
    .map((i) => ({
      sku: String(i.product_retailer_id ?? "?"),
      quantity: i.quantity === null || i.quantity === undefined ? "?" : String(i.quantity),
      price: i.item_price === null || i.item_price === undefined
        ? null : [str(i.currency), String(i.item_price)].filter(Boolean).join(" "),
    }))
  const total = content.total && typeof content.total === "object"
    ? [str(content.total.currency), String(content.total.amount ?? "")].filter(Boolean).join(" ")
    : null
  return { items, total }
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
 * Transcript rows, oldest first: a "session" row where one WhatsApp session of
 * the contact gives way to the next (the transcript is the contact's, across
 * sessions), a "day" row whenever the calendar day changes (after the session
 * row, so a session's end is filed under the day it ended), then the message
 * rows. Event rows (`event: true`) take the session they tell of: one that
 * starts a session ("joined", "started", "new_session") the next message's,
 * any other the previous message's. A session row names the interaction that
 * ended there (`endedId`) only when the next session belongs to another one.
 */
export function transcriptRows(messages, nowMs, { locale, timeZone } = {}) {
  const rows = []
  const seen = new Map()
  const sessions = new Map()
  const owners = eventSessions(messages)
  let lastDay = null
  let lastSession = null
  let lastInteraction = null
  messages.forEach((message, index) => {
    const owner = message.event ? owners[index] : { session: message.session_id ?? null, interaction: message.interaction_id ?? null }
    const session = owner.session
    if (session !== null) {
      if (lastSession !== null && session !== lastSession) {
        const nth = (sessions.get(session) ?? 0) + 1
        sessions.set(session, nth)
        const ended = owner.interaction !== null && owner.interaction === lastInteraction ? null : lastInteraction
        rows.push({ type: "session", key: `s:${session}:${nth}`, label: "New session", endedId: ended })
      }
      lastSession = session
    }
    const time = messageTime(message)
    const day = dayNumber(time, { timeZone })
    if (day !== null && day !== lastDay) {
      const nth = (seen.get(day) ?? 0) + 1
      seen.set(day, nth)
      const label = formatDay(time, nowMs, { locale, timeZone })
      rows.push({ type: "day", key: `d:${day}:${nth}`, label })
      lastDay = day
    }
    if (!message.event && owner.interaction !== null) lastInteraction = owner.interaction
    else if (!message.event) lastInteraction = null
    rows.push({ type: "message", key: messageKey(message), message })
  })
  return rows
}

const STARTS = new Set(["joined", "started", "new_session"])

/** The session and interaction each event row tells of (see transcriptRows); null for messages. */
function eventSessions(messages) {
  const real = (m) => !m?.event && (m?.session_id ?? null) !== null
  const owners = new Array(messages.length).fill(null)
  let next = null
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (real(m)) next = m
    else if (m.event) owners[i] = { next }
  }
  let previous = null
  messages.forEach((m, i) => {
    if (real(m)) previous = m
    if (!m.event) return
    const from = STARTS.has(m.content?.kind) ? owners[i].next ?? previous : previous ?? owners[i].next
    owners[i] = { session: from?.session_id ?? null, interaction: from?.interaction_id ?? null }
  })
  return owners
}
