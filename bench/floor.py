"""The Floor's snapshot: `GET /api/v1/floor`'s work on a busy day.

    python -m bench.floor [--interactions 5000] [--runs 15]

Seeds one day of inbound interactions on a fresh SQLite database (each with a realistic
history: offered, accepted after 5 to 120 s, some parked and opened again, most done; a few
abandoned), 40 agents and 10 still queued, then times `floor.service.floor_snapshot` (the
queue, agents, workbins, the day's figures and its 96 slices) through a reader unit of work, as
the endpoint does. Prints wall and CPU time per snapshot (CPU: this process, which includes
SQLite's own work; less sensitive to other load on a shared machine than wall time).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from parley.auth.models import User
from parley.contacts.models import Contact
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.floor.cache import FiguresCache
from parley.floor.service import DayFigures, floor_snapshot
from parley.interactions.models import ChatSession, Interaction, InteractionEvent
from parley.realtime.bus import InProcessBus
from parley.settings import Settings

DAY = datetime(2026, 1, 5, tzinfo=UTC)


def _history(
    rng: random.Random, iid: int, agent: int, created: datetime
) -> list[dict[str, object]]:
    def step(at: datetime, frm: str, to: str, reason: str) -> dict[str, object]:
        return {
            "interaction_id": iid,
            "from_state": frm,
            "to_state": to,
            "agent_id": agent,
            "reason": reason,
            "at": at,
        }

    if rng.random() < 0.04:  # abandoned: never answered, closed for inactivity
        return [step(created + timedelta(hours=2), "queued", "done", "inactive")]
    offered = created + timedelta(seconds=rng.randint(1, 90))
    accepted = offered + timedelta(seconds=rng.randint(2, 30))
    rows = [
        step(offered, "queued", "offered", "routed"),
        step(accepted, "offered", "active", "accepted"),
    ]
    at = accepted + timedelta(seconds=rng.randint(60, 600))
    if rng.random() < 0.2:  # parked a while, opened again
        rows.append(step(at, "active", "parked", "parked"))
        at += timedelta(seconds=rng.randint(300, 3600))
        rows.append(step(at, "parked", "active", "opened"))
        at += timedelta(seconds=rng.randint(60, 300))
    rows.append(step(at, "active", "done", "done"))
    return rows


async def seed(url: str, interactions: int) -> Settings:
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    await upgrade(engine)
    rng = random.Random(7)
    async with engine.begin() as db:
        agents = [
            {
                "username": f"agent{n}",
                "name": f"Agent {n}",
                "role": "agent",
                "password_hash": "x",
                "status": "ready",
                "status_since": DAY,
                "idle_since": DAY,
                "created_at": DAY,
            }
            for n in range(40)
        ]
        await db.execute(insert(User), agents)
        await db.execute(
            insert(Contact),
            [
                {
                    "wa_id": f"55119{n:08d}",
                    "profile_name": f"Customer {n}",
                    "created_at": DAY,
                    "updated_at": DAY,
                }
                for n in range(interactions)
            ],
        )
        await db.execute(
            insert(ChatSession),
            [
                {"contact_id": n + 1, "origin": "inbound", "created_at": DAY}
                for n in range(interactions)
            ],
        )
        rows, events = [], []
        for n in range(interactions):
            created = DAY + timedelta(hours=8, seconds=rng.randint(0, 10 * 3600))
            history = _history(rng, n + 1, rng.randint(1, 40), created)
            queued = n >= interactions - 10
            done = None if queued else history[-1]["at"]
            rows.append(
                {
                    "session_id": n + 1,
                    "contact_id": n + 1,
                    "origin": "inbound",
                    "state": "queued" if queued else "done",
                    "created_at": created,
                    "updated_at": created,
                    "queued_at": created,
                    "done_at": done,
                    "pending_since": created if queued else None,
                    "unread_count": 0,
                    "version": 1,
                }
            )
            if not queued:
                events.extend(history)
        await db.execute(insert(Interaction), rows)
        await db.execute(insert(InteractionEvent), events)
    await engine.dispose()
    return settings


async def measure(
    settings: Settings, runs: int, *, cached: bool = False
) -> tuple[list[float], list[float]]:
    """Times of `runs` snapshots; `cached`: through the per-node figures cache, as the endpoint
    does, with the day's history unchanged between them (a burst of supervisors' refreshes)."""
    engine = build_engine(settings)
    sessions = build_sessionmaker(engine)
    cache: FiguresCache[DayFigures] | None = FiguresCache() if cached else None
    walls, cpus = [], []
    now = DAY + timedelta(hours=19)
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        async with UnitOfWork(sessions, InProcessBus()) as uow:
            await floor_snapshot(uow, now, since=DAY, capacity=3, threshold_seconds=60, cache=cache)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    await engine.dispose()
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'floor.db'}"
        settings = asyncio.run(seed(url, args.interactions))
        rows = [
            ("full (figures computed)", asyncio.run(measure(settings, args.runs))),
            ("figures from the cache", asyncio.run(measure(settings, args.runs, cached=True))),
        ]
    print("| snapshot | interactions | runs | wall p50 (ms) | wall p95 (ms) | CPU p50 (ms) |")
    print("|---|---|---|---|---|---|")
    for name, (walls, cpus) in rows:
        p95 = sorted(walls)[max(0, int(len(walls) * 0.95) - 1)]
        print(
            f"| {name} | {args.interactions} | {args.runs} | {statistics.median(walls):.0f} "
            f"| {p95:.0f} | {statistics.median(cpus):.0f} |"
        )


if __name__ == "__main__":
    main()
