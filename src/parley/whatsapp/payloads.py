"""Parse a webhook body (decoded JSON) into frozen records: every entry, change, message, status.

Pure and total: `parse_webhook` raises only `PayloadError`, and only when the envelope is unusable
(WHATSAPP.md §1.3). Inside it, nothing with an identity is dropped:

- a message without `id` gets `synthetic_id()` ("parley." + sha256 of its canonical JSON);
- a message of an unknown type, or whose `<type>` object is missing, becomes `unsupported`;
- a bad `timestamp` falls back to `entry.time`, then to `received_at`, then to the Unix epoch.

What is skipped (non-object items, statuses without an id, `deleted`/`warning` statuses) or
patched (ids, timestamps) is written as one line per item into `WebhookBatch.ignored`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from parley.whatsapp.errors import WhatsAppError, webhook_errors
from parley.whatsapp.statuses import STATUSES

Json = dict[str, Any]
Parsed = tuple[str | None, Json]  # (text a person reads, normalised content)

OBJECT = "whatsapp_business_account"
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
_DIGITS = re.compile(r"[0-9]{1,12}")
_NUMBER = re.compile(r"-?[0-9]{1,4}(\.[0-9]{1,20})?")
_NAME_PARTS = ("prefix", "first_name", "middle_name", "last_name", "suffix")
_MEDIA_TEXTS = ("mime_type", "sha256", "filename", "caption", "url")


class PayloadError(ValueError):
    """The webhook envelope is unusable: not an object, `object` wrong, `entry` not a list."""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One `value.messages[]` item. `type` is one of the 14 listed in WHATSAPP.md §2.1."""

    wamid: str
    wa_id: str | None
    user_id: str | None
    profile_name: str | None
    phone_number_id: str | None
    timestamp: datetime
    type: str
    text: str | None
    content: Json
    context_wamid: str | None
    forwarded: bool
    referral: Json | None
    errors: tuple[WhatsAppError, ...]
    raw: Json
    username: str | None = None


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """One `value.statuses[]` item with a status in `statuses.STATUSES`."""

    wamid: str
    status: str
    timestamp: datetime
    recipient_id: str | None
    errors: tuple[WhatsAppError, ...]
    callback_data: str | None
    pricing: Json | None
    raw: Json
    recipient_user_id: str | None = None
    phone_number_id: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateStatusUpdate:
    """A `message_template_status_update` change; `language` uses `_` (`en_US`)."""

    template_id: str
    name: str
    language: str
    event: str
    reason: str | None
    raw: Json
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class OtherChange:
    """Any other change field (quality, account_update, user_preferences, unknown), kept whole."""

    field: str
    value: Json
    entry_id: str | None = None


@dataclass(slots=True)
class WebhookBatch:
    """Everything in one webhook body, in payload order; `ignored` notes what was skipped or patched."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    errors: list[WhatsAppError] = field(default_factory=list)
    template_updates: list[TemplateStatusUpdate] = field(default_factory=list)
    other: list[OtherChange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Scope:
    """What a message or status inherits from its entry and change."""

    where: str
    entry_time: datetime | None
    received_at: datetime | None
    phone_number_id: str | None
    contacts: tuple[Json, ...]
    value_errors: tuple[WhatsAppError, ...]


def parse_webhook(payload: object, *, received_at: datetime | None = None) -> WebhookBatch:
    """Every record in a webhook body. `received_at` (tz-aware) is the last timestamp fallback."""
    batch = WebhookBatch()
    for i, entry in enumerate(_envelope(payload)):
        if not isinstance(entry, dict):
            batch.ignored.append(f"entry[{i}]: not an object")
            continue
        for j, change in enumerate(_listed(entry, "changes", f"entry[{i}]", batch.ignored)):
            _change(batch, change, entry, f"entry[{i}].changes[{j}]", received_at)
    return batch


def synthetic_id(message: Json, phone_number_id: str | None = None) -> str:
    """The stand-in wamid of a message without `id`: the same message always gets the same one."""
    try:
        canonical = json.dumps([phone_number_id, message], sort_keys=True, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):  # absurdly deep: hash the top-level scalars
        scalars = str | int | float | bool | None
        canonical = repr(sorted((k, repr(v)) for k, v in message.items() if isinstance(v, scalars)))
    return "parley." + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _envelope(payload: object) -> list[Any]:
    if not isinstance(payload, dict):
        raise PayloadError("webhook body is not a JSON object")
    if payload.get("object") != OBJECT:
        raise PayloadError(f"webhook 'object' is not {OBJECT!r}")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("webhook 'entry' is not a list")
    return entries


def _change(
    batch: WebhookBatch, change: object, entry: Json, where: str, received_at: datetime | None
) -> None:
    value = change.get("value") if isinstance(change, dict) else None
    if not isinstance(change, dict) or not isinstance(value, dict):
        batch.ignored.append(f"{where}: no 'value' object")
        return
    kind = _text(change.get("field")) or ""
    entry_id, entry_time = _id(entry.get("id")), _epoch(entry.get("time"))
    if kind == "messages":
        scope = _Scope(
            where=where,
            entry_time=entry_time,
            received_at=received_at,
            phone_number_id=_id(_obj(value.get("metadata")).get("phone_number_id")),
            contacts=tuple(_dicts(value.get("contacts"))),
            value_errors=webhook_errors(value.get("errors")),
        )
        _messages_value(batch, value, scope)
    elif kind == "message_template_status_update":
        batch.template_updates.append(_template_update(value, entry_time))
    else:
        batch.other.append(OtherChange(field=kind, value=value, entry_id=entry_id))


def _messages_value(batch: WebhookBatch, value: Json, scope: _Scope) -> None:
    batch.errors.extend(scope.value_errors)
    for k, item in enumerate(_listed(value, "messages", scope.where, batch.ignored)):
        if isinstance(item, dict):
            batch.messages.append(_message(item, scope, batch.ignored))
        else:
            batch.ignored.append(f"{scope.where}.messages[{k}]: not an object")
    for k, item in enumerate(_listed(value, "statuses", scope.where, batch.ignored)):
        status = _status(item, scope, batch.ignored) if isinstance(item, dict) else None
        if status is not None:
            batch.statuses.append(status)
        elif not isinstance(item, dict):
            batch.ignored.append(f"{scope.where}.statuses[{k}]: not an object")


# -- messages -------------------------------------------------------------------------------


def _message(raw: Json, scope: _Scope, notes: list[str]) -> InboundMessage:
    wamid = _id(raw.get("id"))
    if not wamid:
        wamid = synthetic_id(raw, scope.phone_number_id)
        notes.append(f"{scope.where}: message without id, used {wamid}")
    sender, sender_user = _id(raw.get("from")), _text(raw.get("from_user_id"))
    contact = _contact_for(scope.contacts, sender, sender_user)
    profile = _obj(contact.get("profile"))
    kind, text, content, errors = _body(raw, scope)
    context = _obj(raw.get("context"))
    referral = raw.get("referral")
    return InboundMessage(
        wamid=wamid,
        wa_id=sender or _id(contact.get("wa_id")),
        user_id=sender_user or _text(contact.get("user_id")),
        profile_name=_text(profile.get("name")) or None,
        phone_number_id=scope.phone_number_id,
        timestamp=_when(raw.get("timestamp"), scope, notes, f"message {wamid}"),
        type=kind,
        text=text,
        content=content,
        context_wamid=_id(context.get("id")),
        forwarded=context.get("forwarded") is True or context.get("frequently_forwarded") is True,
        referral=referral if isinstance(referral, dict) else None,
        errors=errors,
        raw=raw,
        username=_text(profile.get("username")) or None,
    )


def _contact_for(contacts: tuple[Json, ...], wa_id: str | None, user_id: str | None) -> Json:
    """The sender's `value.contacts[]` item: by `wa_id == from`, else by BSUID, never by index."""
    for key, wanted in (("wa_id", wa_id), ("user_id", user_id)):
        if wanted:
            for contact in contacts:
                if _id(contact.get(key)) == wanted:
                    return contact
    return {}


def _body(raw: Json, scope: _Scope) -> tuple[str, str | None, Json, tuple[WhatsAppError, ...]]:
    declared = _text(raw.get("type")) or ""
    errors = webhook_errors(raw.get("errors"))
    parser = _PARSERS.get(declared)
    if parser is not None:
        obj = raw.get(declared)
        if isinstance(obj, list if declared == "contacts" else dict):
            text, content = parser(obj)
            return declared, text, content, errors
        errors = errors or scope.value_errors  # e.g. `interactive` without object + 131000
    text, content = _unsupported(raw, declared, errors)
    return "unsupported", text, content, errors


def _plain_text(obj: Json) -> Parsed:
    body = _text(obj.get("body"))
    return body, {"body": body}


def _media(obj: Json) -> Parsed:
    content: Json = {"media_id": _id(obj.get("id"))}
    content.update((key, _text(obj.get(key))) for key in _MEDIA_TEXTS)
    content.update((key, _bool(obj.get(key))) for key in ("voice", "animated"))
    return content["caption"], content


def _location(obj: Json) -> Parsed:
    name, address = _text(obj.get("name")) or None, _text(obj.get("address")) or None
    text = ", ".join(part for part in (name, address) if part) or None
    return text, {
        "latitude": _float(obj.get("latitude")),
        "longitude": _float(obj.get("longitude")),
        "name": name,
        "address": address,
        "url": _text(obj.get("url")),
    }


def _contacts(cards: list[Any]) -> Parsed:
    contacts = [_contact_card(card) for card in cards if isinstance(card, dict)]
    names = [card["name"] for card in contacts if card["name"]]
    return ", ".join(names) or None, {"contacts": contacts}


def _contact_card(card: Json) -> Json:
    name = _obj(card.get("name"))
    parts = (_text(name.get(key)) for key in _NAME_PARTS)
    org = _obj(card.get("org"))
    return {
        "name": _text(name.get("formatted_name")) or " ".join(p for p in parts if p) or None,
        "phones": _pick(card.get("phones"), ("phone", "wa_id", "type")),
        "emails": _pick(card.get("emails"), ("email", "type")),
        "org": {key: _text(org.get(key)) for key in ("company", "department", "title")}
        if org
        else None,
        "addresses": _dicts(card.get("addresses")),
        "urls": _pick(card.get("urls"), ("url", "type")),
        "birthday": _text(card.get("birthday")),
    }


def _interactive(obj: Json) -> Parsed:
    kind = _text(obj.get("type"))
    reply = _obj(obj.get(kind)) if kind else {}
    content: Json = {"kind": kind, "id": _id(reply.get("id"))}
    content.update((key, _text(reply.get(key))) for key in ("title", "description", "name", "body"))
    content["response_json"] = _maybe_json(reply.get("response_json"))
    return content["title"] or content["body"], content


def _button(obj: Json) -> Parsed:
    text = _text(obj.get("text"))
    return text, {"payload": _text(obj.get("payload")), "text": text}


def _reaction(obj: Json) -> Parsed:
    emoji = _text(obj.get("emoji")) or ""  # removal: "emoji" absent (new) or "" (old)
    return emoji or None, {
        "message_id": _id(obj.get("message_id")),
        "emoji": emoji,
        "removed": emoji == "",
    }


def _order(obj: Json) -> Parsed:
    note, items = _text(obj.get("text")), _dicts(obj.get("product_items"))
    content = {"catalog_id": _id(obj.get("catalog_id")), "text": note, "product_items": items}
    return note or f"Order ({len(items)} items)", content


def _system(obj: Json) -> Parsed:
    body = _text(obj.get("body"))
    return body, {
        "body": body,
        "kind": _text(obj.get("type")),
        "new_wa_id": _id(obj.get("wa_id")) or _id(obj.get("new_wa_id")),
        "customer": _id(obj.get("customer")),
        "identity": _text(obj.get("identity")),
        "new_user_id": _text(obj.get("user_id")),
    }


def _unsupported(raw: Json, declared: str, errors: tuple[WhatsAppError, ...]) -> Parsed:
    inner = _text(_obj(raw.get(declared)).get("type")) if declared else None
    original = inner if declared in ("unsupported", "unknown") and inner else None
    if original is None and declared != "unsupported":
        original = declared or None
    label = original or (errors[0].title if errors else "unknown type")
    content = {"original_type": original, "errors": [asdict(error) for error in errors]}
    return f"Unsupported message ({label[:80]})", content


_PARSERS: dict[str, Callable[[Any], Parsed]] = {
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
MESSAGE_TYPES = frozenset({*_PARSERS, "unsupported"})
"""The `InboundMessage.type` values; any other declared type is stored as `unsupported`."""


# -- statuses and other changes ---------------------------------------------------------------


def _status(raw: Json, scope: _Scope, notes: list[str]) -> StatusUpdate | None:
    wamid, status = _id(raw.get("id")), (_text(raw.get("status")) or "").lower()
    if not wamid or status not in STATUSES:
        notes.append(f"{scope.where}: status {status[:20]!r} of {(wamid or 'no id')[:120]} ignored")
        return None
    pricing = raw.get("pricing")
    return StatusUpdate(
        wamid=wamid,
        status=status,
        timestamp=_when(raw.get("timestamp"), scope, notes, f"status {wamid}"),
        recipient_id=_id(raw.get("recipient_id")),
        errors=webhook_errors(raw.get("errors")),
        callback_data=_text(raw.get("biz_opaque_callback_data")),
        pricing=pricing if isinstance(pricing, dict) else None,
        raw=raw,
        recipient_user_id=_text(raw.get("recipient_user_id")),
        phone_number_id=scope.phone_number_id,
    )


def _template_update(value: Json, entry_time: datetime | None) -> TemplateStatusUpdate:
    return TemplateStatusUpdate(
        template_id=_id(value.get("message_template_id")) or "",
        name=_text(value.get("message_template_name")) or "",
        language=(_text(value.get("message_template_language")) or "").replace("-", "_"),
        event=_text(value.get("event")) or "",
        reason=_text(value.get("reason")),
        raw=value,
        timestamp=entry_time,
    )


# -- tolerant readers: never raise, whatever the JSON -------------------------------------------


def _when(value: object, scope: _Scope, notes: list[str], what: str) -> datetime:
    parsed = _epoch(value)
    if parsed is None:
        parsed = scope.entry_time or scope.received_at or EPOCH
        shown = repr(value)[:40] if isinstance(value, str | int | float | None) else "?"
        notes.append(f"{scope.where}: {what[:140]} has timestamp {shown}, used {parsed}")
    return parsed


def _epoch(value: object) -> datetime | None:
    """Unix seconds (a string of digits or a number) as an aware UTC datetime, else None."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= _MAX_SECONDS:  # also refuses NaN and infinities
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def _obj(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _listed(container: Json, key: str, where: str, notes: list[str]) -> list[Any]:
    value = container.get(key)
    if value is not None and not isinstance(value, list):
        notes.append(f"{where}.{key}: not a list")
    return value if isinstance(value, list) else []


def _pick(value: object, keys: tuple[str, ...]) -> list[Json]:
    return [{key: _id(item.get(key)) for key in keys} for item in _dicts(value)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _id(value: object) -> str | None:
    """An identifier: a string as is, an integer as its digits (Meta sends some ids as numbers)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**30:
        return str(value)
    return _text(value)


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _float(value: object) -> float | None:
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if abs(value) < 10**6 else math.nan
        return number if math.isfinite(number) else None
    return None


def _maybe_json(value: object) -> object:
    """`response_json` of a Flow reply: a JSON string, parsed when valid, else kept as given."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value
