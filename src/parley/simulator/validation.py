"""Checks the body of `POST /{phone-number-id}/messages` (WHATSAPP.md §4) and turns it
into an `Outbound` send or a `MarkRead`, raising `GraphError` with Meta's code otherwise.

Checks that need the chat (reaction targets, the 24 h window, rate limits) live in
`service.py`; this module only needs the media store and the templates.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import GraphError
from .interactive import check_interactive
from .media import kind_accepts
from .store import MEDIA_TYPES, Store
from .template_send import fill_template, find_template
from .templates import Template

SEND_TYPES = frozenset(
    {*MEDIA_TYPES, "text", "location", "contacts", "reaction", "interactive", "template"}
)
_TO_CHARS = re.compile(r"[\s\-\(\)\.+]")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 512
MAX_CONTACTS = 257


@dataclass
class Outbound:
    to: str
    digits: str
    type: str
    content: dict[str, Any]
    context_id: str | None = None
    biz_opaque_callback_data: str | None = None
    filled_template: dict[str, Any] | None = None
    template: Template | None = None
    missing_media: str | None = None
    """Id of an uploaded media that no longer exists: accepted, then failed (131053)."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class MarkRead:
    message_id: str
    typing: bool


def check_send(
    body: Any, store: Store, templates: list[Template], now: float
) -> Outbound | MarkRead:
    if not isinstance(body, dict):
        raise GraphError(100, "The request body must be a JSON object.")
    if body.get("messaging_product") != "whatsapp":
        raise GraphError(
            100,
            "The parameter messaging_product is required and must be 'whatsapp'.",
            message="(#100) The parameter messaging_product is required.",
        )
    if "status" in body:
        return _check_mark_read(body)
    if body.get("recipient_type", "individual") != "individual":
        raise GraphError(131009, "Only recipient_type 'individual' is simulated.")
    to = body.get("to")
    if to is None:
        if "recipient" in body:
            raise GraphError(100, "Sending by business-scoped user id is not simulated; use 'to'.")
        raise GraphError(131008, "The parameter 'to' is required.")
    digits = _TO_CHARS.sub("", str(to))
    if not isinstance(to, str | int) or not digits.isdigit() or not 5 <= len(digits) <= 15:
        raise GraphError(100, f"Invalid parameter 'to': {to!r} is not a phone number.")
    kind = body.get("type", "text")
    if not isinstance(kind, str) or kind not in SEND_TYPES:
        raise GraphError(131051, f"Message type '{kind}' is not supported.")
    content = body.get(kind)
    if not isinstance(content, dict) and not (kind == "contacts" and isinstance(content, list)):
        raise GraphError(131008, f"The parameter '{kind}' is required for type {kind}.")
    out = Outbound(to=str(to), digits=digits, type=kind, content=_as_dict(kind, content))
    out.context_id = _context_id(body.get("context"))
    out.biz_opaque_callback_data = _callback_data(body.get("biz_opaque_callback_data"))
    obj = out.content
    if kind == "text":
        _check_text(obj)
    elif kind in MEDIA_TYPES:
        out.missing_media = _check_media(kind, obj, store, now)
    elif kind == "location":
        _check_location(obj)
    elif kind == "contacts":
        _check_contacts(content)
    elif kind == "reaction":
        _check_reaction(obj)
        out.context_id = None
    elif kind == "interactive":
        check_interactive(obj)
    else:
        out.template = find_template(templates, obj)
        out.filled_template = fill_template(out.template, obj)
    return out


def _as_dict(kind: str, content: Any) -> dict[str, Any]:
    return {"contacts": content} if kind == "contacts" else dict(content)


def _check_mark_read(body: dict[str, Any]) -> MarkRead:
    if body.get("status") != "read":
        raise GraphError(131009, "Parameter 'status' must be 'read'.")
    message_id = body.get("message_id")
    if not isinstance(message_id, str) or not message_id:
        raise GraphError(131008, "The parameter 'message_id' is required.")
    typing = body.get("typing_indicator")
    if typing is not None and (not isinstance(typing, dict) or typing.get("type") != "text"):
        raise GraphError(131009, 'Parameter \'typing_indicator\' must be {"type": "text"}.')
    return MarkRead(message_id=message_id, typing=typing is not None)


def _context_id(context: Any) -> str | None:
    if context is None:
        return None
    if not isinstance(context, dict) or not isinstance(context.get("message_id"), str):
        raise GraphError(131009, 'Parameter \'context\' must be {"message_id": "wamid…"}.')
    return str(context["message_id"])


def _callback_data(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CALLBACK_DATA:
        raise GraphError(
            131009, f"biz_opaque_callback_data must be a string of at most {MAX_CALLBACK_DATA}."
        )
    return value


def _check_text(content: dict[str, Any]) -> None:
    text = content.get("body")
    if not isinstance(text, str) or not text.strip():
        raise GraphError(131008, "The parameter 'text.body' is required.")
    if len(text) > MAX_TEXT:
        raise GraphError(131009, f"Message text is too long (max {MAX_TEXT} characters).")
    if "preview_url" in content and not isinstance(content["preview_url"], bool):
        raise GraphError(131009, "Parameter 'text.preview_url' must be a boolean.")


def _check_media(kind: str, content: dict[str, Any], store: Store, now: float) -> str | None:
    media_id, link = content.get("id"), content.get("link")
    if media_id is None and link is None:
        raise GraphError(131008, f"Parameter '{kind}' must have either 'id' or 'link'.")
    if media_id is not None and link is not None:
        raise GraphError(131009, f"Parameter '{kind}' must have 'id' or 'link', not both.")
    caption = content.get("caption")
    if caption is not None:
        if kind in ("audio", "sticker"):
            raise GraphError(131009, f"Parameter 'caption' is not allowed for {kind}.")
        if not isinstance(caption, str) or len(caption) > MAX_CAPTION:
            raise GraphError(131009, f"Media caption is too long (max {MAX_CAPTION} characters).")
    if "filename" in content and not isinstance(content["filename"], str):
        raise GraphError(131009, "Parameter 'document.filename' must be a string.")
    if link is not None:
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            raise GraphError(131009, f"Parameter '{kind}.link' must be an http(s) URL.")
        return None
    media = store.live_media(str(media_id), now)
    if media is None:
        return str(media_id)
    if not kind_accepts(kind, media.mime_type):
        raise GraphError(
            131053, f"Media {media_id} of type {media.mime_type} cannot be sent as {kind}."
        )
    if content.get("voice") and not media.mime_type.startswith("audio/ogg"):
        raise GraphError(131009, "Voice notes must be OGG/OPUS audio.")
    return None


def _number(value: Any, where: str, bound: float) -> None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GraphError(131009, f"Parameter '{where}' must be a number.") from None
    if isinstance(value, bool) or not math.isfinite(number) or abs(number) > bound:
        raise GraphError(131009, f"Parameter '{where}' is out of range.")


def _check_location(content: dict[str, Any]) -> None:
    for key, bound in (("latitude", 90.0), ("longitude", 180.0)):
        if content.get(key) in (None, ""):
            raise GraphError(131008, f"The parameter 'location.{key}' is required.")
        _number(content[key], f"location.{key}", bound)


def _check_contacts(content: Any) -> None:
    if not isinstance(content, list) or not 1 <= len(content) <= MAX_CONTACTS:
        raise GraphError(131009, f"Parameter 'contacts' must hold 1 to {MAX_CONTACTS} contacts.")
    for contact in content:
        name = contact.get("name") if isinstance(contact, dict) else None
        if not isinstance(name, dict) or not isinstance(name.get("formatted_name"), str):
            raise GraphError(131008, "The parameter 'contacts.name.formatted_name' is required.")


def _check_reaction(content: dict[str, Any]) -> None:
    if not isinstance(content.get("message_id"), str) or not content["message_id"]:
        raise GraphError(131008, "The parameter 'reaction.message_id' is required.")
    emoji = content.get("emoji", "")
    if not isinstance(emoji, str) or len(emoji) > 16:
        raise GraphError(131009, "Parameter 'reaction.emoji' must be a single emoji.")
