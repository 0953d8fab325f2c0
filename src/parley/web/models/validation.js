// A refused input said in words an agent reads: the API's 422 names the field and
// the rule ("q: String should have at most 200 characters"); the desktop says
// "The search can be at most 200 characters." Pure.

const LABELS = { q: "The search", name: "The name", email: "The email", notes: "The notes",
  text: "The message", note: "The note", reason: "The reason", disposition: "The disposition" }

/** The label of an API field name: "fields.Company" is the custom field "Company". */
export function fieldLabel(field) {
  const name = String(field ?? "")
  if (name.startsWith("fields.")) return `“${name.slice(7)}”`
  return LABELS[name] ?? (name ? `“${name}”` : "This")
}

/**
 * @param {{field: string, message: string}[]} fields the API's validation details
 * @param {string} fallback the API's own message
 * @returns {string} one sentence about the first refused field
 */
export function humanValidation(fields, fallback) {
  const first = Array.isArray(fields) ? fields[0] : null
  if (!first) return fallback
  const label = fieldLabel(first.field)
  const message = String(first.message ?? "")
  const long = /at most (\d+) characters?/.exec(message)
  if (long) return `${label} can be at most ${Number(long[1]).toLocaleString("en-US")} characters.`
  const short = /at least (\d+) characters?/.exec(message)
  if (short) return `${label} needs at least ${short[1]} characters.`
  if (/valid email/i.test(message)) return `${label} needs to be a valid email address (name@example.com).`
  return fallback
}
