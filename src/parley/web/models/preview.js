// The one-line preview of an interaction's newest message in the bar (and in
// desktop notifications). Pure, from the interaction's `last_message`.

import { withoutControls } from "./linkify.js"

const PREVIEW_LABELS = {
  image: "Photo", video: "Video", audio: "Audio", document: "Document", sticker: "Sticker",
  location: "Location", contacts: "Contact card", reaction: "Reaction", template: "Template",
}

/**
 * @param viewer `meId` (who is looking) and `nameOf(userId)` (a user's name, or null): an
 *   outgoing message reads "You:" only for the person who wrote it, else its author's name,
 *   else "Agent:" (a supervisor on the Floor did not write Alice's reply).
 */
export function previewOf(interaction, { meId = null, nameOf = () => null } = {}) {
  const last = interaction.last_message
  if (!last) return interaction.state === "offered" ? "New WhatsApp chat" : ""
  // A reaction's text is its bare emoji, which alone reads like a message the customer typed.
  if (last.type === "reaction") return reactionPreview(interaction, last, meId, nameOf)
  // The server's preview text of a media message is its caption, or else its type name.
  const label = PREVIEW_LABELS[last.type]
  const text = label && (!last.text || last.text === last.type) ? label : last.text || label || ""
  const body = withoutControls(text).replace(/\s+/g, " ").trim()
  return last.direction === "out" ? `${author(interaction, last, meId, nameOf)}: ${body}` : body
}

function reactionPreview(interaction, last, meId, nameOf) {
  const emoji = withoutControls(last.text ?? "").trim()
  const body = emoji && emoji !== "reaction" ? `Reacted ${emoji}` : "Removed a reaction"
  return last.direction === "out"
    ? `${author(interaction, last, meId, nameOf)}: ${body.replace("Reacted", "reacted").replace("Removed", "removed")}`
    : body
}

/** Who wrote an outgoing message, as the viewer reads it. */
function author(interaction, last, meId, nameOf) {
  // A preview stored before it named its author: the agent who holds the chat wrote it.
  const by = last.author_id === undefined ? interaction.agent_id ?? null : last.author_id
  if (by !== null && meId !== null && by === meId) return "You"
  return (by !== null && nameOf(by)) || "Agent"
}
