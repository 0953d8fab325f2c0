"""Deciding a file's type from its first bytes with libmagic (python-magic)."""

from __future__ import annotations

import magic

from parley.domain.attachments import normalise_mime

# Enough of a file for libmagic to tell every type WhatsApp carries (Office files are ZIPs
# named by their first entries).
SNIFF_BYTES = 256 * 1024
_LOCAL = b"PK\x03\x04"
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff(head: bytes) -> str:
    """The MIME type of a file that starts with `head`, in WhatsApp's names where it has one;
    `application/octet-stream` when nothing is recognised."""
    if not head:
        return "application/x-empty"
    found = normalise_mime(magic.from_buffer(head, mime=True))
    if found in ("application/zip", "application/octet-stream") and head[:4] == b"PK\x03\x04":
        return _office(head) or found
    if found == "video/mp4" and _audio_only_mp4(head):
        return "audio/mp4"
    return found


def _office(head: bytes) -> str | None:
    """An Office Open XML file reads as a plain ZIP to libmagic when its parts come in another
    order than Word's: look at the names of the local entries in `head` instead."""
    names = set(_zip_names(head))
    if "[Content_Types].xml" not in names:
        return None
    for prefix, mime in _OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return mime
    return None


def _zip_names(head: bytes) -> list[str]:
    """The names of the ZIP local file headers found in `head` (signature, then the name
    length at offset 26 and the name at 30)."""
    names: list[str] = []
    at = head.find(_LOCAL)
    while at != -1 and at + 30 <= len(head) and len(names) < 200:
        length = int.from_bytes(head[at + 26 : at + 28], "little")
        names.append(head[at + 30 : at + 30 + length].decode("utf-8", "replace"))
        at = head.find(_LOCAL, at + 30 + length)
    return names


def _audio_only_mp4(head: bytes) -> bool:
    """`M4A ` as the ftyp major brand: an MPEG-4 file of audio only."""
    return head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ")
