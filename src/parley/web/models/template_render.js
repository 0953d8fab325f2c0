// WhatsApp templates in the desktop: the live preview of a notification from
// the template (as GET /templates lists it) and the agent's values. The server
// renders and checks again before sending (parley.domain.templates); this is
// the same rule for the preview. Pure: no DOM.

export const BODY_LIMIT = 1024
export const HEADER_LIMIT = 60
const PARAM = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

const componentOf = (template, type) =>
  (template?.components ?? []).find((c) => String(c?.type ?? "").toUpperCase() === type) ?? null

/**
 * Render `template` with `values` (keyed "1", "first_name", "header.1", "header.media",
 * "button.0"). Missing values show as their label in brackets so the agent sees the gap.
 * @returns {{header: string|null, headerFormat: string|null, headerMedia: string|null,
 *   body: string, footer: string|null, buttons: {type, text, url}[], missing: string[], problems: string[]}}
 */
export function renderTemplate(template, values = {}, labels = {}) {
  const missing = []
  for (const p of template?.parameters ?? []) {
    if (!String(values[p.key] ?? "").trim()) missing.push(p.key)
  }
  const fill = (text, prefix = "") => String(text ?? "").replace(PARAM, (whole, name) => {
    const key = prefix + name
    const value = String(values[key] ?? "")
    return value.trim() ? value : `[${labels[key] || name}]`
  })
  const headerComp = componentOf(template, "HEADER")
  const headerFormat = headerComp ? String(headerComp.format ?? "TEXT").toUpperCase() : null
  const header = headerFormat === "TEXT" ? fill(headerComp.text, "header.") : null
  const headerMedia = headerComp && headerFormat !== "TEXT" ? (values["header.media"] || null) : null
  const body = fill(componentOf(template, "BODY")?.text)
  const footerComp = componentOf(template, "FOOTER")
  const buttons = (componentOf(template, "BUTTONS")?.buttons ?? []).map((b, index) => ({
    type: String(b.type ?? ""),
    text: String(b.text ?? ""),
    url: b.url ? String(b.url).replace(PARAM, () => values[`button.${index}`] ?? "") : null,
  }))
  const problems = []
  const filledLength = (text, prefix) => String(text ?? "").replace(PARAM, (w, name) => String(values[prefix + name] ?? "")).length
  const bodyLength = filledLength(componentOf(template, "BODY")?.text, "")
  if (bodyLength > BODY_LIMIT) problems.push(`The message is ${bodyLength.toLocaleString()} characters; WhatsApp allows ${BODY_LIMIT.toLocaleString()}.`)
  if (headerFormat === "TEXT") {
    const headerLength = filledLength(headerComp.text, "header.")
    if (headerLength > HEADER_LIMIT) problems.push(`The header is ${headerLength} characters; WhatsApp allows ${HEADER_LIMIT}.`)
  }
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith("button.") && key !== "header.media" && /[\n\t]/.test(String(value))) {
      problems.push(`${labels[key] || key}: WhatsApp refuses new lines and tabs in a value.`)
    }
  }
  return { header, headerFormat, headerMedia, body, footer: footerComp ? String(footerComp.text ?? "") : null,
    buttons, missing, problems }
}

/**
 * The parameter fields of a notification: from the filled response's template when there is one
 * (label and default from its binding), else from the template (name as label, empty value).
 * @returns {{key, label, value, example}[]}
 */
export function notificationFields(template, filled = null) {
  const given = new Map((filled?.parameters ?? []).map((p) => [p.key, p]))
  return (template?.parameters ?? []).map((p) => {
    const bound = given.get(p.key)
    return { key: p.key, label: bound?.label || labelOf(p), value: bound?.value ?? "", example: p.example ?? null }
  })
}

function labelOf(p) {
  if (p.key === "header.media") return "Header media (link or media id)"
  if (p.where === "button") return `Button ${Number(p.key.split(".")[1]) + 1} ${p.name === "code" ? "code" : "link"}`
  if (p.where === "header") return `Header ${p.name}`
  return /^\d+$/.test(p.name) ? `Parameter ${p.name}` : p.name.replace(/_/g, " ")
}

/** Whether the notification can be sent: every value filled and no limit broken. */
export function canSend(rendered) {
  return rendered.missing.length === 0 && rendered.problems.length === 0
}
