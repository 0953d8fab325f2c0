"""Choosing stored webhooks to process again (`parley webhooks replay`).

Processing is idempotent on the wamid, so a replay of webhooks already processed changes
nothing; a replay of failed ones is how an operator retries them now instead of at their
next backoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true, update

from parley.db.uow import UnitOfWork
from parley.errors import Invalid
from parley.ingest.models import InboundWebhook


@dataclass(frozen=True, slots=True)
class ReplayFilter:
    """Failed webhooks (`failed_only`), a time range of arrival, or both (failed in the range)."""

    failed_only: bool = False
    since: datetime | None = None
    until: datetime | None = None

    def check(self) -> None:
        if not self.failed_only and self.since is None and self.until is None:
            raise Invalid("choose what to replay: failed webhooks, a time range, or both")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise Invalid("the start of the range must be before its end")

    def condition(self) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = true()
        if self.failed_only:
            condition &= InboundWebhook.state == "failed"
        if self.since is not None:
            condition &= InboundWebhook.received_at >= self.since
        if self.until is not None:
            condition &= InboundWebhook.received_at < self.until
        return condition


async def webhooks_to_replay(uow: UnitOfWork, chosen: ReplayFilter) -> list[int]:
    """The ids of the stored webhooks `chosen` selects, oldest first."""
    chosen.check()
    query = select(InboundWebhook.id).where(chosen.condition()).order_by(InboundWebhook.id)
    return list(await uow.session.scalars(query))


async def requeue_webhooks(uow: UnitOfWork, ids: Sequence[int]) -> None:
    """Put these webhooks back in the queue: the running nodes' ingest processes them again,
    so open desktops see what a replay brings as it happens. The caller commits and wakes."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        await uow.session.execute(
            update(InboundWebhook)
            .where(InboundWebhook.id.in_(chunk))
            .values(state="pending", next_attempt_at=None, error=None)
        )


async def states_of(uow: UnitOfWork, ids: Sequence[int]) -> dict[str, int]:
    """How many of these webhooks are in each state (after a replay: processed or failed)."""
    counts: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        rows = await uow.session.execute(
            select(InboundWebhook.state, func.count())
            .where(InboundWebhook.id.in_(chunk))
            .group_by(InboundWebhook.state)
        )
        for state, count in rows:
            counts[state] = counts.get(state, 0) + count
    return counts
