"""Delivery statuses from webhooks (and the sender's own answers) applied to messages.

Statuses arrive duplicated, late and out of order (WHATSAPP.md §3): one that outruns the record
of its send waits in `pending_statuses` and is applied when `record_wamid` learns the wamid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select

from parley.clock import Clock
from parley.contacts.identities import Identity, learn_from_status
from parley.db.bulk import chunked
from parley.db.uow import UnitOfWork
from parley.messages.audience import holder_of, holders_of
from parley.messages.events import MessageUpdated
from parley.messages.models import Message, OutboxItem, PendingStatus
from parley.messages.outbound import parse_callback_data
from parley.messages.queries import BY_WAMIDS
from parley.messages.reactions import reaction_status_changed
from parley.messages.transcript import HIDDEN_TYPES, message_out
from parley.whatsapp.errors import WhatsAppError, webhook_errors
from parley.whatsapp.payloads import StatusUpdate
from parley.whatsapp.statuses import advance_status

ERROR_TITLE_MAX = 200  # the column's size
# Built once: it runs on every ingest batch that carries statuses (as `queries.BY_WAMIDS`).
WAITING = select(PendingStatus.wamid, PendingStatus.status).where(
    PendingStatus.wamid.in_(bindparam("wamids", expanding=True))
)


async def apply_status_updates(
    uow: UnitOfWork, clock: Clock, updates: Sequence[StatusUpdate]
) -> list[int]:
    """Apply status webhooks, in order; returns the interactions where a reply of the agent's
    has just failed for good (the caller shows the customer's wait again).

    The messages and the statuses already waiting are read with one statement each for all
    of `updates`, not per status."""
    wamids = sorted({u.wamid for u in updates})
    found: dict[str, Message] = {}
    waiting: set[tuple[str, str]] = set()
    for chunk in chunked(wamids):
        for row in await uow.session.scalars(BY_WAMIDS, {"wamids": chunk}):
            found[row.wamid or ""] = row
        missing = [w for w in chunk if w not in found]
        if missing:
            rows = await uow.session.execute(WAITING, {"wamids": missing})
            waiting.update((w, s) for w, s in rows)
    failed: list[int] = []
    kept: list[dict[str, object]] = []
    holders = await holders_of(uow, {m.interaction_id for m in found.values() if m.interaction_id})
    for update in updates:
        message = found.get(update.wamid) or await _sent_with_callback(uow, update)
        if message is None:
            kept += _to_keep(clock, update, waiting)
        elif (interaction := await _apply(uow, clock, message, update, holders)) is not None:
            failed.append(interaction)
    if kept:
        await uow.session.execute(insert(PendingStatus), kept)
    return failed


def _to_keep(
    clock: Clock, update: StatusUpdate, waiting: set[tuple[str, str]]
) -> list[dict[str, object]]:
    """The status outran our record of the send (or concerns a message sent elsewhere): kept,
    to apply when a message with this wamid is recorded. Once: Meta repeats statuses and a
    replay reads them again."""
    if (update.wamid, update.status) in waiting:
        return []
    waiting.add((update.wamid, update.status))
    return [
        {
            "wamid": update.wamid,
            "status": update.status,
            "timestamp": update.timestamp,
            "payload": update.raw,
            "received_at": clock.now(),
        }
    ]


async def _apply(
    uow: UnitOfWork,
    clock: Clock,
    message: Message,
    update: StatusUpdate,
    holders: dict[int, int | None],
) -> int | None:
    if message.direction == "out":
        who = Identity(bsuid=update.recipient_user_id, username=update.recipient_username)
        await learn_from_status(uow, message.contact_id, who, clock.now())
    error = update.errors[0] if update.errors else None
    return await set_status(uow, message, update.status, update.timestamp, error, holders=holders)


async def _sent_with_callback(uow: UnitOfWork, update: StatusUpdate) -> Message | None:
    """The message of a status whose wamid we never learnt (the send's answer was lost), by
    the outbox id our send put in `biz_opaque_callback_data`."""
    outbox_id = parse_callback_data(update.callback_data)
    if outbox_id is None:
        return None
    item = await uow.session.get(OutboxItem, outbox_id)
    if item is None or item.message_id is None:
        return None
    message = await uow.session.get(Message, item.message_id)
    if message is not None and message.wamid is None:
        message.wamid = update.wamid
    return message


async def set_status(
    uow: UnitOfWork,
    message: Message,
    status: str,
    at: datetime,
    error: WhatsAppError | None = None,
    *,
    holders: dict[int, int | None] | None = None,
) -> int | None:
    """Move the message to `status` (never backwards); returns its interaction id when an
    outbound message has just failed, else None. `holders`: interactions' holders already
    read (`audience.holders_of`); others are read here."""
    new = advance_status(message.status, status)
    if new == message.status:
        return None
    message.status = new
    message.status_at = at
    if new == "failed" and error is not None:
        message.error_code = error.code
        message.error_title = (error.title or error.message)[:ERROR_TITLE_MAX]
        message.error_details = error.details
    if holders is not None and message.interaction_id in holders:
        agent_id = holders[message.interaction_id]
    else:
        agent_id = await holder_of(uow, message.interaction_id)
    if message.type in HIDDEN_TYPES:
        await reaction_status_changed(uow, message, agent_id)
    else:
        uow.emit(MessageUpdated(message=await message_out(uow, message)), to=agent_id)
    if new == "failed" and message.direction == "out":
        return message.interaction_id
    return None


async def record_wamid(uow: UnitOfWork, clock: Clock, message: Message, wamid: str) -> int | None:
    """The Cloud API accepted the message: keep its id, then apply statuses that came first.
    Returns the interaction id when one of those was a failure (see `set_status`)."""
    if message.wamid is None:
        message.wamid = wamid
    failed = await set_status(uow, message, "sent", clock.now())
    waiting = list(
        await uow.session.scalars(
            select(PendingStatus).where(PendingStatus.wamid == wamid).order_by(PendingStatus.id)
        )
    )
    for pending in waiting:
        error = _first_error(pending.payload)
        failed = await set_status(uow, message, pending.status, pending.timestamp, error) or failed
    if waiting:
        await uow.session.execute(delete(PendingStatus).where(PendingStatus.wamid == wamid))
    return failed


def _first_error(payload: dict[str, object]) -> WhatsAppError | None:
    errors = webhook_errors(payload.get("errors"))
    return errors[0] if errors else None
