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


class InvalidReplay(Invalid):
    """A choice that selects nothing, with the inputs at fault in `fields` (as the API's
    validation errors name them)."""

    def __init__(self, message: str, fields: list[dict[str, str]]) -> None:
        super().__init__(message, fields=fields)


@dataclass(frozen=True, slots=True)
class ReplayFilter:
    """Failed webhooks (`failed_only`), a time range of arrival, or both (failed in the range)."""

    failed_only: bool = False
    since: datetime | None = None
    until: datetime | None = None

    def refusal(self) -> InvalidReplay | None:
        """Why this choice selects nothing (None when it is fine), for the API."""
        if not self.failed_only and self.since is None and self.until is None:
            return InvalidReplay(
                "Choose what to replay: failed webhooks, a time range, or both.",
                [
                    {"field": "failed_only", "message": "Set it to true to replay failed ones"},
                    {"field": "since", "message": "Or give the start of a time range"},
                    {"field": "until", "message": "Or give the end of a time range"},
                ],
            )
        if self.since is not None and self.until is not None and self.since >= self.until:
            return InvalidReplay(
                "The start of the range must be before its end.",
                [
                    {"field": "since", "message": "Must be before until"},
                    {"field": "until", "message": "Must be after since"},
                ],
            )
        return None

    def check(self) -> None:
        """The command's check: the same refusal, worded to follow `parley: `."""
        refusal = self.refusal()
        if refusal is not None:
            message = refusal.message.rstrip(".")
            raise Invalid(message[0].lower() + message[1:])

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
    refusal = chosen.refusal()
    if refusal is not None:
        raise refusal
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
