"""Turn parsed webhooks into contacts, sessions, interactions, messages and statuses.

Idempotent on the WhatsApp message id: a retried or duplicated webhook changes nothing. Work is
done per batch of webhooks with a handful of set-based statements, not per message, so the cost
of a message is mostly building its rows and its events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import insert, select

from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.interactions.events import InteractionUpdated
from parley.interactions.models import ChatSession, Interaction
from parley.interactions.schemas import InteractionOut
from parley.messages.events import MessageCreated
from parley.messages.models import Message
from parley.messages.previews import preview
from parley.messages.reactions import attach_early_reactions, note_inbound_reactions
from parley.messages.schemas import MessageOut
from parley.messages.statuses import apply_status_update
from parley.messages.transcript import HIDDEN_TYPES
from parley.templates.service import apply_status_update as apply_template_update
from parley.whatsapp.payloads import InboundMessage, WebhookBatch
from parley.workbins.service import leave_on_inbound

# Messages that need no answer from the agent: they never start the pending response timer.
NO_REPLY_NEEDED = frozenset({"reaction", "system"})
CHUNK = 500  # ids per IN (...) list
T = TypeVar("T")


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterable[list[T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def ingest_batch(
    uow: UnitOfWork,
    clock: Clock,
    batches: Sequence[WebhookBatch],
    *,
    prefer_previous: bool = True,
) -> int:
    """Store every message and status of these webhooks, and apply template status updates;
    returns how many messages were new.

    `prefer_previous`: a parked interaction the contact writes to is offered first to the agent
    who parked it (`PARLEY_ROUTE_TO_PREVIOUS_AGENT`).
    """
    messages = sorted((m for b in batches for m in b.messages), key=lambda m: m.timestamp)
    created = await ingest_messages(uow, clock, messages, prefer_previous=prefer_previous)
    for batch in batches:
        for status in batch.statuses:
            await apply_status_update(uow, clock, status)
        for update in batch.template_updates:
            await apply_template_update(uow, update, clock.now())
    return created


async def ingest_messages(
    uow: UnitOfWork, clock: Clock, inbound: list[InboundMessage], *, prefer_previous: bool = True
) -> int:
    fresh = await _unseen(uow, inbound)
    if not fresh:
        return 0
    now = clock.now()
    contacts = await _contacts_for(uow, fresh, now)
    interactions = await _open_interactions(uow, list(contacts.values()), now)
    values: list[dict[str, Any]] = []
    targets: list[Interaction] = []
    for message in fresh:
        contact = contacts[_contact_key(message)]
        interaction = interactions[contact.id]
        values.append(_message_values(message, contact, interaction, now))
        targets.append(interaction)
    # A Core insert many: the ORM's unit of work would cost several times the rest of ingest.
    # The rows are not in the session, so they are built as detached objects for the events.
    statement = insert(Message).returning(Message.id, sort_by_parameter_order=True)
    ids = (await uow.session.execute(statement, values)).scalars().all()
    rows = [
        (Message(id=id_, **row), interaction)
        for id_, row, interaction in zip(ids, values, targets, strict=True)
    ]
    for row, interaction in rows:
        await _note_inbound(uow, interaction, row, now, prefer_previous=prefer_previous)
    await _publish(uow, rows, contacts)
    return len(rows)


async def _unseen(uow: UnitOfWork, inbound: list[InboundMessage]) -> list[InboundMessage]:
    """The messages not stored yet, each once (Meta repeats them, within and across webhooks)."""
    unique: dict[str, InboundMessage] = {}
    for message in inbound:
        unique.setdefault(message.wamid, message)
    known: set[str] = set()
    for chunk in _chunks(list(unique)):
        query = select(Message.wamid).where(Message.wamid.in_(chunk))
        known.update(wamid for wamid in await uow.session.scalars(query) if wamid)
    return [m for wamid, m in unique.items() if wamid not in known]


def _contact_key(message: InboundMessage) -> str:
    return f"wa:{message.wa_id}" if message.wa_id else f"user:{message.user_id}"


async def _contacts_for(
    uow: UnitOfWork, messages: list[InboundMessage], now: datetime
) -> dict[str, Contact]:
    """Every sender's contact, created or refreshed (profile name, ids) as needed."""
    wa_ids = sorted({m.wa_id for m in messages if m.wa_id})
    user_ids = sorted({m.user_id for m in messages if m.user_id and not m.wa_id})
    found: dict[str, Contact] = {}
    for chunk in _chunks(wa_ids):
        for contact in await uow.session.scalars(select(Contact).where(Contact.wa_id.in_(chunk))):
            found[f"wa:{contact.wa_id}"] = contact
    for chunk in _chunks(user_ids):
        query = select(Contact).where(Contact.bsuid.in_(chunk))
        for contact in await uow.session.scalars(query):
            found[f"user:{contact.bsuid}"] = contact
    for message in messages:
        key = _contact_key(message)
        existing = found.get(key)
        if existing is None:
            contact = Contact(
                wa_id=message.wa_id,
                bsuid=message.user_id,
                profile_name=message.profile_name,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(contact)
            found[key] = contact
        else:
            contact = existing
        if message.profile_name and contact.profile_name != message.profile_name:
            contact.profile_name = message.profile_name
            contact.updated_at = now
        if message.user_id and contact.bsuid is None and key.startswith("wa:"):
            contact.bsuid = message.user_id
    await uow.session.flush()
    return found


async def _open_interactions(
    uow: UnitOfWork, contacts: list[Contact], now: datetime
) -> dict[int, Interaction]:
    """The interaction that is not done for each contact; a new session and one if none."""
    ids = sorted({c.id for c in contacts})
    found: dict[int, Interaction] = {}
    for chunk in _chunks(ids):
        # Locked (PostgreSQL) in id order: an agent's action on the same interaction waits, so
        # neither overwrites the other and message ids grow in commit order per contact.
        query = (
            select(Interaction)
            .where(Interaction.contact_id.in_(chunk), Interaction.state != "done")
            .order_by(Interaction.id)
            .with_for_update()
        )
        for interaction in await uow.session.scalars(query):
            found[interaction.contact_id] = interaction
    missing = [contact_id for contact_id in ids if contact_id not in found]
    if not missing:
        return found
    sessions = [ChatSession(contact_id=c, origin="inbound", created_at=now) for c in missing]
    uow.session.add_all(sessions)
    await uow.session.flush()
    for session in sessions:
        interaction = Interaction(
            session_id=session.id,
            contact_id=session.contact_id,
            state="queued",
            origin="inbound",
            created_at=now,
            updated_at=now,
            queued_at=now,
            unread_count=0,
            version=1,
        )
        uow.session.add(interaction)
        found[session.contact_id] = interaction
    await uow.session.flush()
    return found


def _message_values(
    inbound: InboundMessage, contact: Contact, interaction: Interaction, now: datetime
) -> dict[str, Any]:
    return {
        "session_id": interaction.session_id,
        "interaction_id": interaction.id,
        "contact_id": contact.id,
        "direction": "in",
        "type": inbound.type,
        "text": inbound.text,
        "content": dict(inbound.content),
        "wamid": inbound.wamid,
        "status": "received",
        "reply_to_wamid": inbound.context_wamid,
        "timestamp": inbound.timestamp,
        "created_at": now,
        "raw": inbound.raw,
    }


async def _note_inbound(
    uow: UnitOfWork,
    interaction: Interaction,
    message: Message,
    now: datetime,
    *,
    prefer_previous: bool,
) -> None:
    if message.type not in NO_REPLY_NEEDED:
        # WhatsApp's time, but never in the future of ours: the timer must not start negative.
        waiting_since = min(message.timestamp, now)
        if interaction.pending_since is None or waiting_since < interaction.pending_since:
            interaction.pending_since = waiting_since
        interaction.unread_count += 1
    if interaction.last_inbound_at is None or message.timestamp > interaction.last_inbound_at:
        interaction.last_inbound_at = message.timestamp
    interaction.last_message_at = now
    interaction.last_message = preview(message)
    interaction.updated_at = now
    interaction.version += 1
    if interaction.state == "parked":
        # The contact wrote again: the interaction leaves its workbin for an available agent.
        await leave_on_inbound(uow, interaction, now, prefer_previous=prefer_previous)


async def _publish(
    uow: UnitOfWork, rows: list[tuple[Message, Interaction]], contacts: dict[str, Contact]
) -> None:
    """One message.created per message, one interaction.updated per interaction touched."""
    held = [(message, interaction.agent_id) for message, interaction in rows]
    await attach_early_reactions(uow, held)
    quoted = await _quoted(uow, [m.reply_to_wamid for m, _ in rows if m.reply_to_wamid])
    by_id = {c.id: c for c in contacts.values()}
    touched: dict[int, Interaction] = {}
    for message, interaction in rows:
        touched[interaction.id] = interaction
        if message.type in HIDDEN_TYPES:
            continue  # shown under its target: note_inbound_reactions announces that one
        out = MessageOut.of(message, quoted.get(message.reply_to_wamid or ""))
        uow.emit(MessageCreated(message=out), to=interaction.agent_id)
    await note_inbound_reactions(uow, held)
    for interaction in touched.values():
        out_i = InteractionOut.of(interaction, by_id[interaction.contact_id])
        uow.emit(InteractionUpdated(interaction=out_i), to=interaction.agent_id)


async def _quoted(uow: UnitOfWork, wamids: list[str]) -> dict[str, Message]:
    found: dict[str, Message] = {}
    for chunk in _chunks(sorted(set(wamids))):
        for message in await uow.session.scalars(select(Message).where(Message.wamid.in_(chunk))):
            if message.wamid:
                found[message.wamid] = message
    return found
