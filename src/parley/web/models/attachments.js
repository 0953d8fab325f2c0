// Attachments in the desktop: checking a file before it is uploaded, and what
// a message's file shows as (thumbnail, player, download). Pure: plain values
// in, plain objects out; the browser's abilities come in as a function.

const KB = 1024
const MB = 1024 * 1024

const TYPE_NAMES = {
  "application/pdf": "PDF",
  "application/msword": "Word document",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
  "application/vnd.ms-excel": "Excel spreadsheet",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
  "application/vnd.ms-powerpoint": "PowerPoint presentation",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint presentation",
  "text/plain": "Text file",
  "text/html": "Web page (HTML)",
  "image/svg+xml": "SVG drawing",
  "application/octet-stream": "Unknown file type",
  "application/x-dosexec": "Program",
  "application/vnd.microsoft.portable-executable": "Program",
  "application/x-msdownload": "Program",
  "application/x-executable": "Program",
  "application/zip": "ZIP archive",
}
// The badge a document card shows: from the server's type, never the file's name (a name can lie).
const BADGES = {
  "application/pdf": "PDF", "application/msword": "DOC", "application/vnd.ms-excel": "XLS",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
  "application/vnd.ms-powerpoint": "PPT",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
  "text/plain": "TXT", "text/html": "HTML", "image/svg+xml": "SVG", "image/gif": "GIF",
  "image/jpeg": "JPG", "image/png": "PNG", "image/webp": "WEBP", "application/zip": "ZIP",
  "application/x-dosexec": "EXE", "application/vnd.microsoft.portable-executable": "EXE",
  "application/x-msdownload": "EXE",
}
const FAMILY = { image: "image/", sticker: "image/", video: "video/", audio: "audio/" }
const KIND_NAMES = { image: "Photo", video: "Video", audio: "Audio", sticker: "Sticker", document: "Document" }
// Types a page may render in place; the rest are offered as downloads (the server agrees).
const INLINE_IMAGES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"])
const PREVIEW_EDGE = 320 // the widest a bubble shows a preview (the files may be larger)
const BUBBLE_HEIGHT = 260 // the tallest picture in a bubble (styles.css, .thumb img)

/** `5242880` → "5 MB", `1536` → "1.5 KB" (binary units, as WhatsApp states its limits). */
export function formatSize(bytes) {
  const n = Number(bytes)
  if (!Number.isFinite(n) || n < 0) return ""
  if (n < KB) return `${n} ${n === 1 ? "byte" : "bytes"}`
  const [value, unit] = n < MB ? [n / KB, "KB"] : [n / MB, "MB"]
  return `${Number(value.toFixed(1))} ${unit}`
}

function extensionOf(name) {
  const dot = String(name ?? "").lastIndexOf(".")
  return dot > 0 ? String(name).slice(dot + 1).toLowerCase() : ""
}

/**
 * The type a file seems to be, from the browser's claim or its extension, in the
 * server's list (`config.attachments.types`), or null. Only a first guess: the server
 * decides from the content.
 */
export function guessType(file, types) {
  const claimed = String(file?.type ?? "").split(";")[0].trim().toLowerCase()
  if (claimed && types[claimed]) return claimed
  const ext = extensionOf(file?.name)
  for (const [mime, info] of Object.entries(types)) {
    if (ext && (info.extensions ?? []).includes(ext)) return mime
  }
  return null
}

/**
 * Whether `file` ({name, size, type}) may be uploaded under `limits` (the config's
 * `attachments`: {max_bytes, types: {mime: {kind, extensions, max_bytes}}}).
 * @returns {{ok: true, mime: string} | {ok: false, message: string}}
 */
export function checkFile(file, limits) {
  const name = String(file?.name || "This file")
  const size = Number(file?.size ?? 0)
  const types = limits?.types ?? {}
  if (size <= 0) return { ok: false, message: `${name} is empty.` }
  const mime = guessType(file, types)
  if (!mime) {
    const ext = extensionOf(file?.name)
    return { ok: false, message: `${name} can’t be sent: ${ext ? `.${ext} files are` : "this type is"} not allowed.` }
  }
  const max = Math.min(Number(types[mime].max_bytes ?? Infinity), Number(limits?.max_bytes ?? Infinity))
  if (size > max) {
    const kind = (KIND_NAMES[types[mime].kind] ?? "File").toLowerCase()
    // Just over the limit both round to the same figure: say "over" rather than "5 MB; at most 5 MB".
    const said = formatSize(size) === formatSize(max) ? `over ${formatSize(max)}` : formatSize(size)
    return { ok: false, message: `${name} is ${said}; a ${kind} can be at most ${formatSize(max)}.` }
  }
  return { ok: true, mime }
}

/** A name for an image pasted from the clipboard (browsers call them all "image.png"). */
export function pastedName(mime, nowMs) {
  const ext = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" }[mime] ?? "png"
  const stamp = new Date(nowMs).toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-")
  return `Pasted image ${stamp}.${ext}`
}

/**
 * The kind a file shows as, from the server's type (the message's kind can lie: an "image"
 * holding text/html is a document; SVG is never a photo). A file still loading keeps its kind.
 */
export function shownKind(kind, mime, state = "ready") {
  if (state !== "ready" || !mime) return kind
  const family = mime.startsWith("image/") && INLINE_IMAGES.has(mime) ? "image"
    : mime.startsWith("video/") ? "video" : mime.startsWith("audio/") ? "audio" : "document"
  if (family === "image") return kind === "sticker" ? "sticker" : "image"
  return family
}

/** The short badge of a document card, from the server's type: "PDF", "HTML", "FILE". */
export function badgeOf(mime) {
  return BADGES[mime] ?? "FILE"
}

/** What a file's size and type say to a person: "PDF · 120 KB". */
export function describeType(attachment) {
  const type = TYPE_NAMES[attachment.mime_type] ?? KIND_NAMES[attachment.kind] ?? "File"
  const size = formatSize(attachment.size)
  return size ? `${type} · ${size}` : type
}

/**
 * The size a bubble shows the preview of a `width` × `height` image at: at most 320 px wide
 * (whatever the size of the server's preview file), no taller than the bubble's 260 px; null
 * when the size is unknown.
 */
export function fitted(width, height, maxWidth = PREVIEW_EDGE, maxHeight = BUBBLE_HEIGHT) {
  const w = Number(width)
  const h = Number(height)
  if (!(w > 0 && h > 0)) return null
  const scale = Math.min(1, maxWidth / w, maxHeight / h)
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) }
}

/**
 * How a message's `content.attachment` shows.
 * @param {object} a the attachment summary: {id, state, kind, filename, mime_type, size, voice,
 *   error, thumbnail, width, height, animated}
 * @param {(mime: string) => boolean} canPlay whether this browser plays a media type
 * @returns {{id: string, state: "loading"|"ready"|"failed", show: "image"|"video"|"audio"|"file",
 *   src: "thumbnail"|"original", box: {width: number, height: number}|null,
 *   filename: string, type: string, badge: string, voice: boolean, error: string, label: string}|null}
 */
export function attachmentView(a, canPlay = () => false) {
  if (!a || typeof a !== "object" || a.id === undefined || a.id === null) return null
  const state = a.state === "ready" || a.state === "failed" ? a.state : "loading"
  const mime = String(a.mime_type ?? "").split(";")[0].trim().toLowerCase()
  const kind = shownKind(String(a.kind ?? "document"), mime, state)
  const voice = Boolean(a.voice)
  let show = "file"
  // The server's preview when it made one; an animated sticker moves only in the original (small
  // by WhatsApp's limit); a photo the server could not read (`thumbnail: false`) is a file. Files
  // stored before previews existed (no `thumbnail` at all) show the original, as they did.
  const src = a.thumbnail === true ? "thumbnail" : "original"
  const picture = (kind === "image" || kind === "sticker") && INLINE_IMAGES.has(mime)
  if (picture && (a.thumbnail !== false || a.animated)) show = "image"
  else if (kind === "video" && canPlay(mime)) show = "video"
  else if (kind === "audio" && canPlay(mime)) show = "audio"
  const label = voice ? "Voice message" : KIND_NAMES[kind] ?? "File"
  return {
    id: String(a.id),
    state,
    show,
    src,
    box: show === "image" ? fitted(a.width, a.height) : null,
    filename: String(a.filename || label),
    type: describeType({ ...a, kind, mime_type: mime }),
    badge: badgeOf(mime),
    voice,
    error: state === "failed" ? String(a.error || "The file could not be fetched.") : "",
    label,
  }
}

/** The upload's progress as a whole percent (0–100), from an XHR progress event's numbers. */
export function percent(loaded, total) {
  if (!Number.isFinite(loaded) || !Number.isFinite(total) || total <= 0) return 0
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)))
}
