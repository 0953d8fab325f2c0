"""The simulator's in-memory world: customers, their chats, media and a change counter.

Nothing here talks HTTP or sends webhooks; `service.py` drives it. Every mutation that the
phone page should see calls `Store.touch()`, which bumps `version` and wakes long-pollers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["in", "out"]
"""From the business's point of view, as in Parley: `in` = customer → business."""

STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "played": 4}

MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")


@dataclass
class StatusEvent:
    status: str
    timestamp: float
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChatMessage:
    """One message in a customer's chat, as the customer's phone holds it."""

    id: str
    wa_id: str
    direction: Direction
    type: str
    timestamp: float
    content: dict[str, Any]
    """For `in`: the webhook message object. For `out`: the send body's `<type>` object."""
    context: dict[str, Any] | None = None
    status: str = "accepted"
    statuses: list[StatusEvent] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    biz_opaque_callback_data: str | None = None
    template_category: str | None = None
    filled: dict[str, Any] | None = None
    """For templates: the filled header, body, footer and buttons, as the phone shows them."""
    reactions: dict[str, str] = field(default_factory=dict)
    """Emoji on this message by `customer` and/or `business`."""

    def set_status(
        self, status: str, at: float, errors: list[dict[str, Any]] | None = None
    ) -> bool:
        """Record a status; never moves backwards and `failed` is terminal. True if changed."""
        if self.status == "failed":
            return False
        if status != "failed" and STATUS_RANK.get(status, 0) <= STATUS_RANK.get(self.status, 0):
            return False
        self.status = status
        self.statuses.append(StatusEvent(status, at, list(errors or [])))
        if errors:
            self.errors = list(errors)
        return True


@dataclass
class Customer:
    wa_id: str
    profile_name: str
    created_at: float
    user_id: str = ""
    """The business-scoped user id (BSUID) WhatsApp sends beside the wa_id since 2026."""
    last_inbound_at: float | None = None
    typing_until: float = 0.0
    messages: list[ChatMessage] = field(default_factory=list)

    def window_open(self, now: float) -> bool:
        """Inside WhatsApp's 24 h customer service window."""
        return self.last_inbound_at is not None and now - self.last_inbound_at < 24 * 3600


@dataclass
class Media:
    id: str
    content: bytes
    mime_type: str
    sha256: str
    created_at: float
    expires_at: float
    filename: str | None = None
    owner: Literal["business", "customer"] = "business"


@dataclass
class MediaUrl:
    media_id: str
    expires_at: float


class Store:
    """All simulator state. Single-threaded: used from one asyncio loop only."""

    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.messages: dict[str, ChatMessage] = {}
        self.media: dict[str, Media] = {}
        self.media_urls: dict[str, MediaUrl] = {}
        self.version = 0
        self._changed = asyncio.Event()
        self._released = False
        self.on_change: Callable[[], None] | None = None
        """Called after each change (the snapshot writes the store to disk)."""

    def clear(self) -> None:
        self.customers.clear()
        self.messages.clear()
        self.media.clear()
        self.media_urls.clear()
        self.touch()

    def touch(self) -> None:
        """Note a change the phone page should pick up."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()
        if self.on_change is not None:
            self.on_change()

    async def wait_for_change(self, since: int, seconds: float) -> int:
        """Return the version once it is above `since`, or after `seconds`; at once when it
        differs (a `since` above it comes from before a restart)."""
        if self.version != since or self._released:
            return self.version
        event = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()
        return self.version

    def release_waiters(self) -> None:
        """The server is stopping: every long poll answers now (and any new one at once), so
        none holds the stop up; the phone page then finds the simulator gone and says so."""
        self._released = True
        self._changed.set()

    def customer(self, wa_id: str) -> Customer | None:
        return self.customers.get(wa_id)

    def upsert_customer(
        self, wa_id: str, profile_name: str | None, now: float, user_id: str = ""
    ) -> Customer:
        customer = self.customers.get(wa_id)
        if customer is None:
            customer = Customer(wa_id, profile_name or "", now, user_id)
            self.customers[wa_id] = customer
        elif profile_name is not None:
            customer.profile_name = profile_name
        self.touch()
        return customer

    def add_message(self, message: ChatMessage) -> None:
        self.messages[message.id] = message
        customer = self.customers.get(message.wa_id)
        if customer is not None:
            customer.messages.append(message)
        self.touch()

    def live_media(self, media_id: str, now: float) -> Media | None:
        media = self.media.get(media_id)
        if media is None or media.expires_at <= now:
            return None
        return media
