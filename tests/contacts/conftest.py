"""A migrated database (SQLite and PostgreSQL) and a way to add contacts to it directly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.clock import FixedClock
from parley.contacts.models import Contact
from parley.contacts.search import search_contacts
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus
from parley.settings import Settings

AddContacts = Callable[..., Awaitable[None]]
Search = Callable[..., Awaitable[list[str]]]


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    built = build_engine(settings)
    yield built
    await built.dispose()


@pytest.fixture
def add_contacts(engine: AsyncEngine, clock: FixedClock) -> AddContacts:
    """`await add_contacts({"profile_name": ..., "wa_id": ...}, ...)`: stored in one go."""

    async def add(*rows: dict[str, Any]) -> None:
        now = clock.now()
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            values = [{"created_at": now, "updated_at": now, **row} for row in rows]
            await uow.session.execute(insert(Contact), values)
            await uow.commit()

    return add


@pytest.fixture
def search(engine: AsyncEngine) -> Search:
    """The display names `search_contacts` returns for a query, in order."""

    async def names(query: str, *, limit: int = 50, region: str = "BR") -> list[str]:
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            found = await search_contacts(uow, query, region=region, limit=limit)
        return [c.name or c.profile_name or c.wa_id or "" for c in found]

    return names
