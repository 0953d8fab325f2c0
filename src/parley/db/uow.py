"""The unit of work: one transaction, and the events it produced, sent only after commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.db.gate import WriteGate
from parley.domain.roles import EVENT_WATCHERS, ROLES
from parley.realtime.bus import Bus, Envelope
from parley.realtime.events import Event
from parley.workers.wake import Wake, Waker


class UnitOfWork:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        gate: WriteGate | None = None,
        waker: Waker | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._bus = bus
        self._gate = gate
        self._waker = waker
        self._holding = False  # this unit holds the writers' gate
        self._pending: list[Envelope] = []
        self._hooks: list[Callable[[], None]] = []
        self._wakes: set[Wake] = set()
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        if self._gate is not None:
            await self._gate.acquire()
            self._holding = True
        self.session = self._sessionmaker()
        self._pending = []
        self._hooks = []
        self._wakes = set()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # close() rolls back whatever was not committed, and leaves loaded objects readable.
            await self.session.close()
            self._pending = []
        finally:
            if self._gate is not None and self._holding:
                self._gate.release()
                self._holding = False

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def emit(
        self,
        event: Event,
        *,
        to: int | None = None,
        supervisors: bool = True,
        everyone: bool = False,
        users: Collection[int] = (),
    ) -> None:
        """Queue an event for the agent `to` and the `users` (and, with `supervisors`, the roles
        that watch every event: `domain.roles.EVENT_WATCHERS`), or for `everyone` logged in; it
        leaves only after commit."""
        roles = frozenset(ROLES) if everyone else EVENT_WATCHERS if supervisors else frozenset()
        self._pending.append(
            Envelope(
                user_ids=frozenset([to] if to is not None else []) | frozenset(users),
                roles=roles,
                payload=event.model_dump_json().encode(),  # the event's one serialisation
                type=str(getattr(event, "type", "")),
            )
        )

    def wake(self, *workers: Wake) -> None:
        """Wake these background loops, on every node, once this transaction has committed."""
        self._wakes.update(workers)

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once this transaction has committed (e.g. wake a worker)."""
        self._hooks.append(hook)

    async def commit(self) -> None:
        await self.session.commit()
        pending, self._pending = self._pending, []
        hooks, self._hooks = self._hooks, []
        wakes, self._wakes = self._wakes, set()
        if pending:
            await self._bus.publish_many(pending)
        for hook in hooks:
            hook()
        if wakes and self._waker is not None:
            await self._waker(sorted(wakes))

    @asynccontextmanager
    async def released(self) -> AsyncIterator[None]:
        """Let other writers in while the caller waits on something slow that is not the
        database (a password hash, a Cloud API call): what the unit did so far is committed
        (its events still wait for `commit`), the writers' gate is let go, and taken again
        after; the unit goes on in a new transaction, its loaded objects still readable."""
        await self.session.commit()
        if self._gate is not None and self._holding:
            self._gate.release()
            self._holding = False
        try:
            yield
        finally:
            if self._gate is not None:
                await self._gate.acquire()
                self._holding = True

    async def rollback(self) -> None:
        await self.session.rollback()
        self._pending = []
        self._hooks = []
        self._wakes = set()
