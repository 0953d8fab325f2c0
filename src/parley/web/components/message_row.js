// One transcript row: the bubble of a message (author, quote, label, text
// with links, shared contacts, time and ticks), its reactions, its failure,
// and the "Reply" / "React" actions. Built from text nodes only.

import { ticks } from "../models/delivery.js"
import { formatDateTime, formatTime } from "../models/format.js"
import { withoutControls } from "../models/linkify.js"
import { clipText } from "../models/long_text.js"
import { describeMessage } from "../models/message_view.js"
import { formatText } from "../models/wa_format.js"
import { attachmentNode } from "./attachment_view.js"
import { formattedText, h, icon, replace } from "./dom.js"

/**
 * @param {object} message
 * @param {object} o
 * @param {boolean} o.cont continues the previous bubble's group
 * @param {object|null} o.me the logged-in user
 * @param {string} o.contact the contact's name
 * @param {{emoji, direction}[]} o.reactions shown under the bubble
 * @param {(id: string) => string} o.attachmentUrl the file's URL (`?download=1` appended for Save as)
 * @param {{reply(m), react(m, anchor), retry(m), discard(m)}|null} o.actions null: read only (a parked item's transcript)
 * @param {boolean} [o.late] a reply shown where it was written, though it went out later
 * @param {{expanded: boolean, toggle(expanded: boolean): void}|null} [o.fold] a long text shown whole or folded
 */
export function messageNode(message, { cont, me, contact, reactions = [], attachmentUrl, actions, late = false, fold = null }) {
  const view = describeMessage(message)
  if (late) {
    view.notes = [...(view.notes ?? []), `Sent late · went out at ${formatTime(message.created_at)}`]
  }
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
    view.notes?.length ? h("div", { class: "msg-notes" },
      view.notes.map((note) => h("span", { class: "msg-note" }, note))) : null,
    view.ad ? adNode(view.ad) : null,
    view.quote ? quoteNode(view.quote, contact) : null,
    view.attachment ? fileNode(view, attachmentUrl) : view.label ? labelNode(view) : null,
    view.product ? h("div", { class: "msg-product" }, "Asked about product ",
      h("strong", { dir: "auto" }, view.product)) : null,
    view.contacts ? contactsNode(view.contacts) : null,
    view.fields?.length ? fieldsNode(view.fields) : null,
    view.order ? orderNode(view.order) : null,
    view.deleted ? h("div", { class: "body body-deleted" }, view.text)
      : view.text ? bodyNode(view.text, fold) : null,
    view.history?.length ? historyNode(view) : null,
    view.problem ? h("div", { class: "msg-problem", role: "note" }, view.problem) : null,
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

let bodies = 0

/** The text; a long one folded to its first lines with "Show more" / "Show less" (models/long_text.js). */
function bodyNode(text, fold) {
  const clip = clipText(text)
  let expanded = Boolean(fold?.expanded) || !clip.more
  const body = h("div", { class: "body", dir: "auto", id: `msg-body-${++bodies}` },
    formattedText(formatText(expanded ? text : clip.text)))
  if (!clip.more) return body
  const button = h("button", { type: "button", class: "btn btn-secondary btn-small show-more",
    "aria-controls": body.id, "aria-expanded": String(expanded),
    title: `${text.length.toLocaleString()} characters` }, expanded ? "Show less" : "Show more")
  button.addEventListener("click", () => {
    expanded = !expanded
    replace(body, formattedText(formatText(expanded ? text : clip.text)))
    button.textContent = expanded ? "Show less" : "Show more"
    button.setAttribute("aria-expanded", String(expanded))
    fold?.toggle(expanded)
    if (!expanded) body.scrollIntoView({ block: "nearest" })
  })
  return [body, button]
}

function adNode(ad) {
  return h("div", { class: "msg-ad", role: "group", "aria-label": "The ad that started the chat" },
    h("span", { class: "msg-ad-kind" }, "From an ad"),
    ad.headline ? h("strong", { dir: "auto" }, ad.headline) : null,
    ad.body ? h("span", { dir: "auto" }, ad.body) : null,
    ad.url ? h("a", { href: ad.url, target: "_blank", rel: "noopener noreferrer" }, "Open the ad") : null,
    ad.clid ? h("span", { class: "muted msg-ad-id", title: "Click-to-WhatsApp click id" }, `Click id ${ad.clid}`) : null)
}

function fieldsNode(fields) {
  return h("dl", { class: "msg-fields" }, fields.flatMap((f) => [
    h("dt", { dir: "auto" }, f.label), h("dd", { dir: "auto" }, f.value || "—")]))
}

function orderNode(order) {
  return h("table", { class: "msg-order" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Item"), h("th", { scope: "col" }, "Qty"),
      h("th", { scope: "col" }, "Price"))),
    h("tbody", {}, order.items.map((i) => h("tr", {}, h("td", { dir: "auto" }, i.sku),
      h("td", {}, i.quantity), h("td", {}, i.price ?? "—")))),
    order.total ? h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "2" }, "Total"),
      h("td", {}, order.total))) : null)
}

function historyNode(view) {
  const title = view.deleted ? "What it said" : view.history.length > 1 ? "Earlier versions" : "Earlier version"
  return h("details", { class: "msg-history" }, h("summary", {}, title),
    h("ol", {}, view.history.map((text) => h("li", { dir: "auto" }, text))))
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

function fileNode(view, attachmentUrl) {
  return attachmentNode(view.attachment, {
    url: (id) => attachmentUrl(id),
    downloadUrl: (id) => `${attachmentUrl(id)}?download=1`,
    thumbnailUrl: (id) => `${attachmentUrl(id)}/thumbnail`,
  }) ?? labelNode(view)
}

function labelNode(view) {
  const glyph = icon(view.link ? "pin" : view.contacts ? "user" : "clip", { size: 14 })
  if (view.link) {
    return h("div", { class: "attach" }, glyph,
      h("a", { href: view.link.href, target: "_blank", rel: "noopener noreferrer", title: "Open the place on a map" },
        `${view.label}: ${view.link.text}`))
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
