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
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from parley.whatsapp.content import (
    PARSERS,
    WITHOUT_OBJECT,
    Json,
    as_id,
    as_object,
    as_objects,
    as_text,
    referral,
    unsupported,
)
from parley.whatsapp.errors import WhatsAppError, webhook_errors
from parley.whatsapp.readers import Scope, bounded, epoch, listed, name_of, when
from parley.whatsapp.statuses import STATUSES

OBJECT = "whatsapp_business_account"
# Longest values kept, as the columns that store them are sized (Meta's are far shorter): a longer
# id cannot be genuine and is treated as absent; a longer name is cut.
WAMID_MAX, WA_ID_MAX, USER_ID_MAX = 255, 32, 160


class PayloadError(ValueError):
    """The webhook envelope is unusable: not an object, `object` wrong, `entry` not a list.

    Such a body is not for Parley (another product of the same app: Instagram, Messenger, a
    Page) or malformed: it is recorded as ignored with this reason, never retried.
    """


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One `value.messages[]` item (or `message_echoes[]` item, then `wa_id` is the customer it
    went to). `type` is one of `content.MESSAGE_TYPES`; `edit` and `revoke` carry the target in
    `content["original_wamid"]`. `content` also holds, when present: `referral` (the ad),
    `referred_product`, `forwarded` / `frequently_forwarded` (true) and `errors` (WhatsApp could
    not process what the customer sent, e.g. a media download)."""

    wamid: str
    wa_id: str | None
    bsuid: str | None
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
    parent_bsuid: str | None = None


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
    recipient_username: str | None = None


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
    echoes: list[InboundMessage] = field(default_factory=list)
    not_ours: bool = False  # something skipped was another number's, or no entry/change at all

    @property
    def empty(self) -> bool:
        """Nothing in the body was for Parley (everything in it is in `ignored`)."""
        return not (
            self.messages
            or self.statuses
            or self.errors
            or self.template_updates
            or self.other
            or self.echoes
        )


def parse_webhook(
    payload: object, *, received_at: datetime | None = None, phone_number_id: str | None = None
) -> WebhookBatch:
    """Every record in a webhook body. `received_at` (tz-aware) is the last timestamp fallback.

    With `phone_number_id` (ours), a change whose `metadata.phone_number_id` names another number
    of the same app is skipped whole (noted in `ignored`): it is not our traffic to answer.
    """
    batch = WebhookBatch()
    for i, entry in enumerate(_envelope(payload)):
        if not isinstance(entry, dict):
            batch.ignored.append(f"entry[{i}]: not an object")
            batch.not_ours = True
            continue
        if not isinstance(entry.get("changes"), list):
            batch.not_ours = True  # a malformed entry: noted below
        for j, change in enumerate(listed(entry, "changes", f"entry[{i}]", batch.ignored)):
            where = f"entry[{i}].changes[{j}]"
            theirs = _foreign_number(change, phone_number_id)
            if theirs is not None:
                batch.ignored.append(f"{where}: for phone number id {theirs[:40]}, not ours")
                batch.not_ours = True
                continue
            _change(batch, change, entry, where, received_at)
    return batch


def _foreign_number(change: object, ours: str | None) -> str | None:
    """The other phone number id a change is addressed to, None if it is ours or unsaid."""
    if ours is None or not isinstance(change, dict):
        return None
    metadata = as_object(as_object(change.get("value")).get("metadata"))
    theirs = as_id(metadata.get("phone_number_id"))
    return theirs if theirs and theirs != ours else None


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
        batch.not_ours = True
        return
    kind = as_text(change.get("field")) or ""
    entry_id, entry_time = as_id(entry.get("id")), epoch(entry.get("time"))
    if kind in ("messages", "smb_message_echoes"):
        scope = Scope(
            where=where,
            entry_time=entry_time,
            received_at=received_at,
            phone_number_id=as_id(as_object(value.get("metadata")).get("phone_number_id")),
            contacts=tuple(as_objects(value.get("contacts"))),
            value_errors=webhook_errors(value.get("errors")),
        )
        if kind == "messages":
            _messages_value(batch, value, scope)
        else:
            _echoes_value(batch, value, scope)
    elif kind == "message_template_status_update":
        batch.template_updates.append(_template_update(value, entry_time))
    else:
        batch.other.append(OtherChange(field=kind, value=value, entry_id=entry_id))


def _messages_value(batch: WebhookBatch, value: Json, scope: Scope) -> None:
    batch.errors.extend(scope.value_errors)
    for k, item in enumerate(listed(value, "messages", scope.where, batch.ignored)):
        if isinstance(item, dict):
            batch.messages.append(_message(item, scope, batch.ignored))
        else:
            batch.ignored.append(f"{scope.where}.messages[{k}]: not an object")
    for k, item in enumerate(listed(value, "statuses", scope.where, batch.ignored)):
        status = _status(item, scope, batch.ignored) if isinstance(item, dict) else None
        if status is not None:
            batch.statuses.append(status)
        elif not isinstance(item, dict):
            batch.ignored.append(f"{scope.where}.statuses[{k}]: not an object")


def _echoes_value(batch: WebhookBatch, value: Json, scope: Scope) -> None:
    """`smb_message_echoes`: what the business sent from the WhatsApp Business app (coexistence)."""
    for k, item in enumerate(listed(value, "message_echoes", scope.where, batch.ignored)):
        if not isinstance(item, dict):
            batch.ignored.append(f"{scope.where}.message_echoes[{k}]: not an object")
            continue
        echo = _message(
            {**item, "from": item.get("to"), "from_user_id": item.get("to_user_id")},
            scope,
            batch.ignored,
        )
        batch.echoes.append(echo)


# -- messages -------------------------------------------------------------------------------


def _message(raw: Json, scope: Scope, notes: list[str]) -> InboundMessage:
    wamid = bounded(as_id(raw.get("id")), WAMID_MAX, notes, scope, "message id")
    if not wamid:
        wamid = synthetic_id(raw, scope.phone_number_id)
        notes.append(f"{scope.where}: message without id, used {wamid}")
    sender = bounded(as_id(raw.get("from")), WA_ID_MAX, notes, scope, "sender")
    sender_user = bounded(as_text(raw.get("from_user_id")), USER_ID_MAX, notes, scope, "sender")
    contact = _contact_for(scope.contacts, sender, sender_user)
    profile = as_object(contact.get("profile"))
    kind, text, content, errors = _body(raw, scope)
    context = as_object(raw.get("context"))
    ad = raw.get("referral")
    parent = as_text(raw.get("from_parent_user_id")) or as_text(contact.get("parent_user_id"))
    return InboundMessage(
        wamid=wamid,
        wa_id=sender or bounded(as_id(contact.get("wa_id")), WA_ID_MAX, notes, scope, "wa_id"),
        bsuid=sender_user
        or bounded(as_text(contact.get("user_id")), USER_ID_MAX, notes, scope, "user_id"),
        profile_name=name_of(profile.get("name")),
        phone_number_id=scope.phone_number_id,
        timestamp=when(raw.get("timestamp"), scope, notes, f"message {wamid}"),
        type=kind,
        text=text,
        content=_extras(content, raw, context, errors),
        context_wamid=bounded(as_id(context.get("id")), WAMID_MAX, notes, scope, "quoted id"),
        forwarded=context.get("forwarded") is True or context.get("frequently_forwarded") is True,
        referral=ad if isinstance(ad, dict) else None,
        errors=errors,
        raw=raw,
        username=name_of(profile.get("username")),
        parent_bsuid=(parent or None) if parent and len(parent) <= USER_ID_MAX else None,
    )


def _extras(content: Json, raw: Json, context: Json, errors: tuple[WhatsAppError, ...]) -> Json:
    """What an agent must see beside the body: the ad, the product asked about, forwarding,
    and the errors WhatsApp reported for this message (its media could not be fetched)."""
    extra = dict(content)
    ad = referral(raw.get("referral"))
    if ad is not None:
        extra["referral"] = ad
    product = as_object(context.get("referred_product"))
    if product:
        extra["referred_product"] = {
            "catalog_id": as_id(product.get("catalog_id")),
            "product_retailer_id": as_id(product.get("product_retailer_id")),
        }
    if context.get("frequently_forwarded") is True:
        extra["frequently_forwarded"] = True
        extra["forwarded"] = True
    elif context.get("forwarded") is True:
        extra["forwarded"] = True
    if errors and "errors" not in extra:
        extra["errors"] = [asdict(error) for error in errors]
    return extra


def _contact_for(contacts: tuple[Json, ...], wa_id: str | None, user_id: str | None) -> Json:
    """The sender's `value.contacts[]` item: by `wa_id == from`, else by BSUID, never by index."""
    for key, wanted in (("wa_id", wa_id), ("user_id", user_id)):
        if wanted:
            for contact in contacts:
                if as_id(contact.get(key)) == wanted:
                    return contact
    return {}


def _body(raw: Json, scope: Scope) -> tuple[str, str | None, Json, tuple[WhatsAppError, ...]]:
    declared = as_text(raw.get("type")) or ""
    errors = webhook_errors(raw.get("errors"))
    if declared in ("edit", "revoke") and isinstance(raw.get(declared), dict):
        return _change_of_earlier(declared, raw[declared], scope, errors)
    parser = PARSERS.get(declared)
    if parser is not None:
        obj = {} if declared in WITHOUT_OBJECT else raw.get(declared)
        if isinstance(obj, list if declared == "contacts" else dict):
            text, content = parser(obj)
            return declared, text, content, errors
        errors = errors or scope.value_errors  # e.g. `interactive` without object + 131000
    text, content = unsupported(raw, declared, errors)
    return "unsupported", text, content, errors


def _change_of_earlier(
    declared: str, obj: Json, scope: Scope, errors: tuple[WhatsAppError, ...]
) -> tuple[str, str | None, Json, tuple[WhatsAppError, ...]]:
    """`edit` (the new version of an earlier message) or `revoke` (the customer deleted it)."""
    target = as_id(obj.get("original_message_id")) or as_id(obj.get("message_id"))
    if declared == "revoke":
        return "revoke", None, {"original_wamid": target}, errors
    inner = as_object(obj.get("message"))
    kind, text, content, _ = _body(inner, scope) if inner else ("unsupported", None, {}, ())
    return "edit", text, {"original_wamid": target, "type": kind, "content": content}, errors


# -- statuses and other changes ---------------------------------------------------------------


def _status(raw: Json, scope: Scope, notes: list[str]) -> StatusUpdate | None:
    wamid = bounded(as_id(raw.get("id")), WAMID_MAX, notes, scope, "status id")
    status = (as_text(raw.get("status")) or "").lower()
    if not wamid or status not in STATUSES:
        notes.append(f"{scope.where}: status {status[:20]!r} of {(wamid or 'no id')[:120]} ignored")
        return None
    pricing = raw.get("pricing")
    recipient, recipient_user = (
        as_id(raw.get("recipient_id")),
        as_text(raw.get("recipient_user_id")),
    )
    contact = _contact_for(scope.contacts, recipient, recipient_user)
    return StatusUpdate(
        wamid=wamid,
        status=status,
        timestamp=when(raw.get("timestamp"), scope, notes, f"status {wamid}"),
        recipient_id=recipient or as_id(contact.get("wa_id")),
        errors=webhook_errors(raw.get("errors")),
        callback_data=as_text(raw.get("biz_opaque_callback_data")),
        pricing=pricing if isinstance(pricing, dict) else None,
        raw=raw,
        recipient_user_id=recipient_user or as_text(contact.get("user_id")),
        phone_number_id=scope.phone_number_id,
        recipient_username=name_of(as_object(contact.get("profile")).get("username")),
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
