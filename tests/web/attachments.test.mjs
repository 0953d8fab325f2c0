import { describe, it } from "node:test"
import assert from "node:assert/strict"

import { attachmentView, checkFile, describeType, formatSize, guessType, pastedName, percent }
  from "../../src/parley/web/models/attachments.js"

const LIMITS = {
  max_bytes: 100 * 1024 * 1024,
  types: {
    "image/jpeg": { kind: "image", extensions: ["jpg", "jpeg"], max_bytes: 5 * 1024 * 1024 },
    "application/pdf": { kind: "document", extensions: ["pdf"], max_bytes: 100 * 1024 * 1024 },
    "audio/amr": { kind: "audio", extensions: ["amr"], max_bytes: 16 * 1024 * 1024 },
  },
}

describe("checkFile", () => {
  it("takes a file at its type's limit and refuses one byte more, before uploading", () => {
    assert.deepEqual(checkFile({ name: "a.jpg", size: 5 * 1024 * 1024, type: "image/jpeg" }, LIMITS),
      { ok: true, mime: "image/jpeg" })
    const over = checkFile({ name: "a.jpg", size: 5 * 1024 * 1024 + 1, type: "image/jpeg" }, LIMITS)
    assert.equal(over.ok, false)
    assert.equal(over.message, "a.jpg is over 5 MB; a photo can be at most 5 MB.")
    const big = checkFile({ name: "b.jpg", size: 7 * 1024 * 1024, type: "image/jpeg" }, LIMITS)
    assert.equal(big.message, "b.jpg is 7 MB; a photo can be at most 5 MB.")
  })

  it("refuses types the server does not allow, and empty files", () => {
    assert.equal(checkFile({ name: "page.html", size: 10, type: "text/html" }, LIMITS).message,
      "page.html can’t be sent: .html files are not allowed.")
    assert.equal(checkFile({ name: "x", size: 10, type: "" }, LIMITS).message,
      "x can’t be sent: this type is not allowed.")
    assert.equal(checkFile({ name: "a.pdf", size: 0, type: "application/pdf" }, LIMITS).message, "a.pdf is empty.")
  })

  it("guesses from the extension when the browser gives no type", () => {
    assert.equal(guessType({ name: "Note.AMR", type: "" }, LIMITS.types), "audio/amr")
    assert.equal(guessType({ name: "x.pdf", type: "application/octet-stream" }, LIMITS.types), "application/pdf")
  })

  it("honours the overall cap when it is below the type's", () => {
    const capped = { ...LIMITS, max_bytes: 1000 }
    assert.equal(checkFile({ name: "a.pdf", size: 1001, type: "application/pdf" }, capped).ok, false)
  })
})

describe("attachmentView", () => {
  const plays = (mime) => mime === "audio/ogg" || mime === "video/mp4"

  it("shows images as thumbnails, playable media as players, the rest as files", () => {
    const image = attachmentView({ id: 1, state: "ready", kind: "image", mime_type: "image/jpeg", size: 2048 }, plays)
    assert.deepEqual([image.show, image.state, image.type], ["image", "ready", "Photo · 2 KB"])
    assert.equal(attachmentView({ id: 2, kind: "audio", mime_type: "audio/ogg; codecs=opus", voice: true,
      state: "ready" }, plays).show, "audio")
    const amr = attachmentView({ id: 3, kind: "audio", mime_type: "audio/amr", state: "ready" }, plays)
    assert.equal(amr.show, "file") // the browser cannot play AMR: a download instead
    assert.equal(attachmentView({ id: 4, kind: "video", mime_type: "video/mp4", state: "ready" }, plays).show, "video")
    const doc = attachmentView({ id: 5, kind: "document", filename: "Contrato.docx", size: 40960, state: "ready",
      mime_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }, plays)
    assert.deepEqual([doc.show, doc.filename, doc.type], ["file", "Contrato.docx", "Word document · 40 KB"])
    const svg = attachmentView({ id: 6, kind: "image", mime_type: "image/svg+xml", state: "ready" }, plays)
    assert.equal(svg.show, "file")
  })

  it("shows the server's preview, the original for moving stickers, a file when there is none", () => {
    const photo = attachmentView({ id: 7, state: "ready", kind: "image", mime_type: "image/jpeg",
      thumbnail: true, width: 4000, height: 3000 }, plays)
    assert.deepEqual([photo.show, photo.src, photo.box], ["image", "thumbnail", { width: 320, height: 240 }])
    const small = attachmentView({ id: 8, state: "ready", kind: "image", mime_type: "image/png",
      thumbnail: true, width: 90, height: 200 }, plays)
    assert.deepEqual(small.box, { width: 90, height: 200 }) // never enlarged
    const tall = attachmentView({ id: 8, state: "ready", kind: "image", mime_type: "image/png",
      thumbnail: true, width: 960, height: 1280 }, plays)
    assert.deepEqual(tall.box, { width: 195, height: 260 }) // no taller than a bubble
    const moving = attachmentView({ id: 9, state: "ready", kind: "sticker", mime_type: "image/webp",
      thumbnail: false, animated: true }, plays)
    assert.deepEqual([moving.show, moving.src], ["image", "original"])
    const unreadable = attachmentView({ id: 10, state: "ready", kind: "image", mime_type: "image/jpeg",
      thumbnail: false, size: 2048, filename: "photo.jpg" }, plays)
    assert.deepEqual([unreadable.show, unreadable.type, unreadable.box], ["file", "Photo · 2 KB", null])
    const older = attachmentView({ id: 11, state: "ready", kind: "image", mime_type: "image/jpeg" }, plays)
    assert.deepEqual([older.show, older.src, older.box], ["image", "original", null])
  })

  it("takes badge, label and kind from the server's type, never the file's name", () => {
    const exe = attachmentView({ id: 1, state: "ready", kind: "document", filename: "Fatura.bin",
      mime_type: "application/octet-stream", size: 80 })
    assert.deepEqual([exe.show, exe.badge, exe.label, exe.type], ["file", "FILE", "Document", "Unknown file type · 80 bytes"])
    const lyingPdf = attachmentView({ id: 2, state: "ready", kind: "document", filename: "notes.pdf",
      mime_type: "application/octet-stream" })
    assert.equal(lyingPdf.badge, "FILE")
    const html = attachmentView({ id: 3, state: "ready", kind: "image", filename: "photo_html.jpg",
      mime_type: "text/html", size: 2048 }, () => true)
    assert.deepEqual([html.show, html.badge, html.label, html.type], ["file", "HTML", "Document", "Web page (HTML) · 2 KB"])
    const pdf = attachmentView({ id: 4, state: "ready", kind: "document", filename: "a.txt", mime_type: "application/pdf" })
    assert.equal(pdf.badge, "PDF")
    const videoAsAudio = attachmentView({ id: 5, state: "ready", kind: "video", mime_type: "audio/mp4" }, () => true)
    assert.deepEqual([videoAsAudio.show, videoAsAudio.label], ["audio", "Audio"])
    const svg = attachmentView({ id: 6, state: "ready", kind: "image", mime_type: "image/svg+xml" })
    assert.deepEqual([svg.label, svg.badge], ["Document", "SVG"])
  })

  it("marks voice notes, loading and failures", () => {
    const voice = attachmentView({ id: 1, kind: "audio", voice: true, mime_type: "audio/ogg" })
    assert.deepEqual([voice.label, voice.state], ["Voice message", "loading"])
    const failed = attachmentView({ id: 1, kind: "image", state: "failed", error: "WhatsApp answered 131052" })
    assert.equal(failed.error, "WhatsApp answered 131052")
    assert.equal(attachmentView({ id: 1, kind: "image", state: "failed" }).error, "The file could not be fetched.")
    assert.equal(attachmentView(null), null)
    assert.equal(attachmentView({ state: "ready" }), null)
  })
})

describe("small helpers", () => {
  it("formats sizes, names pasted images and counts progress", () => {
    assert.deepEqual([formatSize(1), formatSize(1536), formatSize(16 * 1024 * 1024), formatSize(-1)],
      ["1 byte", "1.5 KB", "16 MB", ""])
    assert.equal(pastedName("image/png", Date.UTC(2026, 0, 5, 9, 30, 0)), "Pasted image 20260105-093000.png")
    assert.deepEqual([percent(50, 200), percent(300, 200), percent(1, 0)], [25, 100, 0])
    assert.equal(describeType({ kind: "document", mime_type: "application/pdf" }), "PDF")
  })
})
