"""Claim queued outbound work (queued by `parley.messages.outbound`) and record its outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased

from parley.db.uow import UnitOfWork
from parley.messages.models import OutboxItem
from parley.messages.outbound import OutboxKind

# A claim not renewed for this long belongs to a dead sender and is taken over (the sender
# renews its claims while it works: see `renew`).
CLAIM_SECONDS = 30


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    message_id: int | None
    to_wa_id: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


async def claim_due(
    uow: UnitOfWork, now: datetime, limit: int, lease_seconds: float = CLAIM_SECONDS
) -> list[Claimed]:
    """Take up to `limit` due items for this sender, leased for `lease_seconds`; other nodes skip
    the rows we lock, and take over a lease that ran out (its sender died)."""
    due = or_(
        (OutboxItem.state == "pending") & (OutboxItem.next_attempt_at <= now),
        (OutboxItem.state == "sending") & (OutboxItem.claimed_until < now),
    )
    # A message waits while an earlier one to the same contact is out or waiting for a retry:
    # WhatsApp shows messages in the order they arrive.
    earlier = aliased(OutboxItem)
    blocked = exists().where(
        earlier.to_wa_id == OutboxItem.to_wa_id,
        earlier.id < OutboxItem.id,
        earlier.kind == OutboxKind.MESSAGE,
        or_(
            (earlier.state == "sending") & (earlier.claimed_until >= now),
            (earlier.state == "pending") & (earlier.next_attempt_at > now),
        ),
    )
    due = due & ((OutboxItem.kind != OutboxKind.MESSAGE) | ~blocked)
    query = select(OutboxItem).where(due).order_by(OutboxItem.id).limit(limit)
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    items = list(await uow.session.scalars(query))
    for item in items:
        item.state = "sending"
        item.claimed_until = now + timedelta(seconds=lease_seconds)
        item.attempts += 1
    return [
        Claimed(i.id, i.kind, i.message_id, i.to_wa_id, dict(i.payload), i.attempts, i.created_at)
        for i in items
    ]


async def renew(uow: UnitOfWork, item_ids: list[int], until: datetime) -> None:
    """The sender is alive and still holds these items: keep them from being taken over."""
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id.in_(item_ids), OutboxItem.state == "sending")
        .values(claimed_until=until)
    )


async def confirm(uow: UnitOfWork, item_id: int, attempts: int, until: datetime) -> bool:
    """Just before the call to Meta: is the claim still this sender's (the same attempt, not
    taken over while the sender stalled)? If so it is extended to `until` for the call."""
    result = await uow.session.execute(
        update(OutboxItem)
        .where(
            OutboxItem.id == item_id,
            OutboxItem.state == "sending",
            OutboxItem.attempts == attempts,
        )
        .values(claimed_until=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish(uow: UnitOfWork, item_id: int, now: datetime) -> None:
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state="sent", sent_at=now, claimed_until=None, last_error=None)
    )


async def release(uow: UnitOfWork, item_ids: list[int]) -> None:
    """Give claimed items back untried: they were not attempted, so the attempt is not counted."""
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id.in_(item_ids), OutboxItem.state == "sending")
        .values(state="pending", claimed_until=None, attempts=OutboxItem.attempts - 1)
    )


async def retry_later(uow: UnitOfWork, item_id: int, at: datetime, error: str) -> None:
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state="pending", next_attempt_at=at, claimed_until=None, last_error=error[:2000])
    )


async def drop(uow: UnitOfWork, item_id: int, reason: str) -> None:
    """Not sent on purpose: the item became worthless while it waited."""
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state="dropped", claimed_until=None, last_error=reason)
    )


async def give_up(uow: UnitOfWork, item_id: int, error: str) -> None:
    await uow.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state="failed", claimed_until=None, last_error=error[:2000])
    )
