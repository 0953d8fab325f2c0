"""WhatsApp's customer service window: 24 hours after the contact's last inbound message."""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)


def window_expires_at(last_inbound_at: datetime | None) -> datetime | None:
    return None if last_inbound_at is None else last_inbound_at + WINDOW


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    expires = window_expires_at(last_inbound_at)
    return expires is not None and now < expires


def window_allows(message_type: str, last_inbound_at: datetime | None, now: datetime) -> bool:
    """Whether WhatsApp takes a message of `message_type` now: templates always, anything else
    only while the window is open (WHATSAPP.md §8.4; otherwise 131047 after a 200)."""
    return message_type == "template" or window_open(last_inbound_at, now)
