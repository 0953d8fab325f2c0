"""Media rules of WHATSAPP.md §5: which MIME types each kind takes, size limits, lifetimes,
and a light content sniff (a declared type that does not match the bytes → 131053)."""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import GraphError
from .providers import Clock, Ids
from .store import Media, MediaUrl, Store

MB = 1024 * 1024
URL_LIFETIME_SECONDS = 5 * 60
UPLOADED_LIFETIME_SECONDS = 30 * 24 * 3600
INBOUND_LIFETIME_SECONDS = 7 * 24 * 3600
INBOUND_MAX_BYTES = 100 * MB

DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
KINDS: dict[str, tuple[frozenset[str], int]] = {
    "image": (frozenset({"image/jpeg", "image/png"}), 5 * MB),
    "video": (frozenset({"video/mp4", "video/3gpp"}), 16 * MB),
    "audio": (
        frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}),
        16 * MB,
    ),
    "sticker": (frozenset({"image/webp"}), 500 * 1024),
    "document": (DOCUMENT_TYPES, 100 * MB),
}

_OLE = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK\x03\x04"
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF",),
    "audio/ogg": (b"OggS",),
    "audio/amr": (b"#!AMR",),
    "audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "application/msword": (_OLE,),
    "application/vnd.ms-excel": (_OLE,),
    "application/vnd.ms-powerpoint": (_OLE,),
}
for _office in DOCUMENT_TYPES:
    if "openxmlformats" in _office:
        _SIGNATURES[_office] = (_ZIP,)


def base_mime(mime: str) -> str:
    """`audio/ogg; codecs=opus` → `audio/ogg`."""
    return mime.split(";", 1)[0].strip().lower()


def kind_for_upload(mime: str) -> str | None:
    """The kind whose list holds `mime`, or None when WhatsApp does not support it."""
    bare = base_mime(mime)
    return next((kind for kind, (types, _) in KINDS.items() if bare in types), None)


def kind_accepts(kind: str, mime: str) -> bool:
    """Whether media of `mime` may be sent as a `kind` message."""
    types, _ = KINDS[kind]
    return kind == "document" or base_mime(mime) in types


def content_matches(mime: str, content: bytes) -> bool:
    """False only when we know the type's signature and the bytes lack it."""
    bare = base_mime(mime)
    if bare == "image/webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if bare in ("video/mp4", "video/3gpp", "audio/mp4"):
        return content[4:8] == b"ftyp"
    signatures = _SIGNATURES.get(bare)
    return signatures is None or content.startswith(signatures)


def check_business_upload(mime: str, content: bytes, *, sniff: bool) -> None:
    """Meta's upload rules for the business side (131053 on any breach)."""
    kind = kind_for_upload(mime)
    if kind is None:
        raise GraphError(131053, f"Param file must be a file with a supported type; got {mime}.")
    _, limit = KINDS[kind]
    if not content:
        raise GraphError(131053, "The uploaded file is empty.")
    if len(content) > limit:
        raise GraphError(
            131053, f"File size {len(content)} is over the {kind} limit of {limit} bytes."
        )
    if sniff and not content_matches(mime, content):
        raise GraphError(131053, f"The file content does not match its MIME type {mime}.")


def customer_kind(mime: str) -> str:
    """How a customer's phone sends a file of `mime`."""
    bare = base_mime(mime)
    if bare == "image/webp":
        return "sticker"
    for prefix in ("image", "video", "audio"):
        if bare.startswith(prefix + "/"):
            return prefix
    return "document"


_WORDS = {"image": "photo", "video": "video", "audio": "audio file", "sticker": "sticker"}


def customer_refusal(mime: str, size: int) -> str | None:
    """Why a customer's phone would not send `size` bytes of `mime`, or None: WhatsApp's
    per-kind limits (WHATSAPP.md §5: image 5 MB, video and audio 16 MB, sticker 500 KB,
    document 100 MB) apply to what a phone sends as they do to what a business sends."""
    kind = customer_kind(mime)
    limit = KINDS[kind][1]
    if size <= limit:
        return None
    word = _WORDS.get(kind, "document")
    said = f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
    return f"WhatsApp cannot send this {word}: a {word} can be at most {said} (this one is {size:,} bytes)."


def store_media(
    store: Store,
    ids: Ids,
    clock: Clock,
    content: bytes,
    mime: str,
    *,
    filename: str | None,
    owner: str,
) -> Media:
    now = clock()
    lifetime = UPLOADED_LIFETIME_SECONDS if owner == "business" else INBOUND_LIFETIME_SECONDS
    media = Media(
        id=ids.graph_id(),
        content=content,
        mime_type=mime.strip(),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=now,
        expires_at=now + lifetime,
        filename=filename,
        owner="business" if owner == "business" else "customer",
    )
    store.media[media.id] = media
    return media


def media_info(store: Store, ids: Ids, clock: Clock, media: Media, base_url: str) -> dict[str, Any]:
    """Meta's answer to `GET /{media-id}`: a fresh download URL valid 5 minutes."""
    token = ids.token()
    store.media_urls[token] = MediaUrl(media.id, clock() + URL_LIFETIME_SECONDS)
    return {
        "messaging_product": "whatsapp",
        "url": f"{base_url.rstrip('/')}/_media/{token}?mid={media.id}",
        "mime_type": media.mime_type,
        "sha256": media.sha256,
        "file_size": len(media.content),
        "id": media.id,
    }


def resolve_download(store: Store, clock: Clock, token: str) -> Media | None:
    """The media behind a download token, if the URL has not expired."""
    url = store.media_urls.get(token)
    now = clock()
    if url is None or url.expires_at <= now:
        store.media_urls.pop(token, None)
        return None
    return store.live_media(url.media_id, now)
