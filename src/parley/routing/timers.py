"""The clock's work: presence heartbeats, agents whose desktop went away, sessions gone idle."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.routing.presence import heartbeat, sweep_disconnected
from parley.routing.sessions import BATCH, close_idle_sessions
from parley.workers.base import Worker
from parley.workers.wake import Wake


@dataclass(frozen=True)
class Timeouts:
    """Seconds: the disconnect grace, the park time after it, and a session's idle timeout."""

    disconnect_grace: int
    disconnect_park: int
    session_idle: int


class TimersWorker(Worker):
    name = Wake.TIMERS
    # Heartbeats every few seconds, well inside the shortest grace time (5 s at least).
    poll_seconds = 2.5

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        connected: Callable[[], Collection[int]],
        timeouts: Timeouts,
        *,
        capacity: int,
    ) -> None:
        super().__init__()
        self._uow = uow
        self._clock = clock
        self._connected = connected
        self._timeouts = timeouts
        self._capacity = capacity

    async def run_once(self) -> bool:
        async with self._uow() as uow:
            await heartbeat(uow, self._clock.now(), self._connected())
            await sweep_disconnected(
                uow,
                self._clock,
                grace_seconds=self._timeouts.disconnect_grace,
                park_seconds=self._timeouts.disconnect_park,
                capacity=self._capacity,
            )
            closed = await close_idle_sessions(
                uow, self._clock, timeout_seconds=self._timeouts.session_idle
            )
            await uow.commit()
        return closed == BATCH  # more idle sessions may wait
