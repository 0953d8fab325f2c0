"""What an agent does with an interaction: accept, reject, read, reply, mark done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.interactions import HELD, TransitionError, check_transition
from parley.domain.window import window_open
from parley.errors import Conflict, NotFound
from parley.interactions.models import Interaction, InteractionEvent, Message
from parley.interactions.schemas import InteractionOut, MessageOut
from parley.outbox.service import queue_mark_read, queue_message
from parley.realtime.events import (
    InteractionOffered,
    InteractionRemoved,
    InteractionUpdated,
    MessageCreated,
)

STAFF = ("supervisor", "admin")


async def access_interaction(uow: UnitOfWork, user: User, interaction_id: int) -> Interaction:
    """Load an interaction the user may see: their own, or any for supervisors and admins."""
    interaction = await uow.session.get(Interaction, interaction_id)
    if interaction is None or (user.role not in STAFF and interaction.agent_id != user.id):
        raise NotFound("No such interaction.")
    return interaction


async def interaction_out(uow: UnitOfWork, interaction: Interaction) -> InteractionOut:
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None
    return InteractionOut.of(interaction, contact)


async def message_out(uow: UnitOfWork, message: Message) -> MessageOut:
    quoted = None
    if message.reply_to_wamid:
        quoted = await uow.session.scalar(
            select(Message).where(Message.wamid == message.reply_to_wamid)
        )
    author = await uow.session.get(User, message.author_id) if message.author_id else None
    return MessageOut.of(message, quoted, author.name if author else None)


def transition(
    uow: UnitOfWork,
    interaction: Interaction,
    target: str,
    now: datetime,
    *,
    agent_id: int | None,
    reason: str,
) -> None:
    """Move to `target`, record the history row and bump the version (no event)."""
    try:
        check_transition(interaction.state, target)
    except TransitionError as exc:
        raise Conflict(
            str(exc).capitalize() + ".", code=f"interaction_{interaction.state}"
        ) from None
    uow.session.add(
        InteractionEvent(
            interaction_id=interaction.id,
            from_state=interaction.state,
            to_state=target,
            agent_id=agent_id,
            reason=reason,
            at=now,
        )
    )
    interaction.state = target
    interaction.updated_at = now
    interaction.version += 1


async def publish_interaction(
    uow: UnitOfWork, interaction: Interaction, *, offered: bool = False
) -> None:
    out = await interaction_out(uow, interaction)
    event = InteractionOffered(interaction=out) if offered else InteractionUpdated(interaction=out)
    uow.emit(event, to=interaction.agent_id)


async def list_mine(uow: UnitOfWork, user: User) -> list[InteractionOut]:
    rows = await uow.session.execute(
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.agent_id == user.id, Interaction.state.in_(HELD))
        .order_by(Interaction.created_at)
    )
    return [InteractionOut.of(i, c) for i, c in rows]


async def list_messages(
    uow: UnitOfWork, interaction: Interaction, *, before: int | None, limit: int
) -> tuple[list[MessageOut], bool]:
    """The contact's transcript across sessions, newest page first, returned oldest first."""
    query = select(Message).where(Message.contact_id == interaction.contact_id)
    if before is not None:
        query = query.where(Message.id < before)
    rows = list(await uow.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    page = rows[:limit][::-1]
    return [await message_out(uow, m) for m in page], has_more


async def accept_offer(uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction) -> None:
    if interaction.state != "offered" or interaction.agent_id != user.id:
        raise Conflict("This interaction is no longer offered to you.", code="not_offered")
    now = clock.now()
    transition(uow, interaction, "active", now, agent_id=user.id, reason="accepted")
    interaction.accepted_at = now
    await publish_interaction(uow, interaction)


async def reject_offer(uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction) -> None:
    if interaction.state != "offered" or interaction.agent_id != user.id:
        raise Conflict("This interaction is no longer offered to you.", code="not_offered")
    requeue(uow, clock.now(), interaction, reason="rejected")


def requeue(uow: UnitOfWork, now: datetime, interaction: Interaction, *, reason: str) -> None:
    previous = interaction.agent_id
    transition(uow, interaction, "queued", now, agent_id=previous, reason=reason)
    interaction.agent_id = None
    interaction.queued_at = now
    if previous is not None:
        uow.emit(InteractionRemoved(interaction_id=interaction.id, reason=reason), to=previous)


async def mark_read(uow: UnitOfWork, interaction: Interaction) -> None:
    """The agent has seen the transcript: clear the unread count, tell WhatsApp."""
    if interaction.unread_count == 0:
        return
    interaction.unread_count = 0
    interaction.version += 1
    last_in = await uow.session.scalar(
        select(Message)
        .where(Message.interaction_id == interaction.id, Message.direction == "in")
        .order_by(Message.id.desc())
        .limit(1)
    )
    contact = await uow.session.get(Contact, interaction.contact_id)
    if last_in is not None and last_in.wamid and contact is not None and contact.wa_id:
        queue_mark_read(uow, last_in.wamid, contact.wa_id, interaction.updated_at)
    await publish_interaction(uow, interaction)


async def send_text(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    *,
    text: str,
    client_id: str,
    reply_to: int | None,
) -> Message:
    existing = await uow.session.scalar(
        select(Message).where(
            Message.interaction_id == interaction.id, Message.client_id == client_id
        )
    )
    if existing is not None:
        return existing  # the agent's retry of a request we already took
    if interaction.state != "active" or interaction.agent_id != user.id:
        raise Conflict(
            "Only an active interaction you hold can send.", code="interaction_not_active"
        )
    now = clock.now()
    if not window_open(interaction.last_inbound_at, now):
        raise Conflict(
            "WhatsApp's 24-hour customer service window is closed: send a template.",
            code="window_closed",
        )
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None and contact.wa_id is not None
    quoted = await _quoted_wamid(uow, interaction, reply_to)
    message = Message(
        session_id=interaction.session_id,
        interaction_id=interaction.id,
        contact_id=interaction.contact_id,
        direction="out",
        type="text",
        text=text,
        content={},
        status="queued",
        reply_to_wamid=quoted,
        client_id=client_id,
        author_id=user.id,
        timestamp=now,
        created_at=now,
    )
    uow.session.add(message)
    await uow.session.flush()
    queue_message(uow, message, contact.wa_id, {"body": text, "preview_url": True}, now)
    _answered(interaction, message, now)
    uow.emit(MessageCreated(message=await message_out(uow, message)), to=user.id)
    await publish_interaction(uow, interaction)
    return message


async def _quoted_wamid(
    uow: UnitOfWork, interaction: Interaction, reply_to: int | None
) -> str | None:
    if reply_to is None:
        return None
    quoted = await uow.session.get(Message, reply_to)
    if quoted is None or quoted.contact_id != interaction.contact_id or not quoted.wamid:
        raise NotFound("The message to reply to is not in this conversation.")
    return quoted.wamid


def _answered(interaction: Interaction, message: Message, now: datetime) -> None:
    interaction.pending_since = None
    interaction.unread_count = 0
    interaction.last_message_at = now
    interaction.last_message = preview(message)
    interaction.updated_at = now
    interaction.version += 1


def preview(message: Message) -> dict[str, Any]:
    text = (message.text or message.type)[:140]
    return {
        "direction": message.direction,
        "type": message.type,
        "text": text,
        "created_at": message.created_at.isoformat(),
    }


async def mark_done(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    *,
    disposition: str | None,
    note: str | None,
) -> None:
    now = clock.now()
    transition(uow, interaction, "done", now, agent_id=user.id, reason="done")
    interaction.done_at = now
    interaction.disposition = disposition
    interaction.note = note
    interaction.pending_since = None
    await publish_interaction(uow, interaction)
    if interaction.agent_id is not None:
        uow.emit(
            InteractionRemoved(interaction_id=interaction.id, reason="done"),
            to=interaction.agent_id,
        )


async def release_offers(uow: UnitOfWork, clock: Clock, user: User) -> None:
    """An agent leaving gives back what was offered but not yet accepted."""
    offered = await uow.session.scalars(
        select(Interaction).where(Interaction.agent_id == user.id, Interaction.state == "offered")
    )
    for interaction in offered:
        requeue(uow, clock.now(), interaction, reason="agent_left")
