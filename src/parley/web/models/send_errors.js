// What the agent can do about a message WhatsApp refused, by Meta's error code
// (WHATSAPP.md §7.2). Meta's own title and details are shown too; this says it
// in the agent's words and points at the way forward. Pure: no DOM.

const ADVICE = {
  131047: "More than 24 hours have passed since the customer last wrote, so WhatsApp only delivers templates. Send a notification to reach them again.",
  131026: "WhatsApp could not deliver to this number: it may not be on WhatsApp, use an old app version, or have blocked the business.",
  131049: "WhatsApp held this message back to protect the customer from too many business messages. Try again tomorrow.",
  131050: "The customer has stopped marketing messages from the business.",
  132000: "The number of values does not match the approved template. Ask an admin to sync the templates.",
  132001: "This template does not exist in this language or is not approved yet.",
  132005: "The filled-in template is too long for WhatsApp. Shorten the values.",
  132007: "WhatsApp found that the template breaks its content policy.",
  132012: "A value does not have the format the template expects.",
  132015: "WhatsApp paused this template because of low quality. Use another template.",
  132016: "WhatsApp disabled this template. Use another template.",
}

/** Advice for a WhatsApp error code, or "" when there is nothing to add. */
export function adviceFor(code) {
  return ADVICE[Number(code)] ?? ""
}
