"""A Parley node without HTTP, for service and worker tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from parley.app import create_app
from parley.clock import FixedClock
from parley.ingest.worker import IngestWorker
from parley.realtime.bus import Envelope
from parley.routing.worker import RoutingWorker
from parley.runtime import Runtime
from parley.settings import Settings


@dataclass
class Node:
    """One Parley node without HTTP: its runtime, its workers run by hand, and what it published."""

    runtime: Runtime
    ingest: IngestWorker
    routing: RoutingWorker
    published: list[Envelope] = field(default_factory=list)

    def events(self, kind: str) -> list[dict[str, object]]:
        return [e.event for e in self.published if e.event["type"] == kind]


async def start_node(settings: Settings, clock: FixedClock) -> AsyncIterator[Node]:
    app = create_app(settings, clock=clock, migrate=False, workers=False)
    runtime: Runtime = app.state.runtime
    published: list[Envelope] = []

    async def capture(envelope: Envelope) -> None:
        published.append(envelope)

    await runtime.bus.start(capture)
    ingest = IngestWorker(runtime.uow, clock, runtime.metrics, on_ingested=lambda: None)
    routing = RoutingWorker(
        runtime.uow, clock, default_capacity=3, auto_accept=True, offer_timeout_seconds=30
    )
    try:
        yield Node(runtime, ingest, routing, published)
    finally:
        await runtime.engine.dispose()
        if runtime.reader_sessionmaker is not None:  # SQLite's separate reading engine
            await runtime.reader_sessionmaker.kw["bind"].dispose()
