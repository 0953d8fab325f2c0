// The one-line preview of an interaction's newest message in the bar (and in
// desktop notifications). Pure, from the interaction's `last_message`.

import { withoutControls } from "./linkify.js"

const PREVIEW_LABELS = {
  image: "Photo", video: "Video", audio: "Audio", document: "Document", sticker: "Sticker",
  location: "Location", contacts: "Contact card", reaction: "Reaction", template: "Template",
}

export function previewOf(interaction) {
  const last = interaction.last_message
  if (!last) return interaction.state === "offered" ? "New WhatsApp chat" : ""
  // A reaction's text is its bare emoji, which alone reads like a message the customer typed.
  if (last.type === "reaction") return reactionPreview(last)
  // The server's preview text of a media message is its caption, or else its type name.
  const label = PREVIEW_LABELS[last.type]
  const text = label && (!last.text || last.text === last.type) ? label : last.text || label || ""
  const body = withoutControls(text).replace(/\s+/g, " ").trim()
  return last.direction === "out" ? `You: ${body}` : body
}

function reactionPreview(last) {
  const emoji = withoutControls(last.text ?? "").trim()
  const body = emoji && emoji !== "reaction" ? `Reacted ${emoji}` : "Removed a reaction"
  return last.direction === "out" ? `You: ${body.replace("Reacted", "reacted").replace("Removed", "removed")}` : body
}
