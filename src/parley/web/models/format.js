// Times, days and durations for the desktop. Pure: every function takes the
// instant it formats and, where "today" matters, the current time; locale and
// time zone default to the browser's and can be pinned (tests use UTC).

const formatters = new Map()

function formatter(locale, options) {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`
  let found = formatters.get(key)
  if (!found) {
    found = new Intl.DateTimeFormat(locale, options)
    formatters.set(key, found)
  }
  return found
}

/** Milliseconds since the epoch for an ISO 8601 string, or null if it is not one. */
export function toMs(iso) {
  if (iso === null || iso === undefined || iso === "") return null
  const ms = typeof iso === "number" ? iso : Date.parse(iso)
  return Number.isFinite(ms) ? ms : null
}

const pad = (n) => String(n).padStart(2, "0")

/** 42 → "0:42", 292 → "4:52", 3723 → "1:02:03". Negative or bad input counts as 0. */
export function formatDuration(seconds) {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}

/** 1 h 05 min style, for the customer service window: "23 h 12 min", "45 min", "< 1 min". */
export function formatRemaining(seconds) {
  if (!Number.isFinite(seconds) || seconds < 60) return "< 1 min"
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return h > 0 ? `${h} h ${pad(m)} min` : `${m} min`
}

/** The local calendar day of an instant as a day number (days since 1970-01-01 in that zone). */
export function dayNumber(iso, { timeZone } = {}) {
  const ms = toMs(iso)
  if (ms === null) return null
  const parts = formatter("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" })
    .formatToParts(new Date(ms))
  const get = (type) => Number(parts.find((p) => p.type === type)?.value)
  return Math.round(Date.UTC(get("year"), get("month") - 1, get("day")) / 86_400_000)
}

/** 12-hour clocks write "1:01 AM" (a forced "2-digit" gave "01:01 AM" beside "12:59 AM");
 * 24-hour clocks keep their "09:05", which "numeric" would shorten to "9:05". */
function hourStyle(locale) {
  const cycle = formatter(locale, { hour: "numeric" }).resolvedOptions().hourCycle
  return cycle === "h11" || cycle === "h12" ? "numeric" : "2-digit"
}

/** "14:05" (or "2:05 PM", as the locale writes it). */
export function formatTime(iso, { locale, timeZone } = {}) {
  const ms = toMs(iso)
  if (ms === null) return ""
  return formatter(locale, { timeZone, hour: hourStyle(locale), minute: "2-digit" }).format(new Date(ms))
}

/** Full date and time, for title attributes: "Wednesday, May 13, 2020 at 4:55:21 PM". */
export function formatDateTime(iso, { locale, timeZone } = {}) {
  const ms = toMs(iso)
  if (ms === null) return ""
  return formatter(locale, { timeZone, dateStyle: "full", timeStyle: "medium" }).format(new Date(ms))
}

/** Short date and time: "Thu, Nov 26, 10:23 AM". */
export function formatShortDateTime(iso, { locale, timeZone } = {}) {
  const ms = toMs(iso)
  if (ms === null) return ""
  return formatter(locale, { timeZone, weekday: "short", month: "short", day: "numeric", hour: hourStyle(locale), minute: "2-digit" })
    .format(new Date(ms))
}

/** The label of a date separator: "Today", "Yesterday" or "Wednesday, May 13, 2020". */
export function formatDay(iso, nowMs, { locale, timeZone } = {}) {
  const day = dayNumber(iso, { timeZone })
  if (day === null) return ""
  const today = dayNumber(nowMs, { timeZone })
  if (day === today) return "Today"
  if (day === today - 1) return "Yesterday"
  return formatter(locale, { timeZone, weekday: "long", year: "numeric", month: "long", day: "numeric" })
    .format(new Date(toMs(iso)))
}

/** Compact time for lists: today "14:05", this week "Mon", older "May 13". */
export function formatListTime(iso, nowMs, { locale, timeZone } = {}) {
  const day = dayNumber(iso, { timeZone })
  if (day === null) return ""
  const today = dayNumber(nowMs, { timeZone })
  if (day === today) return formatTime(iso, { locale, timeZone })
  const date = new Date(toMs(iso))
  if (today - day < 7 && today - day > 0) return formatter(locale, { timeZone, weekday: "short" }).format(date)
  return formatter(locale, { timeZone, month: "short", day: "numeric" }).format(date)
}

/** A wa_id (digits) as a dialable number: "5511987654321" → "+5511987654321". */
export function formatPhone(waId) {
  const digits = String(waId ?? "").replace(/\D/g, "")
  return digits ? `+${digits}` : ""
}
