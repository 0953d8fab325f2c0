"""The `<type>` object of each inbound message type, read into (text a person reads, content).

Pure and total like `payloads`: every reader accepts any JSON value and never raises.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from parley.whatsapp.errors import WhatsAppError

Json = dict[str, Any]
Parsed = tuple[str | None, Json]  # (text a person reads, normalised content)

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
_NUMBER = re.compile(r"-?[0-9]{1,4}(\.[0-9]{1,20})?")
_NAME_PARTS = ("prefix", "first_name", "middle_name", "last_name", "suffix")
_MEDIA_TEXTS = ("mime_type", "sha256", "filename", "caption", "url")


def _plain_text(obj: Json) -> Parsed:
    body = as_text(obj.get("body"))
    return body, {"body": body}


def _media(obj: Json) -> Parsed:
    content: Json = {"media_id": as_id(obj.get("id"))}
    content.update((key, as_text(obj.get(key))) for key in _MEDIA_TEXTS)
    content.update((key, as_bool(obj.get(key))) for key in ("voice", "animated"))
    return content["caption"], content


def _location(obj: Json) -> Parsed:
    name, address = as_text(obj.get("name")) or None, as_text(obj.get("address")) or None
    text = ", ".join(part for part in (name, address) if part) or None
    return text, {
        "latitude": as_float(obj.get("latitude")),
        "longitude": as_float(obj.get("longitude")),
        "name": name,
        "address": address,
        "url": as_text(obj.get("url")),
    }


def _contacts(cards: list[Any]) -> Parsed:
    contacts = [_contact_card(card) for card in cards if isinstance(card, dict)]
    names = [card["name"] for card in contacts if card["name"]]
    return ", ".join(names) or None, {"contacts": contacts}


def _contact_card(card: Json) -> Json:
    name = as_object(card.get("name"))
    parts = (as_text(name.get(key)) for key in _NAME_PARTS)
    org = as_object(card.get("org"))
    return {
        "name": as_text(name.get("formatted_name")) or " ".join(p for p in parts if p) or None,
        "phones": pick(card.get("phones"), ("phone", "wa_id", "type")),
        "emails": pick(card.get("emails"), ("email", "type")),
        "org": {key: as_text(org.get(key)) for key in ("company", "department", "title")}
        if org
        else None,
        "addresses": as_objects(card.get("addresses")),
        "urls": pick(card.get("urls"), ("url", "type")),
        "birthday": as_text(card.get("birthday")),
    }


def _interactive(obj: Json) -> Parsed:
    kind = as_text(obj.get("type"))
    reply = as_object(obj.get(kind)) if kind else {}
    content: Json = {"kind": kind, "id": as_id(reply.get("id"))}
    content.update(
        (key, as_text(reply.get(key))) for key in ("title", "description", "name", "body")
    )
    content["response_json"] = maybe_json(reply.get("response_json"))
    return content["title"] or content["body"], content


def _button(obj: Json) -> Parsed:
    text = as_text(obj.get("text"))
    return text, {"payload": as_text(obj.get("payload")), "text": text}


def _reaction(obj: Json) -> Parsed:
    emoji = as_text(obj.get("emoji")) or ""  # removal: "emoji" absent (new) or "" (old)
    return emoji or None, {
        "message_id": as_id(obj.get("message_id")),
        "emoji": emoji,
        "removed": emoji == "",
    }


def _order(obj: Json) -> Parsed:
    note, items = as_text(obj.get("text")), as_objects(obj.get("product_items"))
    content = {"catalog_id": as_id(obj.get("catalog_id")), "text": note, "product_items": items}
    return note or f"Order ({len(items)} items)", content


def _system(obj: Json) -> Parsed:
    body = as_text(obj.get("body"))
    return body, {
        "body": body,
        "kind": as_text(obj.get("type")),
        "new_wa_id": as_id(obj.get("wa_id")) or as_id(obj.get("new_wa_id")),
        "customer": as_id(obj.get("customer")),
        "identity": as_text(obj.get("identity")),
        "new_user_id": as_text(obj.get("user_id")),
    }


def unsupported(raw: Json, declared: str, errors: tuple[WhatsAppError, ...]) -> Parsed:
    inner = as_text(as_object(raw.get(declared)).get("type")) if declared else None
    original = inner if declared in ("unsupported", "unknown") and inner else None
    if original is None and declared != "unsupported":
        original = declared or None
    label = original or (errors[0].title if errors else "unknown type")
    content = {"original_type": original, "errors": [asdict(error) for error in errors]}
    return f"Unsupported message ({label[:80]})", content


PARSERS: dict[str, Callable[[Any], Parsed]] = {
    "text": _plain_text,
    **dict.fromkeys(MEDIA_TYPES, _media),
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "button": _button,
    "reaction": _reaction,
    "order": _order,
    "system": _system,
}
MESSAGE_TYPES = frozenset({*PARSERS, "unsupported"})
"""The `InboundMessage.type` values; any other declared type is stored as `unsupported`."""


# -- tolerant readers: never raise, whatever the JSON ----------------------------------------


def as_object(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def as_objects(value: object) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def pick(value: object, keys: tuple[str, ...]) -> list[Json]:
    return [{key: as_id(item.get(key)) for key in keys} for item in as_objects(value)]


def as_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_id(value: object) -> str | None:
    """An identifier: a string as is, an integer as its digits (Meta sends some ids as numbers)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**30:
        return str(value)
    return as_text(value)


def as_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def as_float(value: object) -> float | None:
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if abs(value) < 10**6 else math.nan
        return number if math.isfinite(number) else None
    return None


def maybe_json(value: object) -> object:
    """`response_json` of a Flow reply: a JSON string, parsed when valid, else kept as given."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value
