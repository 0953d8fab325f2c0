"""Turn parsed webhooks into contacts, sessions, interactions, messages and statuses.

Idempotent on the WhatsApp message id: a retried or duplicated webhook changes nothing. Work is
done per batch of webhooks with a handful of set-based statements, not per message, so the cost
of a message is mostly building its rows and its events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from parley.clock import Clock
from parley.contacts.identities import (
    ContactBook,
    Identity,
    change_bsuid,
    change_number,
    load_contacts,
    resolve,
)
from parley.contacts.models import Contact
from parley.db.bulk import as_loaded, chunked, insert_returning_ids
from parley.db.uow import UnitOfWork
from parley.ingest.changes import (
    CHANGE_TYPES,
    apply_changes,
    as_standalone,
    known_targets,
    target_wamid,
)
from parley.ingest.echoes import ingest_echoes
from parley.ingest.other_changes import apply_other_changes
from parley.interactions.events import InteractionUpdated
from parley.interactions.models import ChatSession, Interaction
from parley.interactions.pending import reply_failed
from parley.interactions.schemas import InteractionOut
from parley.media.inbound import expect_inbound
from parley.messages.events import MessageCreated
from parley.messages.models import Message
from parley.messages.previews import preview
from parley.messages.queries import BY_WAMIDS
from parley.messages.reactions import attach_early_reactions, note_inbound_reactions
from parley.messages.schemas import MessageOut
from parley.messages.statuses import apply_status_updates
from parley.messages.transcript import HIDDEN_TYPES
from parley.templates.service import apply_status_update as apply_template_update
from parley.whatsapp.payloads import InboundMessage, WebhookBatch
from parley.workbins.service import leave_on_inbound
from parley.workers.wake import Wake

# Messages that need no answer from the agent: they never start the pending response timer.
NO_REPLY_NEEDED = frozenset({"reaction", "system"})
# The columns `_note_inbound` changes.
NOTED = (
    "pending_since",
    "unread_count",
    "last_inbound_at",
    "last_message_at",
    "last_message",
    "updated_at",
    "version",
)
NUMBER_CHANGES = ("user_changed_number", "customer_changed_number")
MESSAGES: Table = Message.__table__  # type: ignore[assignment]
INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]
SESSIONS: Table = ChatSession.__table__  # type: ignore[assignment]
# Statements built once: building one (and its cache key) for every batch cost more than
# SQLite running it, and most batches are small when the load is.
UNSEEN = select(MESSAGES.c.wamid).where(MESSAGES.c.wamid.in_(bindparam("wamids", expanding=True)))
# Locked (PostgreSQL) in id order: an agent's action on the same interaction waits, so neither
# overwrites the other and message ids grow in commit order per contact.
OPEN_INTERACTIONS = (
    select(Interaction)
    .where(Interaction.contact_id.in_(bindparam("contacts", expanding=True)))
    .where(Interaction.state != "done")
    .order_by(Interaction.id)
    .with_for_update()
)
# What `_note_inbound` changed, written for many interactions by one executemany (Core: the
# ORM's bulk update by primary key spent more on its bookkeeping than the database did).
SAVE_NOTED = (
    update(INTERACTIONS)
    .where(INTERACTIONS.c.id == bindparam("noted_id"))
    .values({key: bindparam(key) for key in NOTED})
)
T = TypeVar("T")


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
    echoes = [e for b in batches for e in b.echoes]
    if echoes:
        created += await ingest_echoes(uow, clock, echoes)
    statuses = [s for b in batches for s in b.statuses]
    for failed in await apply_status_updates(uow, clock, statuses) if statuses else []:
        await reply_failed(uow, failed, clock.now())
    for batch in batches:
        if batch.other:
            await apply_other_changes(uow, clock.now(), batch.other)
        for template_update in batch.template_updates:
            await apply_template_update(uow, template_update, clock.now())
    return created


async def ingest_messages(
    uow: UnitOfWork, clock: Clock, inbound: list[InboundMessage], *, prefer_previous: bool = True
) -> int:
    """Store the messages not seen yet (in timestamp order); returns how many were stored."""
    fresh = await _unseen(uow, inbound)
    if not fresh:
        return 0
    now = clock.now()
    owners = await _contacts_for(uow, fresh, now)
    targets = await known_targets(uow, [w for m in fresh if (w := target_wamid(m))])
    fresh = _placeable(fresh, targets)
    needing = [
        owners[m.wamid]
        for m in fresh
        if m.type not in CHANGE_TYPES or target_wamid(m) not in targets
    ]
    interactions = await _open_interactions(uow, needing, now)
    values: list[dict[str, Any]] = []
    places: list[Interaction | None] = []
    for message in fresh:
        contact = owners[message.wamid]
        interaction = interactions.get(contact.id)
        values.append(_message_values(message, contact, interaction, targets, now))
        places.append(interaction)
    # One Core insert: the ORM's unit of work would cost several times the rest of ingest.
    # The rows are not in the session: they are built as loaded objects for the events.
    ids = await insert_returning_ids(uow.session, MESSAGES, values, key="wamid")
    stored = [as_loaded(Message, row, id=id_) for id_, row in zip(ids, values, strict=True)]
    rows = [(m, i) for m, i in zip(stored, places, strict=True) if i is not None]
    arrived: dict[int, tuple[Interaction, list[Message]]] = {}
    for row, interaction in rows:
        if row.type not in CHANGE_TYPES:
            arrived.setdefault(interaction.id, (interaction, []))[1].append(row)
    noted = {id_: interaction for id_, (interaction, _) in arrived.items()}
    for interaction, messages in arrived.values():
        _note_inbound(interaction, messages, now)
    await _save_noted(uow, list(noted.values()))
    for interaction in noted.values():
        if interaction.state == "parked":
            # The contact wrote again: the interaction leaves its workbin for an available agent.
            await leave_on_inbound(uow, interaction, now, prefer_previous=prefer_previous)
    if any(i.state == "queued" for i in interactions.values()):
        uow.wake(Wake.ROUTING)  # new conversations, or back from a workbin
    changed = await apply_changes(uow, [m for m in stored if m.type in CHANGE_TYPES])
    # Media get their attachment row (loading) before the events describe the messages.
    await expect_inbound(uow, [m for m, _ in rows if m.type not in CHANGE_TYPES], now)
    contacts = {c.id: c for c in owners.values()}
    shown = [(m, i) for m, i in rows if m.type not in CHANGE_TYPES]
    await _publish(uow, shown, changed, contacts)
    return len(stored)


def _placeable(fresh: list[InboundMessage], targets: dict[str, Message]) -> list[InboundMessage]:
    """An edit of a message never stored shows as a message of its own (its words are kept);
    a deletion of one is dropped: there is nothing to delete."""
    in_batch = {m.wamid for m in fresh}
    placed: list[InboundMessage] = []
    for message in fresh:
        target = target_wamid(message)
        unknown = message.type in CHANGE_TYPES and target not in targets and target not in in_batch
        if unknown and message.type == "revoke":
            continue
        placed.append(as_standalone(message) if unknown else message)
    return placed


async def _unseen(uow: UnitOfWork, inbound: list[InboundMessage]) -> list[InboundMessage]:
    """The messages not stored yet, each once (Meta repeats them, within and across webhooks)."""
    unique: dict[str, InboundMessage] = {}
    for message in inbound:
        unique.setdefault(message.wamid, message)
    known: set[str] = set()
    for chunk in chunked(list(unique)):
        rows = await uow.session.scalars(UNSEEN, {"wamids": chunk})
        known.update(wamid for wamid in rows if wamid)
    return [m for wamid, m in unique.items() if wamid not in known]


def _identity(message: InboundMessage) -> Identity:
    return Identity(
        wa_id=message.wa_id,
        bsuid=message.bsuid,
        parent_bsuid=message.parent_bsuid,
        username=message.username,
        profile_name=message.profile_name,
    )


async def _contacts_for(
    uow: UnitOfWork, messages: list[InboundMessage], now: datetime
) -> dict[str, Contact]:
    """Each message's contact by wamid: found by number, else BSUID; created, completed, or
    moved to its new number or BSUID by a `system` message (WHATSAPP.md §2.6), in order."""
    new_numbers = [_new_id(m, "new_wa_id") for m in messages]
    new_users = [_new_id(m, "new_user_id") for m in messages]
    book: ContactBook = await load_contacts(
        uow,
        [m.wa_id for m in messages] + new_numbers,
        [m.bsuid for m in messages] + new_users,
    )
    owners: dict[str, Contact] = {}
    for message, number, user in zip(messages, new_numbers, new_users, strict=True):
        contact = resolve(book, uow, _identity(message), now)
        owners[message.wamid] = contact
        if message.type != "system":
            continue
        kind = message.content.get("kind")
        if kind in NUMBER_CHANGES and number:
            await uow.session.flush()  # the contact's old number is free before it takes the new
            change_number(book, contact, number, now)
        elif kind == "user_changed_user_id" and user:
            await uow.session.flush()
            change_bsuid(book, contact, user, now)
    await uow.session.flush()
    return owners


def _new_id(message: InboundMessage, key: str) -> str | None:
    if message.type != "system":
        return None
    value = message.content.get(key)
    return value if isinstance(value, str) and value else None


async def _open_interactions(
    uow: UnitOfWork, contacts: list[Contact], now: datetime
) -> dict[int, Interaction]:
    """The interaction that is not done for each contact; a new session and one if none."""
    ids = sorted({c.id for c in contacts})
    found: dict[int, Interaction] = {}
    for chunk in chunked(ids):
        for interaction in await uow.session.scalars(OPEN_INTERACTIONS, {"contacts": chunk}):
            found[interaction.contact_id] = interaction
    missing = [contact_id for contact_id in ids if contact_id not in found]
    if not missing:
        return found
    # Core, as the messages: the ORM's unit of work cost a flush per table for a handful of rows.
    sessions = [{"contact_id": c, "origin": "inbound", "created_at": now} for c in missing]
    session_ids = await insert_returning_ids(uow.session, SESSIONS, sessions, key="contact_id")
    rows = [_new_interaction(c, s, now) for c, s in zip(missing, session_ids, strict=True)]
    ids_ = await insert_returning_ids(uow.session, INTERACTIONS, rows, key="session_id")
    for row, interaction_id in zip(rows, ids_, strict=True):
        interaction = as_loaded(Interaction, row, id=interaction_id)
        # In the session as if loaded: what later changes it in this batch (an edit that
        # changes its last message) finds this object and is written at commit.
        make_transient_to_detached(interaction)
        uow.session.add(interaction)
        found[row["contact_id"]] = interaction
    return found


def _new_interaction(contact_id: int, session_id: int, now: datetime) -> dict[str, Any]:
    """The row of a new inbound conversation, queued for routing."""
    return {
        "session_id": session_id,
        "contact_id": contact_id,
        "state": "queued",
        "origin": "inbound",
        "created_at": now,
        "updated_at": now,
        "queued_at": now,
        "unread_count": 0,
        "version": 1,
    }


def _message_values(
    inbound: InboundMessage,
    contact: Contact,
    interaction: Interaction | None,
    targets: dict[str, Message],
    now: datetime,
) -> dict[str, Any]:
    """The row of a message: in the contact's open interaction, or (an edit or deletion) in
    the interaction of the message it changes, so it never opens a conversation of its own."""
    session_id = interaction.session_id if interaction is not None else None
    interaction_id = interaction.id if interaction is not None else None
    target = targets.get(target_wamid(inbound) or "") if inbound.type in CHANGE_TYPES else None
    if target is not None:
        session_id, interaction_id = target.session_id, target.interaction_id
    return {
        "session_id": session_id,
        "interaction_id": interaction_id,
        "contact_id": contact.id,
        "direction": "in",
        "type": inbound.type,
        "text": inbound.text,
        "content": dict(inbound.content),
        "wamid": inbound.wamid,
        "status": "received",
        "reply_to_wamid": inbound.context_wamid,
        "reacts_to_wamid": _reaction_target(inbound),
        "timestamp": inbound.timestamp,
        "created_at": now,
        "raw": inbound.raw,
    }


def _reaction_target(inbound: InboundMessage) -> str | None:
    if inbound.type != "reaction":
        return None
    target = inbound.content.get("message_id")
    return str(target) if target else None


def _note_inbound(interaction: Interaction, messages: list[Message], now: datetime) -> None:
    """What new messages (in timestamp order) change on their interaction: the pending
    response timer, the unread count, the last message. Set as already stored: `_save_noted`
    writes them. Worked out once per interaction of a batch, however many messages it got."""
    pending_since = interaction.pending_since
    unread_count = interaction.unread_count
    last_inbound_at = interaction.last_inbound_at
    for message in messages:
        timestamp = message.timestamp
        if message.type not in NO_REPLY_NEEDED:
            # WhatsApp's time, but never in the future of ours: the timer must not start negative.
            waiting_since = min(timestamp, now)
            if pending_since is None or waiting_since < pending_since:
                pending_since = waiting_since
            unread_count += 1
        if last_inbound_at is None or timestamp > last_inbound_at:
            last_inbound_at = timestamp
    values = {
        "last_message_at": now,
        "updated_at": now,
        "pending_since": pending_since,
        "unread_count": unread_count,
        "last_inbound_at": last_inbound_at,
        "last_message": preview(messages[-1]),
        "version": interaction.version + len(messages),
    }
    for key, value in values.items():
        set_committed_value(interaction, key, value)


async def _save_noted(uow: UnitOfWork, interactions: list[Interaction]) -> None:
    """One UPDATE (executemany) for what `_note_inbound` changed: the ORM's flush grouped the
    interactions by which columns changed, a statement per group, and its bookkeeping cost a
    tenth of a batch."""
    if interactions:
        rows = [{"noted_id": i.id, **{key: getattr(i, key) for key in NOTED}} for i in interactions]
        await uow.session.execute(SAVE_NOTED, rows)


async def _publish(
    uow: UnitOfWork,
    rows: list[tuple[Message, Interaction]],
    changed: list[Interaction],
    contacts: dict[int, Contact],
) -> None:
    """One message.created per message, one interaction.updated per interaction touched.
    `contacts`: the batch's contacts by id (an edited message's may be another)."""
    held = [(message, interaction.agent_id) for message, interaction in rows]
    await attach_early_reactions(uow, held)
    quoted = await _quoted(uow, [m.reply_to_wamid for m, _ in rows if m.reply_to_wamid])
    touched: dict[int, Interaction] = {i.id: i for i in changed if i.state != "done"}
    for message, interaction in rows:
        touched[interaction.id] = interaction
        if message.type in HIDDEN_TYPES:
            continue  # shown under its target: note_inbound_reactions announces that one
        out = MessageOut.of(message, quoted.get(message.reply_to_wamid or ""))
        uow.emit(MessageCreated(message=out), to=interaction.agent_id)
    await note_inbound_reactions(uow, held)
    for interaction in touched.values():
        contact = contacts.get(interaction.contact_id)
        if contact is None:
            contact = await uow.session.get(Contact, interaction.contact_id)
            assert contact is not None
        out_i = InteractionOut.of(interaction, contact)
        uow.emit(InteractionUpdated(interaction=out_i), to=interaction.agent_id)


async def _quoted(uow: UnitOfWork, wamids: list[str]) -> dict[str, Message]:
    found: dict[str, Message] = {}
    for chunk in chunked(sorted(set(wamids))):
        for message in await uow.session.scalars(BY_WAMIDS, {"wamids": chunk}):
            if message.wamid:
                found[message.wamid] = message
    return found
