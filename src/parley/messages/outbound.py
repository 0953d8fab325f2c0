"""Queue what goes to the Cloud API, in the caller's transaction: an outbound message with its
outbox row, or a read receipt (with or without the typing indicator).

The sender (`parley.outbox`) claims the rows and dispatches on the content's type. The outbox row
names itself in `biz_opaque_callback_data`, so a status webhook finds the message even when the
send's own answer was lost (WHATSAPP.md §7, the sender policy).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from parley.db.uow import UnitOfWork
from parley.messages.content import (
    MediaContent,
    OutboundContent,
    ReactionContent,
    TemplateContent,
    TextContent,
)
from parley.messages.models import Message, OutboxItem
from parley.workers.wake import Wake

CALLBACK_PREFIX = "parley:outbox:"


class OutboxKind(StrEnum):
    MESSAGE = "message"  # sends messages.id; the payload holds its content
    MARK_READ = "mark_read"  # marks an inbound wamid (and earlier ones) read
    TYPING = "typing"  # the same, and shows the customer "typing…"


def callback_data(item_id: int) -> str:
    return f"{CALLBACK_PREFIX}{item_id}"


def parse_callback_data(value: str | None) -> int | None:
    """The outbox row id a status webhook's `biz_opaque_callback_data` names, if it is ours."""
    if value and value.startswith(CALLBACK_PREFIX):
        tail = value[len(CALLBACK_PREFIX) :]
        return int(tail) if tail.isdigit() else None
    return None


def stored_text(content: OutboundContent) -> str | None:
    """What the transcript shows as the message's text."""
    match content:
        case TextContent(body=body):
            return body
        case MediaContent(caption=caption):
            return caption
        case ReactionContent(emoji=emoji):
            return emoji or None
        case TemplateContent():
            return None
    return None


async def queue_outbound(
    uow: UnitOfWork,
    *,
    interaction_id: int,
    session_id: int,
    contact_id: int,
    to: str,
    author_id: int | None,
    content: OutboundContent,
    now: datetime,
    text: str | None = None,
    shown: dict[str, object] | None = None,
    reply_to_wamid: str | None = None,
    client_id: str | None = None,
) -> Message:
    """Store the message (status `queued`) and its outbox row; returns the flushed message.

    `to` is the contact's wa_id or BSUID. `text` overrides what the transcript shows (a template's
    rendered body, say) and `shown` the message's API `content` (default: the content itself).
    """
    message = Message(
        session_id=session_id,
        interaction_id=interaction_id,
        contact_id=contact_id,
        direction="out",
        type=content.type,
        text=text if text is not None else stored_text(content),
        content=dict(shown) if shown is not None else _shown(content),
        status="queued",
        reply_to_wamid=reply_to_wamid,
        client_id=client_id,
        author_id=author_id,
        timestamp=now,
        created_at=now,
    )
    uow.session.add(message)
    await uow.session.flush()
    uow.session.add(
        OutboxItem(
            kind=OutboxKind.MESSAGE,
            message_id=message.id,
            to_wa_id=to,
            payload={"content": content.model_dump(exclude_none=True), "context": reply_to_wamid},
            state="pending",
            next_attempt_at=now,
            created_at=now,
        )
    )
    uow.wake(Wake.OUTBOX)
    return message


def _shown(content: OutboundContent) -> dict[str, object]:
    return content.model_dump(exclude={"type"}, exclude_none=True)


def queue_receipt(
    uow: UnitOfWork, wamid: str, to: str, now: datetime, *, typing: bool = False
) -> OutboxItem:
    """Mark `wamid` (and earlier messages) read; with `typing`, show the typing indicator too."""
    item = OutboxItem(
        kind=OutboxKind.TYPING if typing else OutboxKind.MARK_READ,
        to_wa_id=to,
        payload={"wamid": wamid},
        state="pending",
        next_attempt_at=now,
        created_at=now,
    )
    uow.session.add(item)
    uow.wake(Wake.OUTBOX)
    return item
