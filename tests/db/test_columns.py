"""Datetimes and JSON as stored: the same values back, in the same stored form, on both backends."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from parley.contacts.models import Contact
from parley.db import jsoncodec
from parley.db.engine import build_engine
from tests.conftest import make_settings

NOW = datetime(2026, 5, 1, 12, 30, 5, 123456, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path, database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(make_settings(tmp_path, database_url=database_url))
    yield engine
    await engine.dispose()


async def _contact(session: AsyncSession, created_at: datetime, number: str = "5511") -> int:
    contact = Contact(wa_id=number, created_at=created_at, updated_at=created_at)
    session.add(contact)
    await session.flush()
    return contact.id


async def test_datetimes_come_back_aware_in_utc(engine: AsyncEngine) -> None:
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    whole_second = NOW.replace(microsecond=0)
    async with AsyncSession(engine) as session, session.begin():
        ids = [await _contact(session, value, f"55{n}") for n, value in
               enumerate([NOW, plus_two, whole_second])]  # fmt: skip
    async with AsyncSession(engine) as session:
        rows = dict((await session.execute(select(Contact.id, Contact.created_at))).all())
    assert [rows[i] for i in ids] == [NOW, NOW, whole_second]
    assert all(rows[i].tzinfo is not None and rows[i].utcoffset() == timedelta(0) for i in ids)


async def test_sqlite_keeps_sqlalchemys_text_form(engine: AsyncEngine) -> None:
    """Stored datetimes compare as text on SQLite: every value must have the one fixed form."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores timestamptz, not text")
    async with AsyncSession(engine) as session, session.begin():
        first = await _contact(session, NOW.astimezone(timezone(timedelta(hours=-3))), "551")
        second = await _contact(session, NOW.replace(microsecond=0), "552")
    async with engine.connect() as connection:
        stored = dict((await connection.execute(text("SELECT id, created_at FROM contacts"))).all())
    assert stored[first] == "2026-05-01 12:30:05.123456"
    assert stored[second] == "2026-05-01 12:30:05.000000"


async def test_sqlite_reads_values_written_in_other_forms(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL parses timestamps itself")
    async with AsyncSession(engine) as session, session.begin():
        contact_id = await _contact(session, NOW)
    for written, expected in [
        ("2026-05-01T12:30:05", NOW.replace(microsecond=0)),
        ("2026-05-01 14:30:05.123456+02:00", NOW),
        ("2026-05-01 12:30", NOW.replace(second=0, microsecond=0)),
    ]:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE contacts SET created_at = :v WHERE id = :id"),
                {"v": written, "id": contact_id},
            )
        async with AsyncSession(engine) as session:
            assert await session.scalar(select(Contact.created_at)) == expected, written


async def test_a_naive_datetime_is_refused(engine: AsyncEngine) -> None:
    async with AsyncSession(engine) as session:
        with pytest.raises(StatementError, match="naive datetime"):
            await _contact(session, NOW.replace(tzinfo=None))


async def test_comparisons_and_order_follow_time(engine: AsyncEngine) -> None:
    times = [NOW + timedelta(microseconds=n) for n in (0, 999_999, 1)] + [NOW - timedelta(days=400)]
    async with AsyncSession(engine) as session, session.begin():
        for n, value in enumerate(times):
            await _contact(session, value, f"55{n}")
    async with AsyncSession(engine) as session:
        after = await session.scalars(
            select(Contact.created_at).where(Contact.created_at > NOW).order_by(Contact.created_at)
        )
        assert list(after) == sorted(t for t in times if t > NOW)


def test_json_codec_keeps_what_orjson_refuses() -> None:
    for value in [{"n": 2**70 + 1, "m": -(2**64) - 1}, {"text": "half an emoji \ud83d"}]:
        back = jsoncodec.loads(jsoncodec.dumps(value))
        assert back == value and [type(v) for v in back.values()] == [
            type(v) for v in value.values()
        ]
    # Written by anyone, read back exactly (orjson alone reads these as floats).
    assert jsoncodec.loads(b'{"n": 123456789012345678901}')["n"] == 123456789012345678901
    assert jsoncodec.loads('{"q": -9223372036854775809}')["q"] == -9223372036854775809
    assert jsoncodec.loads('{"id": "wamid.12345678901234567890", "n": 1.5}')["n"] == 1.5
    # Standard JSON has no infinity: stored as null (PostgreSQL's JSONB would refuse the value).
    assert jsoncodec.loads(jsoncodec.dumps({"x": math.inf})) == {"x": None}
    assert jsoncodec.loads(json.dumps({"lat": math.nan}))["lat"] != 0  # NaN, as written before
    assert jsoncodec.loads(jsoncodec.dumps({1: "one"})) == {"1": "one"}


async def test_json_columns_round_trip(engine: AsyncEngine) -> None:
    fields = {"note": "Olá 👋", "n": 2**70, "nested": {"list": [1, 2.5, None, True]}}
    async with AsyncSession(engine) as session, session.begin():
        contact = Contact(wa_id="5511", fields=fields, created_at=NOW, updated_at=NOW)
        session.add(contact)
        await session.flush()
        changed = {**fields, "x": 1}
        await session.execute(
            update(Contact).where(Contact.id == contact.id).values(fields=changed)
        )
    async with AsyncSession(engine) as session:
        assert await session.scalar(select(Contact.fields)) == changed
