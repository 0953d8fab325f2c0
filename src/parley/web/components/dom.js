// Small DOM helpers. Text always goes in as text nodes; there is no path from
// data to innerHTML anywhere in the desktop.

import { codePoint } from "../models/linkify.js"

const SVG_NS = "http://www.w3.org/2000/svg"

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/**
 * h("button", {class: "x", type: "button", onclick}, "Text", child…)
 * Props: `class`, `text`, `dataset`, `on<event>` listeners, booleans as
 * present/absent attributes, everything else as attributes.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (name === "class") el.className = value
    else if (name === "text") el.textContent = value
    else if (name === "dataset") Object.assign(el.dataset, value)
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value)
    else el.setAttribute(name, value === true ? "" : String(value))
  }
  append(el, children)
  return el
}

/** Replace all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

const ICONS = {
  // A chat bubble with a handset: the interaction-type icon for WhatsApp.
  whatsapp: [
    "M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z",
    "M9.2 8.2c.2-.4.5-.4.7-.4h.5c.2 0 .4 0 .5.4l.7 1.6c.1.2 0 .4-.1.6l-.5.6c-.1.1-.1.3 0 .5.5.9 1.3 1.7 2.2 2.2.2.1.4.1.5 0l.6-.6c.2-.2.4-.2.6-.1l1.6.7c.3.1.4.3.4.5v.5c0 .3-.1.6-.5.8-.5.3-1.3.5-2.3.2-1.5-.5-3.4-2.2-4.1-3.8-.4-1-.3-1.8 0-2.3z",
  ],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  done: ["M4 12.5l5 5L20 6.5"],
  close: ["M6 6l12 12M18 6L6 18"],
  chevron: ["M7 10l5 5 5-5"],
  logout: ["M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3", "M10 17l5-5-5-5", "M15 12H4"],
  moon: ["M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z"],
  sun: ["M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z", "M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"],
  send: ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4"],
  download: ["M12 4v11", "M7 10.5l5 5 5-5", "M5 19.5h14"],
  mic: ["M12 3.5a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0v-5a3 3 0 0 0-3-3z", "M6 11a6 6 0 0 0 12 0", "M12 17v3.5"],
  file: ["M7 3.5h7l4.5 4.5v12a.5.5 0 0 1-.5.5H7a.5.5 0 0 1-.5-.5v-16a.5.5 0 0 1 .5-.5z", "M14 3.5V8h4.5"],
  clip: ["M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.5 3.5 0 0 1 5 5L10 17.5a2 2 0 0 1-3-3l7.5-7.5"],
  pin: ["M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z", "M12 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"],
  smile: ["M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z", "M8.5 14.5a4.5 4.5 0 0 0 7 0", "M9 9.5h.01M15 9.5h.01"],
  reply: ["M10 8L5 12.5 10 17", "M5.5 12.5H14a5 5 0 0 1 5 5v1"],
  react: ["M12 4a8 8 0 1 0 8 8", "M8.5 14a4 4 0 0 0 6 .5", "M9 9.5h.01M14.5 9.5h.01", "M19 2.5v5M16.5 5h5"],
  search: ["M11 5a6 6 0 1 0 0 12 6 6 0 0 0 0-12z", "M20 20l-4.5-4.5"],
  bell: ["M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z", "M10 20.5a2 2 0 0 0 4 0"],
  bellOff: ["M6 16V11a6 6 0 0 1 9.5-4.9M18 10.5V16l1.5 2H8", "M10 20.5a2 2 0 0 0 4 0", "M4 4l16 16"],
  user: ["M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8z", "M4.5 20a7.5 7.5 0 0 1 15 0"],
  chat: ["M4 5h16v11H9l-5 4z", "M12 8v5M9.5 10.5h5"],
  session: ["M4 12a8 8 0 0 1 14-5.3L20 9", "M20 4v5h-5", "M20 12a8 8 0 0 1-14 5.3L4 15", "M4 20v-5h5"],
  history: ["M12 4a8 8 0 1 0 8 8", "M12 8v4l3 2", "M20 4v4h-4"],
  contacts: ["M6 3h12a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H6z", "M12 8a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z", "M8.5 17a3.5 3.5 0 0 1 7 0", "M4 7h2M4 12h2M4 17h2"],
  merge: ["M6 4v5a4 4 0 0 0 4 4h8", "M6 20v-5", "M15 10l3 3-3 3"],
  users: ["M9 4.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z", "M2.5 19.5a6.5 6.5 0 0 1 13 0", "M16 4.8a3.5 3.5 0 0 1 0 6.4", "M18 13.6a6.5 6.5 0 0 1 3.5 5.9"],
  inbox: ["M4 13l2.5-7h11L20 13v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1z", "M4 13h4.5l1 2h5l1-2H20"],
  rows: ["M4 6h16", "M4 10h16", "M4 14h16", "M4 18h16"],
}

/** A decorative inline SVG icon (aria-hidden); name it with the button's own label. */
export function icon(name, { size = 16, className = "" } = {}) {
  const svg = document.createElementNS(SVG_NS, "svg")
  svg.setAttribute("viewBox", "0 0 24 24")
  svg.setAttribute("width", String(size))
  svg.setAttribute("height", String(size))
  svg.setAttribute("aria-hidden", "true")
  svg.setAttribute("focusable", "false")
  svg.setAttribute("class", `icon icon-${name} ${className}`.trim())
  for (const d of ICONS[name] ?? []) {
    const path = document.createElementNS(SVG_NS, "path")
    path.setAttribute("d", d)
    svg.append(path)
  }
  return svg
}

/** Text with http(s) links as real anchors that open in a new tab. */
export function linkedText(tokens) {
  return tokens.map((token) => {
    if (token.type === "link" && /^https?:\/\//i.test(token.href)) {
      return h("a", { href: token.href, target: "_blank", rel: "noopener noreferrer", title: token.href, dir: "ltr" },
        token.text)
    }
    if (token.type === "control") {
      const name = codePoint(token.text)
      return h("span", { class: "bidi-control", title: `Direction control ${name}, shown and not applied` }, name)
    }
    return document.createTextNode(token.text)
  })
}

const STYLE_TAGS = { bold: "strong", italic: "em", strike: "s", code: "code", pre: "code" }

/** A formatted tree from models/wa_format.js: styles as elements, leaves through linkedText(). */
export function formattedText(nodes) {
  return nodes.map((node) => {
    if (!node.children) return linkedText([node])
    const tag = STYLE_TAGS[node.type] ?? "span"
    return h(tag, { class: `wa-${node.type}` }, formattedText(node.children))
  })
}

/** Whether a scroll container is (nearly) scrolled to its bottom. */
export function nearBottom(el, slack = 80) {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= slack
}
