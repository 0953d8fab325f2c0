"""Benchmark data: a migrated database with a supervisor, Ready agents and their tokens."""

from __future__ import annotations

from pathlib import Path

from parley.auth.models import User
from parley.auth.passwords import hash_password
from parley.auth.service import issue_token, set_status
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus
from parley.settings import Settings

DAY = 24 * 3600


async def seed(
    database_url: str,
    data_dir: Path,
    *,
    agents: int,
    password: str,
    supervisors: int = 1,
    capacity: int | None = None,
) -> dict[str, str]:
    """Create the users; returns a bearer token per username (no password round trips)."""
    settings = Settings(database_url=database_url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    clock = SystemClock()
    tokens: dict[str, str] = {}
    password_hash = hash_password(password)
    people = [(f"supervisor{n}" if n else "supervisor", "supervisor") for n in range(supervisors)]
    people += [(f"agent{n}", "agent") for n in range(agents)]
    try:
        await upgrade(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            now = clock.now()
            for username, role in people:
                # One argon2 hash for all: hashing a thousand passwords would dominate the setup.
                user = User(
                    username=username,
                    name=username.title(),
                    role=role,
                    password_hash=password_hash,
                    status="logged_out",
                    status_since=now,
                    idle_since=now,
                    created_at=now,
                    capacity=capacity,
                )
                uow.session.add(user)
                await uow.session.flush()
                if role == "agent":
                    set_status(uow, clock, user, "ready", None)
                tokens[username], _ = issue_token(uow, clock, user, max_age=DAY)
            await uow.commit()
    finally:
        await engine.dispose()
    return tokens
