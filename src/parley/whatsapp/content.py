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
    if kind == "nfm_reply":
        fields = flow_fields(content["response_json"])
        content["fields"] = fields
        shown = "; ".join(f"{f['label']}: {f['value']}" for f in fields)
        return ("Form answers: " + shown) if shown else "Form submitted", content
    if kind == "call_permission_reply":
        response = as_text(reply.get("response"))
        content["response"] = response
        content["is_permanent"] = as_bool(reply.get("is_permanent"))
        content["expiration_timestamp"] = as_id(reply.get("expiration_timestamp"))
        content["response_source"] = as_text(reply.get("response_source"))
        verdict = {"accept": "Allowed", "reject": "Declined"}.get(response or "", "Answered")
        return f"{verdict} WhatsApp calls from the business", content
    return content["title"] or content["body"], content


_FLOW_KEY = re.compile(r"^(?:screen_\d+_)?(.+?)(?:_\d+)?$")


def flow_fields(answers: object) -> list[Json]:
    """A Flow's answers (`response_json`) as `[{"name", "label", "value"}]`, `flow_token` left out.

    Meta's Flow builder names fields `screen_<n>_<Label>_<n>`: the label is the readable middle.
    Values that are not text (lists, numbers) are shown as compact JSON.
    """
    if not isinstance(answers, dict):
        return []
    fields: list[Json] = []
    for name, value in answers.items():
        if name == "flow_token" or not isinstance(name, str):
            continue
        match = _FLOW_KEY.match(name)
        label = (match.group(1) if match else name).replace("_", " ")
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        fields.append({"name": name, "label": label, "value": shown})
    return fields


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
    """Each item with its quantity and unit price; `total` when every item has both and the
    same currency. Meta sends quantity and price as numbers or as strings."""
    note = as_text(obj.get("text")) or None
    items = [_order_item(item) for item in as_objects(obj.get("product_items"))]
    total = _order_total(items)
    content = {
        "catalog_id": as_id(obj.get("catalog_id")),
        "text": note,
        "product_items": items,
        "total": total,
    }
    summary = f"Order ({len(items)} item{'s' if len(items) != 1 else ''})"
    if items:
        summary += ": " + ", ".join(_item_line(item) for item in items)
    if total:
        summary += f"; total {_money(total['currency'], total['amount'])}"
    return summary + (f". {note}" if note else ""), content


def _item_line(item: Json) -> str:
    quantity = item["quantity"] if item["quantity"] is not None else "?"
    line = f"{quantity} × {item['product_retailer_id'] or '?'}"
    if item["item_price"] is not None:
        line += f" at {_money(item['currency'], item['item_price'])}"
    return line


_AMOUNT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")


def _amount(value: object) -> float | None:
    """A quantity or price as Meta sends it (3, 30.5, "2", "12.50"), else None."""
    if isinstance(value, str) and _AMOUNT.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 10**12:
        return float(value) if math.isfinite(value) else None
    return None


def _money(currency: str | None, amount: str) -> str:
    return f"{currency} {amount}" if currency else amount


def _order_item(item: Json) -> Json:
    quantity = _amount(item.get("quantity"))
    price = _amount(item.get("item_price"))
    return {
        "product_retailer_id": as_id(item.get("product_retailer_id")),
        "quantity": int(quantity) if quantity is not None and quantity.is_integer() else quantity,
        "item_price": f"{price:.2f}" if price is not None else None,
        "currency": as_text(item.get("currency")),
    }


def _order_total(items: list[Json]) -> Json | None:
    currencies = {item["currency"] for item in items}
    if not items or len(currencies) != 1:
        return None
    if any(item["quantity"] is None or item["item_price"] is None for item in items):
        return None
    amount = sum(float(item["item_price"]) * float(item["quantity"]) for item in items)
    return {"amount": f"{amount:.2f}", "currency": currencies.pop()}


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


_REFERRAL_KEYS = (
    *("source_url", "source_id", "source_type", "headline", "body", "media_type"),
    *("image_url", "video_url", "thumbnail_url", "ctwa_clid"),
)


def _request_welcome(obj: Json) -> Parsed:
    """The customer opened the chat for the first time (from an ad or a link): no text at all."""
    return "Opened the chat (welcome request)", {}


def referral(raw: object) -> Json | None:
    """The Click-to-WhatsApp ad that started the chat (`messages[].referral`), its texts kept."""
    if not isinstance(raw, dict):
        return None
    found: Json = {key: as_id(raw.get(key)) for key in _REFERRAL_KEYS}
    welcome = as_object(raw.get("welcome_message"))
    found["welcome_message"] = as_text(welcome.get("text"))
    return found


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
    "request_welcome": _request_welcome,
}
# Types that carry no `<type>` object of their own.
WITHOUT_OBJECT = frozenset({"request_welcome"})
MESSAGE_TYPES = frozenset({*PARSERS, "edit", "revoke", "unsupported"})
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


LABELS = {
    "image": "Photo",
    "video": "Video",
    "audio": "Audio",
    "document": "Document",
    "sticker": "Sticker",
    "location": "Location",
    "contacts": "Contact card",
    "order": "Order",
    "template": "Template",
}


def summary(kind: str, text: str | None, content: Json) -> str:
    """One line for the list preview (`last_message.text`): the text, or what the message is,
    with what the agent must know first (deleted, not received, forwarded, from an ad)."""
    if content.get("deleted"):
        return "Deleted by the customer"
    label = LABELS.get(kind)
    line = text or label or kind
    if kind in MEDIA_TYPES and content.get("errors"):
        line = f"{label} could not be received" + (f": {text}" if text else "")
    if content.get("frequently_forwarded"):
        line = f"Forwarded many times: {line}"
    elif content.get("forwarded"):
        line = f"Forwarded: {line}"
    ad = content.get("referral")
    if isinstance(ad, dict):
        name = ad.get("headline") or ad.get("body") or ad.get("source_url")
        if name:
            line = f"{line} · from the ad “{name}”"
    return line
