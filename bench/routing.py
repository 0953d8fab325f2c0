"""Routing: the time to assign 10,000 queued interactions to 500 Ready agents.

Each agent takes 20 at once here (500 x 20 = 10,000), so every interaction finds a place; the
router works as in production, a round at a time, offering longest-idle first.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.procs import PASSWORD
from bench.seed import seed
from parley.clock import SystemClock
from parley.contacts.models import Contact
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.uow import UnitOfWork
from parley.interactions.models import ChatSession, Interaction
from parley.realtime.bus import InProcessBus
from parley.routing.worker import RoutingWorker
from parley.settings import Settings


async def _queue(uow: UnitOfWork, count: int) -> None:
    now = SystemClock().now()
    contacts = [
        {"wa_id": f"4420{n:08d}", "created_at": now, "updated_at": now} for n in range(count)
    ]
    contact_ids = (
        await uow.session.execute(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True), contacts
        )
    ).scalars()
    sessions = [{"contact_id": c, "origin": "inbound", "created_at": now} for c in contact_ids]
    session_rows = (
        await uow.session.execute(
            insert(ChatSession).returning(
                ChatSession.id, ChatSession.contact_id, sort_by_parameter_order=True
            ),
            sessions,
        )
    ).all()
    interactions = [
        {
            "session_id": s,
            "contact_id": c,
            "state": "queued",
            "origin": "inbound",
            "created_at": now,
            "updated_at": now,
            "queued_at": now,
            "unread_count": 1,
            "version": 1,
        }
        for s, c in session_rows
    ]
    await uow.session.execute(insert(Interaction), interactions)


async def measure(database: str, work: Path, *, interactions: int, agents: int) -> dict[str, Any]:
    await seed(database, work, agents=agents, password=PASSWORD, capacity=interactions // agents)
    settings = Settings(database_url=database, data_dir=work, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    sessionmaker, bus = build_sessionmaker(engine), InProcessBus()
    try:
        async with UnitOfWork(sessionmaker, bus) as uow:
            await _queue(uow, interactions)
            await uow.commit()
        router = RoutingWorker(
            lambda: UnitOfWork(sessionmaker, bus),
            SystemClock(),
            default_capacity=3,
            auto_accept=False,
            offer_timeout_seconds=600,
        )
        start, rounds = time.perf_counter(), 0
        while await router.run_once():
            rounds += 1
        seconds = time.perf_counter() - start
        async with UnitOfWork(sessionmaker, bus) as uow:
            left = await uow.session.scalar(
                select(func.count()).where(Interaction.state == "queued")
            )
        return {
            "interactions": interactions,
            "agents": agents,
            "seconds": round(seconds, 3),
            "rounds": rounds,
            "still_queued": left,
        }
    finally:
        await engine.dispose()
