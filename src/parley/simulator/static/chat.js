// Renders one customer's chat. The simulator's `view` field says what to draw; this
// module only builds DOM. Direction is the business's: "in" = sent by this phone.

import { clock, dayLabel, fileSize, formatText, h, initials } from "./dom.js";

const EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

function safeUrl(url) {
  return typeof url === "string" && /^(https?:\/\/|\/)/.test(url) ? url : null;
}

function ticks(message) {
  if (message.direction !== "in") return null;
  const read = message.status === "read";
  const double = read || message.status === "delivered";
  const label = read ? "Read" : double ? "Delivered" : "Sent";
  return h("span", { class: `ticks${read ? " read" : ""}`, title: label, "aria-label": label, text: double ? "✓✓" : "✓" });
}

function media(view) {
  const m = view.media;
  const url = safeUrl(m.url);
  if (!url) return h("div", { class: "note", text: `${m.kind} (unavailable)` });
  if (m.kind === "image" || m.kind === "sticker") {
    return h("div", { class: `media ${m.kind}` }, h("img", { src: url, alt: view.text || m.kind, loading: "lazy" }));
  }
  const playable = (tag) => document.createElement(tag).canPlayType(m.mime_type || "") !== "";
  if (m.kind === "video" && playable("video")) {
    return h("div", { class: "media" }, h("video", { src: url, controls: true, preload: "metadata" }));
  }
  if (m.kind === "audio" && playable("audio")) {
    return h("div", { class: "media" }, h("audio", { src: url, controls: true, preload: "none", "aria-label": m.voice ? "Voice message" : "Audio" }));
  }
  // a document, or media this browser cannot play (AMR): a download
  const ext0 = (m.mime_type || "").split("/").pop().split(";")[0];
  const name = m.filename || (m.kind === "document" ? "document" : `${m.voice ? "voice" : m.kind}.${ext0}`);
  const ext = name.includes(".") ? name.split(".").pop().slice(0, 4) : "file";
  return h("a", { class: "doc", href: url, download: name, target: "_blank", rel: "noopener" },
    h("span", { class: "ext", text: ext }),
    h("span", {}, h("div", { text: name }), h("small", { text: fileSize(m.size) })));
}

function location(view) {
  const loc = view.location;
  return h("div", { class: "location" },
    h("div", { class: "map", "aria-hidden": "true", text: "📍" }),
    loc.name ? h("div", { class: "place", text: loc.name }) : null,
    loc.address ? h("div", { text: loc.address }) : null,
    h("small", { text: `${loc.latitude}, ${loc.longitude}` }));
}

function contacts(view) {
  return view.contacts.map((card) => h("div", { class: "card" },
    h("div", { class: "avatar", "aria-hidden": "true", text: initials(card.name) }),
    h("div", {}, h("strong", { text: card.name }), h("div", { text: card.phones.join(", ") }))));
}

function choices(message, view, handlers) {
  const out = [];
  for (const button of view.buttons ?? []) {
    const url = safeUrl(button.url);
    if (button.kind === "url" && url) {
      out.push(h("a", { class: "choice", href: url, target: "_blank", rel: "noopener noreferrer", text: `↗ ${button.title}` }));
    } else if (button.kind === "reply" || button.kind === "quick_reply") {
      out.push(h("button", { type: "button", class: "choice", text: button.title, onClick: () => handlers.onChoice(message, button) }));
    } else if (button.kind === "phone_number") {
      out.push(h("button", { type: "button", class: "choice", text: `☎ ${button.title}`, disabled: true }));
    }
  }
  if (view.list) {
    out.push(h("button", { type: "button", class: "choice", text: `☰ ${view.list.button}`, onClick: () => handlers.onList(message, view.list) }));
  }
  return out.length ? h("div", { class: "choices" }, out) : null;
}

function actions(message, handlers, holder) {
  const react = h("button", {
    type: "button", class: "mini", "aria-label": "React to message", title: "React", text: "☺",
    onClick: () => {
      const open = holder.querySelector(".emoji-strip");
      if (open) { open.remove(); return; }
      holder.append(h("div", { class: "emoji-strip", role: "group", "aria-label": "Reactions" },
        EMOJI.map((emoji) => h("button", {
          type: "button", "aria-label": `React with ${emoji}`, text: emoji,
          onClick: () => handlers.onReact(message, message.reactions.customer === emoji ? "" : emoji),
        }))));
    },
  });
  const reply = h("button", {
    type: "button", class: "mini", "aria-label": "Reply to message", title: "Reply", text: "↩",
    onClick: () => handlers.onReply(message),
  });
  return h("div", { class: "actions-bar" }, reply, react);
}

function bubble(message, view, businessName) {
  const parts = [];
  if (view.quote) {
    const who = view.quote.direction === "in" ? "You" : businessName;
    parts.push(h("span", { class: "quote" }, h("b", { text: who }), h("span", { text: view.quote.text })));
  }
  if (view.header) parts.push(h("div", { class: "header", text: view.header }));
  if (view.header_media) parts.push(h("div", { class: "note", text: `[${view.header_media.type} header]` }));
  if (view.media) parts.push(media(view));
  if (view.location) parts.push(location(view));
  if (view.contacts) parts.push(...contacts(view));
  if (view.text) parts.push(h("div", { class: view.system ? "system" : "text" }, formatText(view.text)));
  if (view.footer) parts.push(h("div", { class: "footer", text: view.footer }));
  if (message.status === "failed") {
    const error = message.errors[0];
    const why = error ? `${error.title} (${error.code})` : "failed";
    parts.push(h("div", { class: "note", text: `Not delivered to this phone: ${why}` }));
  }
  parts.push(h("span", { class: "meta" }, clock(message.timestamp), ticks(message)));
  return h("div", { class: "bubble" }, parts);
}

export function renderChat(container, messages, handlers, businessName) {
  const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const nodes = [];
  let lastDay = null;
  for (const message of messages) {
    if (message.type === "reaction") continue; // shown on the message it reacts to
    const day = dayLabel(message.timestamp);
    if (day !== lastDay) {
      nodes.push(h("div", { class: "day", text: day }));
      lastDay = day;
    }
    const mine = message.direction === "in";
    const emoji = Object.values(message.reactions ?? {}).filter(Boolean);
    const holder = h("div", {
      class: `msg ${mine ? "mine" : "theirs"}${message.status === "failed" ? " failed" : ""}${emoji.length ? " has-reaction" : ""}`,
      "data-id": message.id,
      "aria-label": `${mine ? "You" : businessName}, ${clock(message.timestamp)}`,
    });
    holder.append(bubble(message, message.view, businessName));
    if (emoji.length) holder.append(h("span", { class: "reactions", "aria-label": `Reactions ${emoji.join(" ")}`, text: emoji.join("") }));
    if (message.status !== "failed") holder.append(actions(message, handlers, holder));
    nodes.push(h("div", { class: "row" }, holder));
    const extra = mine ? null : choices(message, message.view, handlers);
    if (extra) nodes.push(extra);
  }
  if (!nodes.length) nodes.push(h("div", { class: "day", text: `No messages yet. Say hi to ${businessName}!` }));
  container.replaceChildren(...nodes);
  if (nearBottom || handlers.forceScroll) container.scrollTop = container.scrollHeight;
}

export function previewOf(message, businessName) {
  const who = message.direction === "in" ? "You" : businessName;
  const view = message.view ?? {};
  const text = view.text || view.media?.filename || view.media?.kind || view.location?.name || message.type;
  return { who, text: String(text).slice(0, 140) };
}
