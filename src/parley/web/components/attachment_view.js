// A message's file inside its bubble: a thumbnail that opens a full view, an
// audio or video player, or a document card; "Save as" on each, and a context
// menu ("Open in new tab", "Save as"). The logic is in models/attachments.js.

import { attachmentView } from "../models/attachments.js"
import { h, icon } from "./dom.js"

let probe = null
/** Whether this browser plays `mime` (asked of a media element once per type). */
export function canPlay(mime) {
  probe ??= { audio: document.createElement("audio"), video: document.createElement("video"), cache: new Map() }
  if (!probe.cache.has(mime)) {
    const element = mime.startsWith("video/") ? probe.video : probe.audio
    probe.cache.set(mime, element.canPlayType(mime) !== "")
  }
  return probe.cache.get(mime)
}

/**
 * @param {object} attachment the message's `content.attachment`
 * @param {{url(id): string, downloadUrl(id): string, thumbnailUrl(id): string}} links
 */
export function attachmentNode(attachment, links) {
  const v = attachmentView(attachment, canPlay)
  if (!v) return null
  if (v.state === "loading") {
    return h("div", { class: "file file-loading", role: "status" },
      h("span", { class: "spinner", "aria-hidden": "true" }), h("span", {}, `Loading ${v.label.toLowerCase()}…`))
  }
  if (v.state === "failed") {
    return h("div", { class: "file file-failed", role: "note" },
      h("span", { class: "msg-error-mark", "aria-hidden": "true" }, "!"),
      h("span", { class: "file-text" },
        h("strong", {}, `${v.label} could not be fetched`),
        h("span", { class: "file-sub" }, v.error),
        h("span", { class: "file-sub" }, "Ask the contact to send it again.")))
  }
  const url = links.url(v.id)
  const save = saveLink(v, links.downloadUrl(v.id))
  const body = mediaNode(v, url, v.src === "thumbnail" ? links.thumbnailUrl(v.id) : url)
  const node = h("div", { class: `file file-${v.show}`, dataset: { attachmentId: v.id } }, body,
    v.show === "file" ? null : h("div", { class: "file-bar" },
      v.voice ? h("span", { class: "voice-badge" }, icon("mic", { size: 13 }), "Voice message") : null,
      h("span", { class: "file-sub", dir: "auto" }, v.show === "image" ? v.filename : v.type), save))
  if (v.show === "file") node.append(save)
  // A preview that does not load (gone, or a picture the browser cannot draw): the file instead.
  node.querySelector(".thumb img")?.addEventListener("error", () => {
    const card = attachmentNode({ ...attachment, thumbnail: false, animated: false }, links)
    if (card) node.replaceWith(card)
  }, { once: true })
  node.addEventListener("contextmenu", (event) => {
    event.preventDefault()
    event.stopPropagation()
    openMenu(event, v, url, links.downloadUrl(v.id))
  })
  return node
}

function saveLink(v, href) {
  return h("a", { class: "btn btn-ghost btn-icon btn-small save-as", href, download: v.filename,
    "aria-label": "Save as", title: `Save as… (${v.filename})` }, icon("download", { size: 16 }))
}

function mediaNode(v, url, preview) {
  if (v.show === "image") {
    return h("button", { type: "button", class: "thumb", "aria-label": `Open image ${v.filename}`,
      onclick: () => openViewer(v, url) },
    h("img", { src: preview, alt: v.filename, loading: "lazy", decoding: "async",
      width: v.box?.width, height: v.box?.height }))
  }
  if (v.show === "video") {
    return h("video", { src: url, controls: true, preload: "metadata", "aria-label": `Video ${v.filename}` })
  }
  if (v.show === "audio") {
    return h("audio", { src: url, controls: true, preload: "metadata",
      "aria-label": `${v.voice ? "Voice message" : "Audio"} ${v.filename}` })
  }
  return h("a", { class: "doc", href: url, target: "_blank", rel: "noopener noreferrer",
    title: `Open ${v.filename}`, "aria-label": `Open ${v.filename}`, "aria-describedby": null },
  h("span", { class: "doc-ext", "aria-hidden": "true", dataset: { badge: v.badge } }, v.badge),
  h("span", { class: "file-text" },
    h("strong", { class: "doc-name", dir: "auto" }, v.filename),
    h("span", { class: "file-sub" }, v.type)))
}

let viewer = null
function openViewer(v, url) {
  viewer?.remove()
  const close = h("button", { type: "button", class: "btn btn-secondary", onclick: () => viewer.close() },
    icon("close", { size: 16 }), h("span", {}, "Close"))
  viewer = h("dialog", { class: "viewer", "aria-label": v.filename },
    h("div", { class: "viewer-bar" },
      h("span", { class: "viewer-name", dir: "auto" }, v.filename),
      h("a", { class: "btn btn-secondary", href: url, target: "_blank", rel: "noopener noreferrer" }, "Open in new tab"),
      h("a", { class: "btn btn-secondary", href: `${url}?download=1`, download: v.filename }, icon("download"), "Save as"),
      close),
    h("img", { src: url, alt: v.filename }))
  viewer.addEventListener("click", (event) => { if (event.target === viewer) viewer.close() })
  viewer.addEventListener("close", () => { viewer?.remove(); viewer = null })
  document.body.append(viewer)
  viewer.showModal()
  close.focus()
}

let menu = null
function openMenu(event, v, url, downloadUrl) {
  closeMenu()
  const back = document.activeElement
  const item = (label, attrs) => h("a", { role: "menuitem", class: "menu-item", tabindex: "-1", ...attrs,
    onclick: () => closeMenu() }, label)
  menu = h("div", { class: "file-menu", role: "menu", "aria-label": `File ${v.filename}` },
    item("Open in new tab", { href: url, target: "_blank", rel: "noopener noreferrer" }),
    item("Save as", { href: downloadUrl, download: v.filename }))
  const items = [...menu.querySelectorAll("[role=menuitem]")]
  menu.addEventListener("keydown", (e) => {
    const at = items.indexOf(document.activeElement)
    if (e.key === "Escape" || e.key === "Tab") { e.preventDefault(); closeMenu(); back?.focus?.() }
    else if (e.key === "ArrowDown") { e.preventDefault(); items[(at + 1) % items.length].focus() }
    else if (e.key === "ArrowUp") { e.preventDefault(); items[(at - 1 + items.length) % items.length].focus() }
  })
  const rect = event.currentTarget.getBoundingClientRect()
  const x = event.clientX || rect.left + 12
  const y = event.clientY || rect.top + 12
  menu.style.left = `${Math.min(x, window.innerWidth - 200)}px`
  menu.style.top = `${Math.min(y, window.innerHeight - 100)}px`
  document.body.append(menu)
  items[0].focus()
  setTimeout(() => document.addEventListener("pointerdown", outside, true))
}

function outside(event) {
  if (menu && !menu.contains(event.target)) closeMenu()
}

function closeMenu() {
  document.removeEventListener("pointerdown", outside, true)
  menu?.remove()
  menu = null
}
