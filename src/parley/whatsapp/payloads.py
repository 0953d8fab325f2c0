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
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parley.whatsapp.content import (
    PARSERS,
    Json,
    as_id,
    as_object,
    as_objects,
    as_text,
    unsupported,
)
from parley.whatsapp.errors import WhatsAppError, webhook_errors
from parley.whatsapp.statuses import STATUSES

OBJECT = "whatsapp_business_account"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
_DIGITS = re.compile(r"[0-9]{1,12}")
# Longest values kept, as the columns that store them are sized (Meta's are far shorter): a longer
# id cannot be genuine and is treated as absent; a longer name is cut.
WAMID_MAX, WA_ID_MAX, USER_ID_MAX, NAME_MAX = 255, 32, 160, 200


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
    kind = as_text(change.get("field")) or ""
    entry_id, entry_time = as_id(entry.get("id")), _epoch(entry.get("time"))
    if kind == "messages":
        scope = _Scope(
            where=where,
            entry_time=entry_time,
            received_at=received_at,
            phone_number_id=as_id(as_object(value.get("metadata")).get("phone_number_id")),
            contacts=tuple(as_objects(value.get("contacts"))),
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
    wamid = _bounded(as_id(raw.get("id")), WAMID_MAX, notes, scope, "message id")
    if not wamid:
        wamid = synthetic_id(raw, scope.phone_number_id)
        notes.append(f"{scope.where}: message without id, used {wamid}")
    sender = _bounded(as_id(raw.get("from")), WA_ID_MAX, notes, scope, "sender")
    sender_user = _bounded(as_text(raw.get("from_user_id")), USER_ID_MAX, notes, scope, "sender")
    contact = _contact_for(scope.contacts, sender, sender_user)
    profile = as_object(contact.get("profile"))
    kind, text, content, errors = _body(raw, scope)
    context = as_object(raw.get("context"))
    referral = raw.get("referral")
    return InboundMessage(
        wamid=wamid,
        wa_id=sender or _bounded(as_id(contact.get("wa_id")), WA_ID_MAX, notes, scope, "wa_id"),
        user_id=sender_user
        or _bounded(as_text(contact.get("user_id")), USER_ID_MAX, notes, scope, "user_id"),
        profile_name=_name(profile.get("name")),
        phone_number_id=scope.phone_number_id,
        timestamp=_when(raw.get("timestamp"), scope, notes, f"message {wamid}"),
        type=kind,
        text=text,
        content=content,
        context_wamid=_bounded(as_id(context.get("id")), WAMID_MAX, notes, scope, "quoted id"),
        forwarded=context.get("forwarded") is True or context.get("frequently_forwarded") is True,
        referral=referral if isinstance(referral, dict) else None,
        errors=errors,
        raw=raw,
        username=_name(profile.get("username")),
    )


def _contact_for(contacts: tuple[Json, ...], wa_id: str | None, user_id: str | None) -> Json:
    """The sender's `value.contacts[]` item: by `wa_id == from`, else by BSUID, never by index."""
    for key, wanted in (("wa_id", wa_id), ("user_id", user_id)):
        if wanted:
            for contact in contacts:
                if as_id(contact.get(key)) == wanted:
                    return contact
    return {}


def _body(raw: Json, scope: _Scope) -> tuple[str, str | None, Json, tuple[WhatsAppError, ...]]:
    declared = as_text(raw.get("type")) or ""
    errors = webhook_errors(raw.get("errors"))
    parser = PARSERS.get(declared)
    if parser is not None:
        obj = raw.get(declared)
        if isinstance(obj, list if declared == "contacts" else dict):
            text, content = parser(obj)
            return declared, text, content, errors
        errors = errors or scope.value_errors  # e.g. `interactive` without object + 131000
    text, content = unsupported(raw, declared, errors)
    return "unsupported", text, content, errors


# -- statuses and other changes ---------------------------------------------------------------


def _status(raw: Json, scope: _Scope, notes: list[str]) -> StatusUpdate | None:
    wamid = _bounded(as_id(raw.get("id")), WAMID_MAX, notes, scope, "status id")
    status = (as_text(raw.get("status")) or "").lower()
    if not wamid or status not in STATUSES:
        notes.append(f"{scope.where}: status {status[:20]!r} of {(wamid or 'no id')[:120]} ignored")
        return None
    pricing = raw.get("pricing")
    return StatusUpdate(
        wamid=wamid,
        status=status,
        timestamp=_when(raw.get("timestamp"), scope, notes, f"status {wamid}"),
        recipient_id=as_id(raw.get("recipient_id")),
        errors=webhook_errors(raw.get("errors")),
        callback_data=as_text(raw.get("biz_opaque_callback_data")),
        pricing=pricing if isinstance(pricing, dict) else None,
        raw=raw,
        recipient_user_id=as_text(raw.get("recipient_user_id")),
        phone_number_id=scope.phone_number_id,
    )


def _template_update(value: Json, entry_time: datetime | None) -> TemplateStatusUpdate:
    return TemplateStatusUpdate(
        template_id=as_id(value.get("message_template_id")) or "",
        name=as_text(value.get("message_template_name")) or "",
        language=(as_text(value.get("message_template_language")) or "").replace("-", "_"),
        event=as_text(value.get("event")) or "",
        reason=as_text(value.get("reason")),
        raw=value,
        timestamp=entry_time,
    )


# -- tolerant readers: never raise, whatever the JSON -------------------------------------------


def _bounded(
    value: str | None, limit: int, notes: list[str], scope: _Scope, what: str
) -> str | None:
    if value is None or len(value) <= limit:
        return value
    notes.append(f"{scope.where}: {what} of {len(value)} characters ignored")
    return None


def _name(value: object) -> str | None:
    return (value[:NAME_MAX] or None) if isinstance(value, str) else None


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


def _listed(container: Json, key: str, where: str, notes: list[str]) -> list[Any]:
    value = container.get(key)
    if value is not None and not isinstance(value, list):
        notes.append(f"{where}.{key}: not a list")
    return value if isinstance(value, list) else []
