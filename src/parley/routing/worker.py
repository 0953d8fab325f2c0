"""Routes queued interactions whenever something changes, and expires unanswered offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.routing.service import assign_queued, expire_offers
from parley.settings import Settings
from parley.workers.base import Worker
from parley.workers.wake import Wake

EXPIRY_CHECK = timedelta(seconds=1)


class RoutingWorker(Worker):
    name = Wake.ROUTING
    poll_seconds = 2.0

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        default_capacity: int,
        auto_accept: bool,
        offer_timeout_seconds: int,
        missed_offers_limit: int = 0,
    ) -> None:
        super().__init__()
        self._uow = uow
        self._clock = clock
        self._capacity = default_capacity
        self._auto_accept = auto_accept
        self._offer_timeout = offer_timeout_seconds
        self._missed_limit = missed_offers_limit
        self._expired_at: datetime | None = None

    @classmethod
    def from_settings(
        cls, uow: Callable[[], UnitOfWork], clock: Clock, settings: Settings
    ) -> RoutingWorker:
        return cls(
            uow,
            clock,
            default_capacity=settings.agent_capacity,
            auto_accept=settings.auto_accept,
            offer_timeout_seconds=settings.offer_timeout_seconds,
            missed_offers_limit=settings.missed_offers_limit,
        )

    async def run_once(self) -> bool:
        async with self._uow() as uow:
            expired = 0
            now = self._clock.now()
            # Offers expire on the poll, not on every wake-up: a second late is nothing to
            # an offer that waits for tens of them, and ingest wakes this loop per batch.
            if self._expired_at is None or now - self._expired_at >= EXPIRY_CHECK:
                self._expired_at = now
                expired = await expire_offers(
                    uow,
                    self._clock,
                    timeout_seconds=self._offer_timeout,
                    missed_limit=self._missed_limit,
                    capacity=self._capacity,
                )
            moved = await assign_queued(
                uow, self._clock, default_capacity=self._capacity, auto_accept=self._auto_accept
            )
            await uow.commit()
        return moved > 0 or expired > 0
