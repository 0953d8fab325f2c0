"""Attachment policy: which file types Parley takes, how large, how they are named and served.

Pure rules, no I/O. Sizes are bytes. WhatsApp's own limits (WHATSAPP.md §5, Meta's
`business-phone-numbers/media` page) bound what an admin may configure: an admin can narrow
the allowed types or lower a kind's limit, never raise it past what WhatsApp accepts.

- `kind_of(mime)` → `image|video|audio|document|sticker`, or None for a type WhatsApp refuses.
- `AttachmentPolicy.refusal(mime, size, animated=…)` → None, or why the file is refused.
- `safe_filename(name, mime)` → a file name fit to store and show, its extension matching the
  content (a lying extension is replaced, never trusted); bidi and other invisible format
  characters are dropped.
- `as_plain_text(mime, name)`: a `.txt` file whose text libmagic calls HTML (or other text) is
  taken as the plain text its name says.
- `content_kind(declared, mime)`: the kind of attachment a file really is.
- `content_disposition(name, download=…)` → an RFC 6266 header value, non-ASCII names included.
- `serve_inline(mime)`: whether the browser may render a type in place; HTML, SVG and anything
  unknown are always downloads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

KB = 1024
MB = 1024 * 1024
KINDS = ("image", "video", "audio", "document", "sticker")

# mime → (kind, extensions; the first is the canonical one)
WHATSAPP_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/jpeg": ("image", ("jpg", "jpeg", "jfif")),
    "image/png": ("image", ("png",)),
    "image/webp": ("sticker", ("webp",)),
    "video/mp4": ("video", ("mp4", "m4v")),
    "video/3gpp": ("video", ("3gp", "3gpp")),
    "audio/aac": ("audio", ("aac",)),
    "audio/amr": ("audio", ("amr",)),
    "audio/mpeg": ("audio", ("mp3", "mpga")),
    "audio/mp4": ("audio", ("m4a", "mp4a")),
    "audio/ogg": ("audio", ("ogg", "oga", "opus")),
    "text/plain": ("document", ("txt", "text", "log")),
    "application/pdf": ("document", ("pdf",)),
    "application/msword": ("document", ("doc", "dot")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "document",
        ("docx",),
    ),
    "application/vnd.ms-excel": ("document", ("xls", "xlt")),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", ("xlsx",)),
    "application/vnd.ms-powerpoint": ("document", ("ppt", "pps")),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "document",
        ("pptx",),
    ),
}

# WhatsApp's per-kind limits for what is sent through it; stickers: static 100 KB, animated 500 KB.
WHATSAPP_LIMITS: dict[str, int] = {
    "image": 5 * MB,
    "video": 16 * MB,
    "audio": 16 * MB,
    "document": 100 * MB,
    "sticker": 500 * KB,
}
STATIC_STICKER_LIMIT = 100 * KB
# Inbound user media is at most this (larger arrives as error 131052, not as media).
INBOUND_MAX_BYTES = 100 * MB

# What libmagic names differently from WhatsApp's list.
_MAGIC_ALIASES = {
    "audio/x-m4a": "audio/mp4",
    "audio/x-hx-aac-adts": "audio/aac",
    "audio/x-aac": "audio/aac",
    "audio/aacp": "audio/aac",
    "audio/mp3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/opus": "audio/ogg",
    "audio/x-opus+ogg": "audio/ogg",
    "application/ogg": "audio/ogg",
    "video/3gp": "video/3gpp",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
}
# Rendered in place by the browser; everything else is served as a download.
_INLINE = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf", "text/plain"}
)
# Types outside WhatsApp's list that still have a usual extension: a name keeps or gets it, so a
# name never claims a type its content is not (HTML named photo.jpg becomes photo.html).
OTHER_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "text/html": ("html", "htm"),
    "image/svg+xml": ("svg",),
    "image/gif": ("gif",),
    "image/bmp": ("bmp",),
    "image/tiff": ("tif", "tiff"),
    "image/heic": ("heic",),
    "application/zip": ("zip",),
    "application/gzip": ("gz",),
    "application/x-7z-compressed": ("7z",),
    "application/x-rar": ("rar",),
    "application/json": ("json",),
    "text/xml": ("xml",),
    "application/xml": ("xml",),
    "text/csv": ("csv",),
    "text/x-shellscript": ("sh",),
    "application/javascript": ("js",),
    "text/javascript": ("js",),
    "application/x-dosexec": ("exe", "dll", "scr", "com"),
    "application/vnd.microsoft.portable-executable": ("exe", "dll", "scr"),
    "application/x-msdownload": ("exe", "dll"),
    "application/x-executable": ("bin",),
    "application/x-sharedlib": ("so",),
    "application/java-archive": ("jar",),
    "application/vnd.android.package-archive": ("apk",),
    "application/x-msi": ("msi",),
    "video/quicktime": ("mov",),
    "video/webm": ("webm",),
    "audio/wav": ("wav",),
    "audio/x-wav": ("wav",),
    "audio/flac": ("flac",),
}
# Extensions that name some type: one of these on a file of another, unnamed type (libmagic's
# application/octet-stream) is a claim the content does not back, and becomes `.bin`.
_CLAIMING = frozenset(ext for _, exts in WHATSAPP_TYPES.values() for ext in exts) | frozenset(
    ext for exts in OTHER_EXTENSIONS.values() for ext in exts
)
UNKNOWN_EXTENSION = "bin"
_PLAIN_EXTENSIONS = frozenset(WHATSAPP_TYPES["text/plain"][1])
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')
MAX_NAME = 120


def base_mime(mime: str) -> str:
    """`audio/ogg; codecs=opus` → `audio/ogg`, lower case."""
    return mime.split(";", 1)[0].strip().lower()


def normalise_mime(sniffed: str) -> str:
    """libmagic's name for a type, as WhatsApp's list names it."""
    bare = base_mime(sniffed)
    return _MAGIC_ALIASES.get(bare, bare)


def kind_of(mime: str) -> str | None:
    entry = WHATSAPP_TYPES.get(base_mime(mime))
    return entry[0] if entry else None


def extensions_of(mime: str) -> tuple[str, ...]:
    """The usual extensions of `mime`, the canonical one first; () for a type with none known."""
    bare = base_mime(mime)
    entry = WHATSAPP_TYPES.get(bare)
    return entry[1] if entry else OTHER_EXTENSIONS.get(bare, ())


def as_plain_text(mime: str, name: str | None) -> str:
    """`text/plain` for a file named `.txt`/`.text`/`.log` whose content libmagic calls another
    text type (a log excerpt holding `<script>` reads as text/html): it is served only as a
    download with `nosniff`, never rendered, so plain text is what it is to everyone. Any other
    file keeps the sniffed `mime`."""
    if not base_mime(mime).startswith("text/") or not name:
        return mime
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return "text/plain" if ext in _PLAIN_EXTENSIONS else mime


def content_kind(declared: str, mime: str) -> str:
    """The kind a contact's file is, once its content is known: the kind WhatsApp declared
    while the content agrees with it (image and sticker for image/*, video/*, audio/*), else
    the content's own kind, or `document` (an "image" holding HTML is a document)."""
    family = {"image": "image/", "sticker": "image/", "video": "video/", "audio": "audio/"}
    bare = base_mime(mime)
    if declared in family and bare.startswith(family[declared]) and kind_of(bare) is not None:
        return declared
    return kind_of(bare) or "document"


def webp_is_animated(head: bytes) -> bool:
    """Whether a WebP's first bytes declare animation (the VP8X chunk's flag 0x02)."""
    if len(head) < 21 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        return False
    return head[12:16] == b"VP8X" and bool(head[20] & 0x02)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a file is refused: `code` is `unsupported_type` or `too_large`."""

    code: str
    message: str


@dataclass(frozen=True)
class AttachmentPolicy:
    """What agents may attach: `types` a subset of WhatsApp's list, `limits` bytes per kind,
    `max_bytes` the cap on any upload (default 100 MB)."""

    types: frozenset[str] = frozenset(WHATSAPP_TYPES)
    limits: Mapping[str, int] = field(default_factory=lambda: dict(WHATSAPP_LIMITS))
    max_bytes: int = 100 * MB

    @classmethod
    def configured(
        cls, types: Iterable[str], limits: Mapping[str, int], max_bytes: int
    ) -> AttachmentPolicy:
        """The admin's settings, bounded by WhatsApp's: unknown types and kinds raise ValueError."""
        chosen = frozenset(base_mime(t) for t in types)
        unknown = sorted(chosen - set(WHATSAPP_TYPES))
        if unknown:
            raise ValueError(f"not a type WhatsApp accepts: {', '.join(unknown)}")
        bad = sorted(set(limits) - set(KINDS))
        if bad:
            raise ValueError(f"not a kind of attachment: {', '.join(bad)}")
        merged = {
            kind: min(WHATSAPP_LIMITS[kind], limits.get(kind, WHATSAPP_LIMITS[kind]))
            for kind in KINDS
        }
        return cls(types=chosen, limits=merged, max_bytes=max_bytes)

    def limit_for(self, mime: str, *, animated: bool = False) -> int:
        """The largest file of `mime` that may be sent (0 for a type not allowed)."""
        kind = kind_of(mime)
        if kind is None or base_mime(mime) not in self.types:
            return 0
        limit = self.limits.get(kind, WHATSAPP_LIMITS[kind])
        if kind == "sticker" and not animated:
            limit = min(limit, STATIC_STICKER_LIMIT)
        return min(limit, self.max_bytes)

    def refusal(
        self, mime: str, size: int, *, animated: bool = False, name: str | None = None
    ) -> Refusal | None:
        """None when a file of `mime` and `size` bytes may be sent; else why not, naming the
        file (`name`) when given."""
        bare = base_mime(mime)
        if kind_of(bare) is None or bare not in self.types:
            return Refusal("unsupported_type", unsupported_message(bare, name))
        if size <= 0:
            return Refusal("empty_file", "The file is empty.")
        limit = self.limit_for(bare, animated=animated)
        if size > limit:
            return Refusal("too_large", too_large_message(bare, limit, size))
        return None

    def as_config(self) -> dict[str, object]:
        """The shape `GET /api/v1/config` gives the desktop, to check files before uploading."""
        return {
            "max_bytes": self.max_bytes,
            "static_sticker_max_bytes": min(STATIC_STICKER_LIMIT, self.limit_for("image/webp")),
            "types": {
                mime: {
                    "kind": kind,
                    "extensions": list(exts),
                    "max_bytes": self.limit_for(mime, animated=True),
                }
                for mime, (kind, exts) in WHATSAPP_TYPES.items()
                if mime in self.types
            },
        }


def format_size(size: int) -> str:
    """`5242880` → `5 MB`; `1536` → `1.5 KB` (binary units, as WhatsApp states its limits)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024 or unit == "MB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} bytes"


# What a refused type is, in words an agent knows.
_TYPE_WORDS = {
    "text/html": "web pages (HTML)",
    "image/svg+xml": "SVG drawings",
    "image/gif": "GIF images",
    "application/zip": "ZIP archives",
    "application/octet-stream": "programs and unknown file types",
    "application/x-dosexec": "programs",
    "application/vnd.microsoft.portable-executable": "programs",
    "application/x-msdownload": "programs",
    "application/x-executable": "programs",
    "application/x-sharedlib": "programs",
}


def unsupported_message(mime: str, name: str | None = None) -> str:
    """`prog.exe can\u2019t be sent: programs and unknown file types are not allowed.` (the
    typographic apostrophe, as the desktop writes it)."""
    bare = base_mime(mime)
    if bare in _TYPE_WORDS:
        words = _TYPE_WORDS[bare]
    elif bare in WHATSAPP_TYPES:
        words = f"{extensions_of(bare)[0].upper()} files"  # allowed by WhatsApp, not by the admin
    else:
        words = f"files of this type ({bare or 'unknown'})"
    subject = name or "This file"
    return f"{subject} can’t be sent: {words} are not allowed."


KIND_WORDS = {"image": "photo", "video": "video", "audio": "audio file", "document": "document"}


def too_large_message(mime: str, limit: int, size: int | None = None) -> str:
    """`This photo is 6 MB; a photo can be at most 5 MB.` With no `size` (a stream refused as
    it passes the limit), or one that rounds to the limit's figure: `over 5 MB`."""
    kind = kind_of(mime)
    word = "sticker" if kind == "sticker" else KIND_WORDS.get(kind or "", "file")
    said = format_size(size) if size is not None else ""
    if not said or said == format_size(limit):
        said = f"over {format_size(limit)}"
    return f"This {word} is {said}; a {word} can be at most {format_size(limit)}."


def clean_name(name: str | None) -> str:
    """`name` without a path, bidi and other format characters (Unicode category Cf: U+202E
    RIGHT-TO-LEFT OVERRIDE would show `evil\u202egnp.pdf` as `evilfdp.png`), line separators,
    control and reserved characters; "file" when nothing is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("_", text).strip(" .") or "file"


_INVISIBLE = frozenset({"Cf", "Zl", "Zp"})


def _extension_for(ext: str, mime: str) -> str:
    allowed = extensions_of(mime)
    if allowed:
        return ext if ext.lower() in allowed else allowed[0]
    return UNKNOWN_EXTENSION if ext.lower() in _CLAIMING else ext


def safe_filename(name: str | None, mime: str | None) -> str:
    """A name to show and to offer on Save as: no path, no control or reserved characters, at
    most `MAX_NAME` characters, with an extension that matches the content. A name whose
    extension claims another type gets the right one instead (`invoice.pdf` holding a PNG
    becomes `invoice.png`); a file of a type with no known extension loses one that claims a
    type (`.pdf` on unknown bytes becomes `.bin`). With `mime` None (content not known yet) the
    extension is left as given."""
    text = clean_name(name)
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if mime is not None:
        ext = _extension_for(ext, mime)
    ext = ext[:10]
    stem = stem[: MAX_NAME - len(ext) - 1] or "file"
    return f"{stem}.{ext}" if ext else stem[:MAX_NAME]


def content_disposition(name: str, *, download: bool) -> str:
    """RFC 6266: an ASCII fallback in `filename`, the exact name in `filename*` (RFC 5987)."""
    disposition = "attachment" if download else "inline"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ ()+-]", "_", fallback).strip()
    stem, dot, ext = fallback.rpartition(".")
    if not any(c.isalnum() for c in (stem if dot else fallback)):
        # Nothing of the name survives in ASCII (合同.pdf): never a bare ".pdf" or "_".
        fallback = f"file.{ext}" if dot and ext else "file"
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def serve_inline(mime: str) -> bool:
    """Images, PDF, plain text, and audio or video WhatsApp carries; never HTML or SVG."""
    bare = base_mime(mime)
    if bare in _INLINE:
        return True
    return bare.startswith(("audio/", "video/")) and kind_of(bare) in ("audio", "video")


def voice_note(mime: str, voice: bool | None) -> bool:
    """WhatsApp marks a push-to-talk note with `voice: true` (OGG/OPUS only)."""
    return bool(voice) and base_mime(mime) == "audio/ogg"
