// The admin banner about the WhatsApp account (restricted, banned, number flagged), from
// GET /api/v1/account/alerts. Pure: the API's answer in, what to show out.

export const ALERT_ROLES = new Set(["supervisor", "admin"])
export const ALERT_REFRESH_MS = 5 * 60 * 1000

/** @returns {{text: string, title: string}|null} null when nothing limits sending */
export function accountBanner(answer) {
  const banner = answer && typeof answer === "object" ? answer.banner : null
  if (!banner || typeof banner !== "object" || typeof banner.title !== "string" || !banner.title) return null
  const when = typeof banner.received_at === "string" ? banner.received_at : ""
  return { text: banner.title, title: when ? `Reported by WhatsApp at ${when}` : "Reported by WhatsApp" }
}
