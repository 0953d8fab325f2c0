"""Delivery statuses from webhooks (and the sender's own answers) applied to messages.

Statuses arrive duplicated, late and out of order (WHATSAPP.md §3): one that outruns the record
of its send waits in `pending_statuses` and is applied when `record_wamid` learns the wamid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from parley.clock import Clock
from parley.contacts.identities import Identity, learn_from_status
from parley.db.uow import UnitOfWork
from parley.messages.audience import holder_of
from parley.messages.events import MessageUpdated
from parley.messages.models import Message, OutboxItem, PendingStatus
from parley.messages.outbound import parse_callback_data
from parley.messages.reactions import reaction_status_changed
from parley.messages.transcript import HIDDEN_TYPES, message_out
from parley.whatsapp.errors import WhatsAppError, webhook_errors
from parley.whatsapp.payloads import StatusUpdate
from parley.whatsapp.statuses import advance_status

ERROR_TITLE_MAX = 200  # the column's size


async def apply_status_update(uow: UnitOfWork, clock: Clock, update: StatusUpdate) -> int | None:
    """Apply one status webhook; returns the interaction id when a reply of the agent's has
    just failed for good (the caller shows the customer's wait again), else None."""
    message = await _find_message(uow, update)
    if message is None:
        # The status outran our record of the send (or concerns a message sent elsewhere): keep
        # it, and apply it when a message with this wamid is recorded. Once: Meta repeats
        # statuses and a replay reads them again.
        if await _pending_already(uow, update):
            return None
        uow.session.add(
            PendingStatus(
                wamid=update.wamid,
                status=update.status,
                timestamp=update.timestamp,
                payload=update.raw,
                received_at=clock.now(),
            )
        )
        await uow.session.flush()
        return None
    if message.direction == "out":
        who = Identity(bsuid=update.recipient_user_id, username=update.recipient_username)
        await learn_from_status(uow, message.contact_id, who, clock.now())
    error = update.errors[0] if update.errors else None
    return await set_status(uow, message, update.status, update.timestamp, error)


async def _pending_already(uow: UnitOfWork, update: StatusUpdate) -> bool:
    query = select(PendingStatus.id).where(
        PendingStatus.wamid == update.wamid, PendingStatus.status == update.status
    )
    return await uow.session.scalar(query.limit(1)) is not None


async def _find_message(uow: UnitOfWork, update: StatusUpdate) -> Message | None:
    message = await uow.session.scalar(select(Message).where(Message.wamid == update.wamid))
    if message is not None:
        return message
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
) -> int | None:
    """Move the message to `status` (never backwards); returns its interaction id when an
    outbound message has just failed, else None."""
    new = advance_status(message.status, status)
    if new == message.status:
        return None
    message.status = new
    message.status_at = at
    if new == "failed" and error is not None:
        message.error_code = error.code
        message.error_title = (error.title or error.message)[:ERROR_TITLE_MAX]
        message.error_details = error.details
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
