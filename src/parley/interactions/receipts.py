"""What the customer sees of the agent before a reply: blue ticks (mark read) and "typing…"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.reactions import REACTION_MAX_AGE
from parley.domain.typing_indicator import typing_due
from parley.domain.window import window_open
from parley.interactions.models import Interaction
from parley.interactions.schemas import TypingOut
from parley.interactions.service import publish_interaction, require_active
from parley.messages.models import Message
from parley.messages.outbound import queue_receipt

# Meta marks messages read only within this age (the same 30 days as reaction targets).
READ_MAX_AGE = REACTION_MAX_AGE


@dataclass(frozen=True)
class Receipts:
    """What the number shows customers: read receipts and (which imply them) typing."""

    read_receipts: bool
    typing_indicator: bool


async def mark_read(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction, receipts: Receipts
) -> bool:
    """The agent has seen the transcript: clear the unread count, tell WhatsApp once.

    Only the agent holding the interaction reads it; a supervisor looking in changes nothing.
    Returns whether something was queued for WhatsApp.
    """
    if interaction.agent_id != user.id:
        return False
    if interaction.unread_count:
        interaction.unread_count = 0
        interaction.version += 1
        await publish_interaction(uow, interaction)
    if not receipts.read_receipts:
        return False
    now = clock.now()
    target = await _last_inbound(uow, interaction)
    if target is None or target.id == interaction.read_message_id:
        return False
    interaction.read_message_id = target.id
    if now - target.timestamp > READ_MAX_AGE:
        return False  # Meta refuses it; nothing the customer would see anyway
    wa_id = await _wa_id(uow, interaction)
    if wa_id is None or target.wamid is None:
        return False
    queue_receipt(uow, target.wamid, wa_id, now)
    return True


async def send_typing(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction, receipts: Receipts
) -> TypingOut:
    """Show the customer "typing…" while the agent writes, at most once per interval.

    Meta has no typing indicator without marking the message read, so it is off whenever read
    receipts are off.
    """
    require_active(user, interaction)
    if not (receipts.typing_indicator and receipts.read_receipts):
        return TypingOut(queued=False, reason="disabled")
    now = clock.now()
    if not window_open(interaction.last_inbound_at, now):
        return TypingOut(queued=False, reason="window_closed")
    if not typing_due(interaction.typing_at, now):
        return TypingOut(queued=False, reason="too_soon")
    target = await _last_inbound(uow, interaction)
    wa_id = await _wa_id(uow, interaction)
    if target is None or target.wamid is None or wa_id is None:
        return TypingOut(queued=False, reason="no_inbound_message")
    queue_receipt(uow, target.wamid, wa_id, now, typing=True)
    interaction.typing_at = now
    interaction.read_message_id = target.id
    return TypingOut(queued=True)


async def _last_inbound(uow: UnitOfWork, interaction: Interaction) -> Message | None:
    """The newest message the customer sent in this interaction that WhatsApp can mark read."""
    return await uow.session.scalar(
        select(Message)
        .where(
            Message.interaction_id == interaction.id,
            Message.direction == "in",
            Message.wamid.is_not(None),
            Message.type != "reaction",
        )
        .order_by(Message.id.desc())
        .limit(1)
    )


async def _wa_id(uow: UnitOfWork, interaction: Interaction) -> str | None:
    """The contact's WhatsApp address: wa_id, or the BSUID of a username-only user."""
    contact = await uow.session.get(Contact, interaction.contact_id)
    return (contact.wa_id or contact.bsuid) if contact is not None else None
