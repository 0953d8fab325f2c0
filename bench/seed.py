"""Benchmark data: a migrated database with a supervisor and Ready agents."""

from __future__ import annotations

from pathlib import Path

from parley.auth.passwords import hash_password
from parley.auth.service import create_user, set_status
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus
from parley.settings import Settings


async def seed(database_url: str, data_dir: Path, *, agents: int, password: str) -> None:
    settings = Settings(database_url=database_url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    clock = SystemClock()
    try:
        await upgrade(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            await create_user(uow, clock, username="supervisor", password=password,
                              role="supervisor", name="Supervisor")
            password_hash = hash_password(password)
            for n in range(agents):
                user = await create_user(uow, clock, username=f"agent{n}", password=password,
                                         role="agent", name=f"Agent {n}")
                user.password_hash = password_hash
                set_status(uow, clock, user, "ready", None)
            await uow.commit()
    finally:
        await engine.dispose()
