"""Webhook payloads in Meta's exact shapes (WHATSAPP.md §1.3, §2, §3, §1.4).

`Event` is one update (an inbound message, a status, or another field's value); `envelope`
packs one or more events into the `whatsapp_business_account` body, grouping message and
status events in one `messages` change as Meta does when it batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..settings import Settings
from .store import ChatMessage


@dataclass
class Event:
    lane: str
    """Deliveries of one lane (a customer, or `waba`) go out one after another, in order."""
    field: str = "messages"
    contact: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    status: dict[str, Any] | None = None
    value: dict[str, Any] | None = None
    on_delivered: Callable[[], None] | None = None

    def describe(self) -> str:
        if self.message is not None:
            return f"message {self.message.get('type')} {self.message.get('id')}"
        if self.status is not None:
            return f"status {self.status['status']} {self.status['id']}"
        return f"{self.field}"


def metadata(settings: Settings) -> dict[str, str]:
    return {
        "display_phone_number": settings.whatsapp_display_phone_number,
        "phone_number_id": settings.whatsapp_phone_number_id,
    }


def contact(wa_id: str, profile_name: str | None, user_id: str | None) -> dict[str, Any]:
    """A `contacts[]` entry: with the profile for inbound messages, without for statuses."""
    out: dict[str, Any] = {}
    if profile_name is not None:
        out["profile"] = {"name": profile_name}
    out["wa_id"] = wa_id
    if user_id:
        out["user_id"] = user_id
    return out


def envelope(settings: Settings, events: Sequence[Event], now: float) -> dict[str, Any]:
    """One webhook body holding `events` (all for the same WABA)."""
    changes: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    for event in events:
        if event.field != "messages":
            changes.append({"value": event.value or {}, "field": event.field})
            continue
        if event.contact is not None:
            _add_contact(contacts, event.contact)
        if event.message is not None:
            messages.append(event.message)
        if event.status is not None:
            statuses.append(event.status)
    if messages or statuses:
        value: dict[str, Any] = {"messaging_product": "whatsapp", "metadata": metadata(settings)}
        if contacts:
            value["contacts"] = contacts
        if messages:
            value["messages"] = messages
        if statuses:
            value["statuses"] = statuses
        changes.insert(0, {"value": value, "field": "messages"})
    entry: dict[str, Any] = {"id": settings.whatsapp_business_account_id}
    if any(event.field != "messages" for event in events):
        entry["time"] = int(now)
    entry["changes"] = changes
    return {"object": "whatsapp_business_account", "entry": [entry]}


def _add_contact(contacts: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """One entry per wa_id; an entry with a profile wins over one without."""
    for index, old in enumerate(contacts):
        if old.get("wa_id") == new.get("wa_id"):
            if "profile" in new and "profile" not in old:
                contacts[index] = new
            return
    contacts.append(new)


def encode(body: dict[str, Any]) -> bytes:
    """Compact JSON with non-ASCII escaped as `\\uXXXX`, as Meta sends it."""
    return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()


def pricing(message: ChatMessage, window_open: bool) -> dict[str, Any]:
    """The `pricing` object of a status (per-message pricing)."""
    category = (message.template_category or "service").lower()
    free = category == "service" or (window_open and category == "utility")
    return {
        "billable": not free,
        "pricing_model": "PMP",
        "type": "free_customer_service" if free else "regular",
        "category": category,
    }


def status_object(
    message: ChatMessage,
    status: str,
    timestamp: float,
    *,
    price: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": message.id,
        "status": status,
        "timestamp": str(int(timestamp)),
        "recipient_id": message.wa_id,
    }
    if user_id:
        obj["recipient_user_id"] = user_id
    if message.biz_opaque_callback_data is not None:
        obj["biz_opaque_callback_data"] = message.biz_opaque_callback_data
    if price is not None:
        obj["pricing"] = price
    if errors:
        obj["errors"] = errors
    return obj


def template_status_value(
    template: dict[str, Any], event: str, reason: str | None
) -> dict[str, Any]:
    """The value of a `message_template_status_update` change."""
    value: dict[str, Any] = {
        "event": event,
        "message_template_id": int(template["id"]),
        "message_template_name": template["name"],
        "message_template_language": template["language"],
        "reason": reason,
        "message_template_category": template["category"],
    }
    if event == "PAUSED":
        value["other_info"] = {
            "title": "FIRST_PAUSE",
            "description": "Your template has been paused for 3 hours due to low quality.",
        }
    return value
