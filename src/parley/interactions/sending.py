"""The agent's sends on an interaction: any content, through one path.

`send_message` checks what WhatsApp and the contact center require (the agent holds the
interaction, the customer service window is open unless the content is a template, a quoted
message is one WhatsApp knows), stores the message with its outbox row, clears the pending
response and announces both. The caller commits; the sender wakes after the commit, on every node.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.late_replies import ComposedTooLongAgo, composed_time
from parley.domain.window import window_open
from parley.errors import Conflict, Invalid
from parley.interactions.models import Interaction
from parley.interactions.pending import unanswered_since
from parley.interactions.service import publish_interaction, require_active
from parley.messages.content import OutboundContent, allowed_outside_window
from parley.messages.events import MessageCreated
from parley.messages.models import Message
from parley.messages.outbound import queue_outbound, stored_text
from parley.messages.previews import preview
from parley.messages.transcript import message_out


async def send_message(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    content: OutboundContent,
    *,
    client_id: str | None = None,
    reply_to: int | None = None,
    text: str | None = None,
    shown: dict[str, object] | None = None,
    composed_at: datetime | None = None,
) -> Message:
    """Queue `content` to the interaction's contact; returns the stored message.

    A repeated `client_id` returns the message it first made (the agent's retry); reused for
    different content it is refused (409 `client_id_reused`). Outside the window anything but a
    template is refused (409 `window_closed`, WHATSAPP.md §8.4). `text` and `shown` override the
    transcript's text and content (see `queue_outbound`). `composed_at`, when the agent pressed
    Send on a reply posted again after a lost connection, is kept on the message if it is
    earlier than now (422 `composed_too_long_ago` when more than 24 hours earlier).
    """
    if client_id is not None:
        existing = await _by_client_id(uow, interaction, client_id)
        if existing is not None:
            if existing.type != content.type or existing.text != _text_of(content, text):
                raise Conflict(
                    "This client_id was already used for a different message.",
                    code="client_id_reused",
                )
            return existing
    require_active(user, interaction)
    now = clock.now()
    try:
        written = composed_time(composed_at, now)
    except ComposedTooLongAgo as exc:
        raise Invalid(
            f"{exc}: the reply is too old to send.", code="composed_too_long_ago"
        ) from None
    if not allowed_outside_window(content):
        require_window(interaction, now)
    quoted = await quoted_wamid(uow, interaction, reply_to)
    message = await queue_to_contact(
        uow,
        user,
        interaction,
        content,
        now,
        text=text,
        shown=shown,
        reply_to_wamid=quoted,
        client_id=client_id,
    )
    message.composed_at = written
    await answered(uow, interaction, message, now)
    uow.emit(MessageCreated(message=await message_out(uow, message)), to=user.id)
    await publish_interaction(uow, interaction)
    return message


async def queue_to_contact(
    uow: UnitOfWork,
    user: User,
    interaction: Interaction,
    content: OutboundContent,
    now: datetime,
    *,
    text: str | None = None,
    shown: dict[str, object] | None = None,
    reply_to_wamid: str | None = None,
    client_id: str | None = None,
) -> Message:
    """`queue_outbound` for the interaction's contact, written by `user` (no checks: callers
    make theirs first)."""
    return await queue_outbound(
        uow,
        interaction_id=interaction.id,
        session_id=interaction.session_id,
        contact_id=interaction.contact_id,
        to=await recipient(uow, interaction),
        author_id=user.id,
        content=content,
        now=now,
        text=text,
        shown=shown,
        reply_to_wamid=reply_to_wamid,
        client_id=client_id,
    )


def _text_of(content: OutboundContent, text: str | None) -> str | None:
    return text if text is not None else stored_text(content)


async def _by_client_id(
    uow: UnitOfWork, interaction: Interaction, client_id: str
) -> Message | None:
    return await uow.session.scalar(
        select(Message).where(
            Message.interaction_id == interaction.id, Message.client_id == client_id
        )
    )


async def recipient(uow: UnitOfWork, interaction: Interaction) -> str:
    """Where WhatsApp delivers to the contact: the wa_id, or the BSUID for a username-only user
    (sends then use `recipient`, WHATSAPP.md §2.4)."""
    contact = await uow.session.get(Contact, interaction.contact_id)
    address = contact and (contact.wa_id or contact.bsuid)
    if not address:
        raise Conflict("This contact has no WhatsApp address to send to.", code="no_address")
    return address


def require_window(interaction: Interaction, now: datetime) -> None:
    if not window_open(interaction.last_inbound_at, now):
        raise Conflict(
            "WhatsApp's 24-hour customer service window is closed: send a template.",
            code="window_closed",
        )


async def quoted_wamid(
    uow: UnitOfWork, interaction: Interaction, reply_to: int | None
) -> str | None:
    """The wamid a quoted reply points at: any message of this contact that WhatsApp knows."""
    if reply_to is None:
        return None
    quoted = await uow.session.get(Message, reply_to)
    if quoted is None or quoted.contact_id != interaction.contact_id:
        raise Invalid(
            "The message to reply to is not in this conversation.", code="reply_to_not_found"
        )
    if quoted.type == "reaction":
        raise Invalid("A reaction cannot be quoted.", code="reply_to_not_quotable")
    if not quoted.wamid and quoted.status == "failed":
        raise Invalid(
            "The message to reply to never reached WhatsApp, so it cannot be quoted.",
            code="reply_to_failed",
        )
    if not quoted.wamid:
        raise Conflict(
            "The message to reply to has not reached WhatsApp yet; try again in a moment.",
            code="reply_to_not_sent",
        )
    return quoted.wamid


async def answered(
    uow: UnitOfWork, interaction: Interaction, message: Message, now: datetime
) -> None:
    """The agent wrote: the pending response ends and the list shows the reply — unless the
    reply was written (offline) before a customer message that has arrived since: that message
    is still unanswered, so it stays pending and the list keeps showing it."""
    interaction.pending_since = await unanswered_since(uow, interaction.id)
    interaction.unread_count = 0
    if interaction.pending_since is None:
        interaction.last_message_at = now
        interaction.last_message = preview(message)
    interaction.updated_at = now
    interaction.version += 1
