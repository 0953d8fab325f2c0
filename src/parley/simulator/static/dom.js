// DOM helpers. Text only ever goes in through text nodes, never as markup.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// As WhatsApp: a marker opens after a non-word character and before a non-space, and closes
// after a non-space before a non-word character, so snake_case_words stay plain.
const TOKENS = /((?<![\p{L}\p{N}_*~])([*_~])(?=\S)[^\n]*?\S\2(?![\p{L}\p{N}])|```[^`]+```|https?:\/\/[^\s<>"']+)/gu;

// WhatsApp-style formatting (*bold*, _italic_, ~strike~, ```mono```) and links, safely.
export function formatText(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of String(text ?? "").matchAll(TOKENS)) {
    fragment.append(text.slice(last, match.index));
    const token = match[0];
    if (token.startsWith("http")) {
      fragment.append(h("a", { href: token, target: "_blank", rel: "noopener noreferrer", text: token }));
    } else if (token.startsWith("```")) {
      fragment.append(h("code", { text: token.slice(3, -3) }));
    } else {
      const tag = { "*": "strong", _: "em", "~": "s" }[token[0]];
      fragment.append(h(tag, { text: token.slice(1, -1) }));
    }
    last = match.index + token.length;
  }
  fragment.append(String(text ?? "").slice(last));
  return fragment;
}

export function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function dayLabel(seconds) {
  const day = new Date(seconds * 1000);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86400000);
  if (day.toDateString() === today.toDateString()) return "Today";
  if (day.toDateString() === yesterday.toDateString()) return "Yesterday";
  return day.toLocaleDateString([], { day: "numeric", month: "long", year: "numeric" });
}

export function fileSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).slice(0, 2);
  return parts.map((p) => p[0]?.toUpperCase() ?? "").join("") || "?";
}
