"""Outbound work the agent starts: a new chat with a past contact, a new session in an
interaction not yet done (the help page's "Create new chat" and "Create new session").

Neither sends anything to WhatsApp: the agent's first message does. Outside the contact's
24-hour customer service window that message must be a template (the send refuses free text
with `window_closed`), because WhatsApp delivers only templates then
(https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.contacts.schemas import display_name
from parley.db.uow import UnitOfWork
from parley.domain.interactions import HELD
from parley.errors import Conflict
from parley.interactions.models import ChatSession, Interaction, InteractionEvent
from parley.interactions.service import publish_interaction, require_active
from parley.messages.models import Message
from parley.workbins.models import Workbin

OUTBOUND = "outbound"


async def _load(uow: UnitOfWork, user: User) -> int:
    count = await uow.session.scalar(
        select(func.count())
        .select_from(Interaction)
        .where(Interaction.agent_id == user.id, Interaction.state.in_(HELD))
    )
    return int(count or 0)


async def _last_inbound_at(uow: UnitOfWork, contact_id: int) -> datetime | None:
    """When the contact last wrote: their customer service window runs 24 h from it."""
    return await uow.session.scalar(
        select(func.max(Message.timestamp)).where(
            Message.contact_id == contact_id, Message.direction == "in"
        )
    )


async def _where_open(uow: UnitOfWork, user: User, open_one: Interaction, contact: Contact) -> str:
    name = display_name(contact)
    if open_one.state == "parked":
        workbin = (
            await uow.session.get(Workbin, open_one.workbin_id) if open_one.workbin_id else None
        )
        return f"{name}'s conversation is parked in {await _parked_where(uow, user, workbin)}"
    if open_one.state == "queued":
        return f"{name}'s conversation is waiting in the queue for an agent."
    holder = await uow.session.get(User, open_one.agent_id) if open_one.agent_id else None
    if holder is not None and holder.id == user.id:
        return f"{name}'s conversation is already on your desktop."
    who = holder.name if holder is not None else "another agent"
    return f"{name} is already in a conversation with {who}."


async def _parked_where(uow: UnitOfWork, user: User, workbin: Workbin | None) -> str:
    """Which workbin, whose, and who may open it from there: a personal workbin is its
    owner's (and the supervisors'), a shared one its teams'."""
    if workbin is None:
        return "a workbin; open it from there."
    if workbin.kind != "personal":
        return f"the shared workbin “{workbin.name}”; its team's agents can open it from there."
    if workbin.owner_id == user.id:
        return f"your workbin “{workbin.name}”; open it from there."
    owner = await uow.session.get(User, workbin.owner_id) if workbin.owner_id else None
    who = (owner.name or owner.username) if owner is not None else "another agent"
    return (
        f"{who}'s workbin “{workbin.name}”; {who} or a supervisor can open it "
        "(a supervisor can also move it to you)."
    )


async def start_chat(
    uow: UnitOfWork, clock: Clock, user: User, contact: Contact, *, capacity: int
) -> Interaction:
    """Open a new outbound interaction with `contact`, active on the user's desktop.

    It counts against the agent's capacity (`user.capacity`, else `capacity`). Errors (409):
    `no_whatsapp_number` (the contact has no wa_id to write to), `contact_busy` (the contact
    already has an interaction that is not done: the message says where it is), `at_capacity` (the agent holds as many as allowed).
    """
    if not contact.wa_id:
        raise Conflict(
            "This contact has no WhatsApp number to write to.", code="no_whatsapp_number"
        )
    open_one = await uow.session.scalar(
        select(Interaction)
        .where(Interaction.contact_id == contact.id, Interaction.state != "done")
        .with_for_update()
    )
    if open_one is not None:
        raise Conflict(
            await _where_open(uow, user, open_one, contact),
            code="contact_busy",
        )
    limit = user.capacity or capacity
    if await _load(uow, user) >= limit:
        raise Conflict(
            f"You are handling {limit} interactions, your limit; finish one first.",
            code="at_capacity",
        )
    now = clock.now()
    session = ChatSession(contact_id=contact.id, origin=OUTBOUND, created_at=now)
    uow.session.add(session)
    await uow.session.flush()
    interaction = Interaction(
        session_id=session.id,
        contact_id=contact.id,
        state="active",
        origin=OUTBOUND,
        agent_id=user.id,
        handled_by_id=user.id,
        created_at=now,
        updated_at=now,
        offered_at=now,
        accepted_at=now,
        last_inbound_at=await _last_inbound_at(uow, contact.id),
        unread_count=0,
        version=1,
    )
    uow.session.add(interaction)
    try:
        await uow.session.flush()
    except IntegrityError:  # the contact wrote in this very moment: ingest opened one first
        raise Conflict(
            f"{display_name(contact)} has just written in; the conversation is being routed.",
            code="contact_busy",
        ) from None
    uow.session.add(
        InteractionEvent(
            interaction_id=interaction.id,
            from_state=None,
            to_state="active",
            agent_id=user.id,
            reason="outbound",
            at=now,
        )
    )
    await publish_interaction(uow, interaction, offered=True)
    return interaction


async def new_session(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction
) -> ChatSession:
    """Start a new outbound session in the user's active interaction: the current session is
    recorded as ended (`closed_at`), and messages from now on belong to the new one. 409
    `interaction_not_active` unless the interaction is active and held by the user; 409
    `session_empty` while the current session has no message (clicks would stack empty ones)."""
    require_active(user, interaction, "start a new session")
    # The newest message (through the interaction's index) belongs to the current session
    # unless that session has none.
    last_session = await uow.session.scalar(
        select(Message.session_id)
        .where(Message.interaction_id == interaction.id)
        .order_by(Message.id.desc())
        .limit(1)
    )
    if last_session != interaction.session_id:
        raise Conflict(
            "This session has no message yet: write in it first, a new session would be empty.",
            code="session_empty",
        )
    now = clock.now()
    current = await uow.session.get(ChatSession, interaction.session_id)
    if current is not None and current.closed_at is None:
        current.closed_at = now
    session = ChatSession(contact_id=interaction.contact_id, origin=OUTBOUND, created_at=now)
    uow.session.add(session)
    await uow.session.flush()
    interaction.session_id = session.id
    interaction.updated_at = now
    interaction.version += 1
    uow.session.add(
        InteractionEvent(
            interaction_id=interaction.id,
            from_state=interaction.state,
            to_state=interaction.state,
            agent_id=user.id,
            reason="new_session",
            at=now,
        )
    )
    await publish_interaction(uow, interaction)
    return session
