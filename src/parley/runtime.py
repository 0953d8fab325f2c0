"""Everything one node holds, built once by create_app and reached by views through deps."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.auth.throttle import LoginThrottle
from parley.clock import Clock
from parley.db.gate import WriteGate
from parley.db.uow import UnitOfWork
from parley.metrics import Metrics
from parley.realtime.bus import Bus, Envelope
from parley.realtime.hub import Hub
from parley.settings import Settings
from parley.whatsapp.graph import WhatsAppGateway
from parley.workers.base import Worker
from parley.workers.wake import WAKE_EVENT, Wake

log = logging.getLogger("parley.runtime")


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: Bus
    hub: Hub
    clock: Clock
    metrics: Metrics
    workers: dict[Wake, Worker] = field(default_factory=dict)
    # SQLite has one writer: transactions queue here, in order and across the node's
    # processes, instead of in SQLite's sleeping busy handler (`db.gate`). PostgreSQL needs none.
    write_gate: WriteGate | None = None
    # Sessions for requests that only read (GET): no gate, no write lock. Defaults to the
    # writer's sessionmaker where the database needs no such split.
    reader_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    node_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # The Cloud API client, for requests that read from it directly (template sync).
    gateway: WhatsAppGateway | None = None
    # The webhook log's own SQLite file (`parley.ingest.log`); None: a table of the database.
    log_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    log_gate: WriteGate | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, self.bus, self.write_gate, waker=self.wake_all)

    def reader(self) -> UnitOfWork:
        """A unit of work that must not write: it reads a consistent snapshot, unqueued."""
        if self.reader_sessionmaker is None:
            return self.uow()
        return UnitOfWork(self.reader_sessionmaker, self.bus)

    def log_uow(self) -> UnitOfWork:
        """A unit of work on the stored webhook log, wherever it lives."""
        if self.log_sessionmaker is None:
            return self.uow()
        return UnitOfWork(self.log_sessionmaker, self.bus, self.log_gate, waker=self.wake_all)

    def wake(self, worker: Wake) -> None:
        """Wake one of this node's loops now (the others are told by `wake_all`)."""
        running = self.workers.get(worker)
        if running is not None:
            running.wake()

    async def wake_all(self, workers: Iterable[Wake]) -> None:
        """Wake these loops here and, through the bus, on every other node."""
        names = sorted(set(workers))
        for worker in names:
            self.wake(worker)
        if not self.bus.shared:
            return
        event = {"type": WAKE_EVENT, "workers": list(names), "node": self.node_id}
        try:
            await self.bus.publish(Envelope(user_ids=frozenset(), event=event))
        except Exception:  # the others still poll: a lost wake only delays them
            log.warning("runtime.wake_publish_failed", exc_info=True)

    async def deliver(self, envelope: Envelope) -> None:
        """The bus's deliveries to this node: wakes from other nodes, events to the hub."""
        if envelope.type != WAKE_EVENT:
            await self.hub.deliver(envelope)
            return
        event = envelope.event
        if event.get("node") == self.node_id:
            return
        for name in event.get("workers", ()):
            if name in Wake.__members__.values():
                self.wake(Wake(name))
