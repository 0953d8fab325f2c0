"""What an agent does with an interaction: accept, reject, reply, mark done.

Reactions live in `reactions`, read receipts and typing in `receipts`, transcript pages in
`transcript`, the state history in `history`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.codes import match_code
from parley.domain.interactions import HELD, TransitionError, check_transition
from parley.domain.window import window_open
from parley.errors import Conflict, Invalid, NotFound
from parley.interactions.models import Interaction, InteractionEvent, Message
from parley.interactions.schemas import InteractionOut
from parley.interactions.transcript import message_out
from parley.outbox.service import queue_message
from parley.realtime.events import (
    InteractionOffered,
    InteractionRemoved,
    InteractionUpdated,
    MessageCreated,
)

STAFF = ("supervisor", "admin")


async def access_interaction(
    uow: UnitOfWork, user: User, interaction_id: int, *, for_update: bool = False
) -> Interaction:
    """Load an interaction the user may see: their own, or any for supervisors and admins.

    Actions load it `for_update`: the row lock (PostgreSQL) keeps a concurrent ingest from
    overwriting what the action changes, and makes message ids grow in commit order per contact.
    """
    interaction = await uow.session.get(Interaction, interaction_id, with_for_update=for_update)
    if interaction is None or (user.role not in STAFF and interaction.agent_id != user.id):
        raise NotFound("No such interaction.")
    return interaction


def require_active(user: User, interaction: Interaction, action: str = "send") -> None:
    if interaction.state != "active" or interaction.agent_id != user.id:
        raise Conflict(
            f"Only an active interaction you hold can {action}.", code="interaction_not_active"
        )


async def interaction_out(uow: UnitOfWork, interaction: Interaction) -> InteractionOut:
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None
    return InteractionOut.of(interaction, contact)


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
        if existing.text != text:  # not a retry: a client bug that would lose this text
            raise Conflict(
                "This client_id was already used for a different message.",
                code="client_id_reused",
            )
        return existing  # the agent's retry of a request we already took
    require_active(user, interaction)
    now = clock.now()
    require_window(interaction, now)
    quoted = await quoted_wamid(uow, interaction, reply_to)
    message = await queue_outbound(
        uow,
        user,
        interaction,
        now,
        type="text",
        text=text,
        content={},
        body={"body": text, "preview_url": True},
        reply_to_wamid=quoted,
        client_id=client_id,
    )
    answered(interaction, message, now)
    uow.emit(MessageCreated(message=await message_out(uow, message)), to=user.id)
    await publish_interaction(uow, interaction)
    return message


async def queue_outbound(
    uow: UnitOfWork,
    user: User,
    interaction: Interaction,
    now: datetime,
    *,
    type: str,
    text: str | None,
    content: dict[str, Any],
    body: dict[str, Any],
    reply_to_wamid: str | None = None,
    client_id: str | None = None,
) -> Message:
    """The agent's message to the contact, stored and queued for WhatsApp in one transaction:
    `body` is the Cloud API's object for `type`."""
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None and contact.wa_id is not None
    message = Message(
        session_id=interaction.session_id,
        interaction_id=interaction.id,
        contact_id=interaction.contact_id,
        direction="out",
        type=type,
        text=text,
        content=content,
        status="queued",
        reply_to_wamid=reply_to_wamid,
        client_id=client_id,
        author_id=user.id,
        timestamp=now,
        created_at=now,
    )
    uow.session.add(message)
    await uow.session.flush()
    queue_message(uow, message, contact.wa_id, body, now)
    return message


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


def answered(interaction: Interaction, message: Message, now: datetime) -> None:
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
    dispositions: tuple[str, ...] = (),
    disposition_required: bool = False,
) -> None:
    """Close the interaction with a disposition code from the configured list (if any).

    Only its agent closes it, once accepted: a supervisor who could would pull a conversation
    out from under the agent, and an offer marked done would skip the agent's acceptance.
    """
    if interaction.state != "done":  # done twice: the transition answers interaction_done
        require_active(user, interaction, "be marked done")
    code = _disposition(disposition, dispositions, disposition_required)
    now = clock.now()
    transition(uow, interaction, "done", now, agent_id=user.id, reason="done")
    interaction.done_at = now
    interaction.disposition = code
    interaction.note = note.strip() or None if note else None
    interaction.pending_since = None
    await publish_interaction(uow, interaction)
    if interaction.agent_id is not None:
        uow.emit(
            InteractionRemoved(interaction_id=interaction.id, reason="done"),
            to=interaction.agent_id,
        )


def _disposition(value: str | None, allowed: tuple[str, ...], required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise Invalid("Choose a disposition to mark this done.", code="disposition_required")
        return None
    code = match_code(value, allowed)
    if code is None:
        raise Invalid(
            f"Unknown disposition; choose one of: {', '.join(allowed) or 'none configured'}.",
            code="unknown_disposition",
        )
    return code


async def release_offers(uow: UnitOfWork, clock: Clock, user: User) -> None:
    """An agent leaving gives back what was offered but not yet accepted."""
    offered = await uow.session.scalars(
        select(Interaction).where(Interaction.agent_id == user.id, Interaction.state == "offered")
    )
    for interaction in offered:
        requeue(uow, clock.now(), interaction, reason="agent_left")
