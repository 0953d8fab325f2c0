// Workbins as the desktop shows them: how a workbin is named, how long the
// customer of a parked item has waited, the items sorted and searched, and
// what logging out will do with the chats still open. Pure.

import { contactName } from "./contact.js"
import { formatPhone, toMs } from "./format.js"
import { previewOf } from "./preview.js"

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true })

/** The sort orders of the items table: [value, label]. */
export const SORTS = Object.freeze([
  ["waited", "Waited longest"],
  ["parked", "Parked newest"],
  ["contact", "Contact name"],
])

/** A workbin's name as the agent reads it: theirs is "My workbin", another agent's carries the owner. */
export function workbinLabel(workbin, meId = null) {
  if (!workbin) return ""
  if (workbin.kind !== "personal") return workbin.name
  if (workbin.owner && meId !== null && String(workbin.owner.id) === String(meId)) return "My workbin"
  return workbin.owner?.name ? `${workbin.owner.name}'s workbin` : workbin.name
}

/**
 * The workbins in the order the agent scans them: their own first, then the shared ones by name,
 * then other agents' (supervisors see those) by owner. A new array.
 */
export function orderWorkbins(workbins, meId = null) {
  const rank = (w) => (w?.kind === "personal" && meId !== null && String(w.owner?.id) === String(meId) ? 0
    : w?.kind === "shared" ? 1 : 2)
  const label = (w) => (w?.kind === "shared" ? w.name : w?.owner?.name ?? w?.name ?? "")
  return (Array.isArray(workbins) ? workbins : []).filter(Boolean).slice()
    .sort((a, b) => rank(a) - rank(b) || collator.compare(label(a), label(b)) || Number(a.id) - Number(b.id))
}

/** The workbin's own name under the label, when the label hides it ("WhatsApp in progress"). */
export function workbinSubtitle(workbin) {
  if (!workbin) return ""
  return workbin.kind === "personal" ? workbin.name : workbin.description ?? ""
}

/** Whole seconds the customer has waited for an answer (from `pending_since`), or null when nothing is pending. */
export function waitedSeconds(item, nowMs) {
  const since = toMs(item?.pending_since)
  if (since === null || !Number.isFinite(nowMs)) return null
  return Math.max(0, Math.floor((nowMs - since) / 1000))
}

/** "4 h 12 min", "12 min", "45 s", "2 d 3 h": a wait long enough to be measured in days stays short. */
export function formatWait(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return ""
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s} s`
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`
  return `${m} min`
}

/** The one-line preview of the item's last message (as the interaction bar writes it). */
export function itemPreview(item, meId = null) {
  return previewOf({ last_message: item?.last_message ?? null, state: "parked" }, { meId })
}

const nameOf = (item) => contactName({ contact: item?.contact, id: item?.interaction_id })

/**
 * The items in the chosen order (a new array): `waited` puts the longest-waiting customer first
 * (nothing pending last, then the longest parked), `parked` the newest parked first, `contact` by
 * name. Ties fall back to the interaction id, so the order never jumps between renders.
 */
export function sortItems(items, by = "waited") {
  const list = Array.isArray(items) ? items.slice() : []
  const ms = (iso, missing) => toMs(iso) ?? missing
  const id = (a, b) => Number(a.interaction_id) - Number(b.interaction_id)
  const compare = {
    waited: (a, b) => ms(a.pending_since, Infinity) - ms(b.pending_since, Infinity)
      || ms(a.parked_at, Infinity) - ms(b.parked_at, Infinity) || id(a, b),
    parked: (a, b) => ms(b.parked_at, -Infinity) - ms(a.parked_at, -Infinity) || id(a, b),
    contact: (a, b) => collator.compare(nameOf(a), nameOf(b)) || id(a, b),
  }[by] ?? (() => 0)
  return list.sort((a, b) => {
    const order = compare(a, b)
    return Number.isNaN(order) ? 0 : order
  })
}

const fold = (text) => String(text ?? "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()

/**
 * The items matching every word of `query` in the contact's names, number (with or without
 * "+", spaces or dashes), last message, reason or who parked it. Accents and case do not matter.
 */
export function filterItems(items, query) {
  const list = Array.isArray(items) ? items : []
  const words = fold(query).split(/\s+/).filter(Boolean)
  if (!words.length) return list.slice()
  return list.filter((item) => {
    const c = item?.contact ?? {}
    const haystack = fold([c.name, c.profile_name, formatPhone(c.wa_id), item?.last_message?.text, item?.reason,
      item?.parked_by?.name].filter(Boolean).join("\n"))
    const digits = String(c.wa_id ?? "")
    return words.every((w) => {
      const asDigits = w.replace(/[\s+()\-.]/g, "")
      return haystack.includes(w) || (/^\d+$/.test(asDigits) && digits.includes(asDigits))
    })
  })
}

/** The items of one workbin, searched then sorted: what the table shows. */
export function visibleItems(items, { query = "", sort = "waited" } = {}) {
  return sortItems(filterItems(items, query), sort)
}

/**
 * The question before logging out with interactions still held: active ones go to the agent's
 * workbin, offers back to the queue. Null when nothing is held (no question).
 */
export function logoutQuestion(interactions, workbinName = "WhatsApp in progress") {
  const held = Array.isArray(interactions) ? interactions : []
  const active = held.filter((i) => i?.state !== "offered").length
  const offers = held.length - active
  if (!held.length) return null
  const n = (count, one, many) => `${count} ${count === 1 ? one : many}`
  const parts = []
  if (active) {
    parts.push(`${active === 1 ? "It goes" : "They go"} to your workbin “${workbinName}”, where you can open ${active === 1 ? "it" : "them"} again.`)
  }
  if (offers) parts.push(`${offers === 1 ? "The offer goes" : "The offers go"} back to the queue.`)
  const what = [active ? n(active, "open interaction", "open interactions") : null,
    offers ? n(offers, "offer", "offers") : null].filter(Boolean).join(" and ")
  if (active && offers) {
    parts[0] = parts[0].replace(/^(It goes|They go)/, active === 1 ? "The interaction goes" : "The interactions go")
  }
  return `You have ${what}. ${parts.join(" ")} Log out anyway?`
}
