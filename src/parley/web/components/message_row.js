// One transcript row: the bubble of a message (author, quote, label, text
// with links, shared contacts, time and ticks), its reactions, its failure,
// and the "Reply" / "React" actions. Built from text nodes only.

import { ticks } from "../models/delivery.js"
import { formatDateTime, formatTime } from "../models/format.js"
import { withoutControls } from "../models/linkify.js"
import { describeMessage } from "../models/message_view.js"
import { formatText } from "../models/wa_format.js"
import { formattedText, h, icon } from "./dom.js"

/**
 * @param {object} message
 * @param {object} o
 * @param {boolean} o.cont continues the previous bubble's group
 * @param {object|null} o.me the logged-in user
 * @param {string} o.contact the contact's name
 * @param {{emoji, direction}[]} o.reactions shown under the bubble
 * @param {(id: string) => string} o.attachmentUrl
 * @param {{reply(m), react(m, anchor), retry(m), discard(m)}|null} o.actions null: read only (a parked item's transcript)
 */
export function messageNode(message, { cont, me, contact, reactions = [], attachmentUrl, actions }) {
  const view = describeMessage(message)
  const time = h("time", { datetime: view.time ?? "", title: formatDateTime(view.time) }, formatTime(view.time))
  if (view.kind === "system") {
    return h("li", { class: `msg msg-center${message.event ? " msg-event" : ""}` }, h("div", { class: "system-line" },
      h("span", { dir: "auto" }, view.text), h("span", { "aria-hidden": "true" }, " · "), time))
  }
  const showAuthor = view.side === "out" && view.author && message.author?.id !== me?.id && !cont
  const tick = view.side === "out" ? ticks(message.status) : null
  const bubble = h("div", { class: `bubble${view.kind === "reaction" ? " bubble-reaction" : ""}` },
    showAuthor ? h("div", { class: "author" }, view.author) : null,
    view.side === "in" && !cont ? h("div", { class: "author author-in", dir: "auto" }, contact) : null,
    view.quote ? quoteNode(view.quote, contact) : null,
    view.label ? labelNode(view, attachmentUrl) : null,
    view.contacts ? contactsNode(view.contacts) : null,
    view.text ? h("div", { class: "body", dir: "auto" }, formattedText(formatText(view.text))) : null,
    h("div", { class: "meta" }, time, tick
      ? h("span", { class: `ticks ticks-${tick.tone}`, role: "img", "aria-label": tick.label, title: tick.label },
        tick.glyph)
      : null))
  const canAct = actions !== null && !view.local && message.id !== null && message.id !== undefined && view.kind !== "reaction"
  const tools = canAct ? h("div", { class: "msg-tools" },
    h("button", { type: "button", class: "btn btn-ghost btn-icon btn-small", "aria-label": "Reply", title: "Reply (R)",
      "aria-keyshortcuts": "R",
      onclick: () => actions.reply(message) }, icon("reply", { size: 15 })),
    message.wamid ? h("button", { type: "button", class: "btn btn-ghost btn-icon btn-small", "aria-label": "React",
      title: "React (E)", "aria-keyshortcuts": "E", "aria-haspopup": "menu", onclick: (e) => actions.react(message, e.currentTarget) },
    icon("react", { size: 15 })) : null) : null
  const li = h("li", { class: `msg msg-${view.side}${cont ? " cont" : ""}`,
    dataset: { status: message.status ?? "", id: message.id ?? "" } },
  h("div", { class: "msg-line" }, bubble, tools),
  reactions.length ? reactionsNode(reactions, contact) : null)
  if (view.error) li.append(errorNode(message, view, actions))
  return li
}

function quoteNode(quote, contact) {
  const who = quote.direction === "out" ? "You" : quote.direction === "in" ? contact : ""
  return h("blockquote", { class: `quote${quote.direction === "out" ? " quote-out" : ""}` },
    who ? h("span", { class: "quote-who", dir: "auto" }, who) : null,
    h("span", { class: "quote-text", dir: "auto" }, withoutControls(quote.text) || "Earlier message"))
}

function reactionsNode(reactions, contact) {
  return h("div", { class: "reactions" }, reactions.map((r) => {
    const who = r.direction === "out" ? "You" : contact
    return h("span", { class: `reaction reaction-${r.direction}`, role: "img",
      "aria-label": `${who} reacted ${r.emoji}`, title: `${who} reacted` }, r.emoji)
  }))
}

function contactsNode(cards) {
  return h("ul", { class: "cards" }, cards.map((card) => h("li", { class: "card" },
    h("span", { class: "card-icon", "aria-hidden": "true" }, icon("user", { size: 16 })),
    h("span", { class: "card-text" },
      h("strong", { dir: "auto" }, card.name),
      card.phones.length
        ? card.phones.map((p) => h("span", { class: "card-phone", dir: "ltr" }, p))
        : h("span", { class: "muted" }, "No phone number")))))
}

function labelNode(view, attachmentUrl) {
  const glyph = icon(view.link ? "pin" : view.contacts ? "user" : "clip", { size: 14 })
  if (view.link) {
    return h("div", { class: "attach" }, glyph,
      h("a", { href: view.link.href, target: "_blank", rel: "noopener noreferrer", title: "Open the place on a map" },
        `${view.label}: ${view.link.text}`))
  }
  if (view.attachment) {
    return h("div", { class: "attach" }, glyph,
      h("a", { href: attachmentUrl(view.attachment.id), target: "_blank", rel: "noopener noreferrer" }, view.label))
  }
  return h("div", { class: "attach" }, glyph, h("span", {}, view.label))
}

function errorNode(message, view, actions) {
  const box = h("div", { class: "msg-error" },
    h("span", { class: "msg-error-mark", "aria-hidden": "true" }, "!"),
    h("div", { class: "msg-error-text" },
      h("strong", {}, view.error.title),
      view.error.details ? h("span", {}, view.error.details) : null,
      view.error.advice ? h("span", { class: "msg-error-advice" }, view.error.advice) : null))
  if (message.local && actions) {
    box.append(h("div", { class: "msg-error-actions" },
      h("button", { type: "button", class: "btn btn-small btn-secondary", onclick: () => actions.retry(message) }, "Retry"),
      h("button", { type: "button", class: "btn btn-small btn-ghost", onclick: () => actions.discard(message) },
        "Discard")))
  }
  return box
}
