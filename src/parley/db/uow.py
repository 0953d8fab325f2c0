"""The unit of work: one transaction, and the events it produced, sent only after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.realtime.bus import Bus, Envelope
from parley.realtime.events import Event

SUPERVISORS = frozenset({"supervisor", "admin"})
EVERYONE = frozenset({"agent", "supervisor", "admin"})


class UnitOfWork:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        gate: asyncio.Lock | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._bus = bus
        self._gate = gate
        self._pending: list[Envelope] = []
        self._hooks: list[Callable[[], None]] = []
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        if self._gate is not None:
            await self._gate.acquire()
        self.session = self._sessionmaker()
        self._pending = []
        self._hooks = []
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
            if self._gate is not None:
                self._gate.release()

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
    ) -> None:
        """Queue an event for the agent `to` (and supervisors), or for `everyone` logged in;
        it leaves only after commit."""
        roles = EVERYONE if everyone else SUPERVISORS if supervisors else frozenset()
        self._pending.append(
            Envelope(
                user_ids=frozenset([to] if to is not None else []),
                roles=roles,
                event=event.model_dump(mode="json"),
            )
        )

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once this transaction has committed (e.g. wake a worker)."""
        self._hooks.append(hook)

    async def commit(self) -> None:
        await self.session.commit()
        pending, self._pending = self._pending, []
        hooks, self._hooks = self._hooks, []
        for envelope in pending:
            await self._bus.publish(envelope)
        for hook in hooks:
            hook()

    async def rollback(self) -> None:
        await self.session.rollback()
        self._pending = []
        self._hooks = []
