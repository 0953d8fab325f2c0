"""Everything one node holds, built once by create_app and reached by views through deps."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.auth.throttle import LoginThrottle
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.metrics import Metrics
from parley.realtime.bus import Bus
from parley.realtime.hub import Hub
from parley.settings import Settings
from parley.whatsapp.graph import WhatsAppGateway
from parley.workers.base import Worker


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: Bus
    hub: Hub
    clock: Clock
    metrics: Metrics
    workers: dict[str, Worker] = field(default_factory=dict)
    # SQLite has one writer: transactions queue here, in order, instead of in SQLite's
    # sleeping busy handler. PostgreSQL needs no gate.
    write_gate: asyncio.Lock | None = None
    # Sessions for requests that only read (GET): no gate, no write lock. Defaults to the
    # writer's sessionmaker where the database needs no such split.
    reader_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # The Cloud API client, for requests that read from it directly (template sync).
    gateway: WhatsAppGateway | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, self.bus, self.write_gate)

    def reader(self) -> UnitOfWork:
        """A unit of work that must not write: it reads a consistent snapshot, unqueued."""
        if self.reader_sessionmaker is None:
            return self.uow()
        return UnitOfWork(self.reader_sessionmaker, self.bus)

    def wake(self, name: str) -> None:
        worker = self.workers.get(name)
        if worker is not None:
            worker.wake()
