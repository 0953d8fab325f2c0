// How a contact is named wherever the desktop shows one. Pure.

import { formatPhone } from "./format.js"

/** The interaction's contact: the name an agent gave, else WhatsApp's profile name, else the number. */
export function contactName(interaction) {
  const c = interaction?.contact ?? {}
  return c.name || c.profile_name || formatPhone(c.wa_id) || c.username || `Interaction ${interaction?.id ?? ""}`
}
