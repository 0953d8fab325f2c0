"""Shared fixtures: a migrated database per test on SQLite and on PostgreSQL, and a runtime."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from parley.clock import FixedClock
from parley.db.engine import build_engine
from parley.db.migrate import upgrade
from parley.db.models import Base
from parley.settings import Settings
from tests.harness import Node, start_node

POSTGRES_URL = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp_path, "_env_file": None}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def _migrate(url: str, tmp: Path) -> None:
    engine = build_engine(make_settings(tmp, database_url=url))
    if url.startswith("postgresql"):
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "parley.db"
    asyncio.run(_migrate(f"sqlite:///{path}", path.parent))
    return path


@pytest.fixture(scope="session")
def postgres_ready(tmp_path_factory: pytest.TempPathFactory) -> str:
    asyncio.run(_migrate(POSTGRES_URL, tmp_path_factory.mktemp("pg")))
    return POSTGRES_URL


async def _truncate(url: str, tmp: Path) -> None:
    engine = build_engine(make_settings(tmp, database_url=url))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database: a copied SQLite file, or a truncated PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "parley.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
    else:
        url = request.getfixturevalue("postgres_ready")
        asyncio.run(_truncate(url, tmp_path))
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def node(settings: Settings, clock: FixedClock) -> AsyncIterator[Node]:
    async for started in start_node(settings, clock):
        yield started


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto's server mode) on a free loopback port, for the session;
    each test makes its own bucket (`tests.media.s3.new_bucket`)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
