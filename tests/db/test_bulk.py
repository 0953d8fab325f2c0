"""Many rows in one INSERT with their ids in order (`db.bulk`), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from parley.contacts.models import Contact
from parley.db.bulk import as_loaded, insert_returning_ids
from parley.db.engine import build_engine
from tests.conftest import make_settings

CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path, database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(make_settings(tmp_path, database_url=database_url))
    yield engine
    await engine.dispose()


def _contacts(numbers: list[str]) -> list[dict[str, Any]]:
    return [{"wa_id": n, "profile_name": f"Customer {n}", "created_at": NOW, "updated_at": NOW}
            for n in numbers]  # fmt: skip


async def test_each_row_gets_its_own_id_from_one_statement(engine: AsyncEngine) -> None:
    # Out of order on purpose: the ids must follow the rows, not the sorted keys.
    numbers = [f"55119{n:08d}" for n in (7, 3, 9, 1, 5)] + [f"55118{n:08d}" for n in range(300)]
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))  # fmt: skip
    async with AsyncSession(engine) as session, session.begin():
        ids = await insert_returning_ids(session, CONTACTS, _contacts(numbers), key="wa_id")
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1, "one statement for the rows, not one per row"
    async with AsyncSession(engine) as session:
        stored = {w: i for w, i in await session.execute(select(Contact.wa_id, Contact.id))}
    assert ids == [stored[n] for n in numbers]
    assert len(set(ids)) == len(numbers)


@pytest.mark.parametrize("numbers", [["551100000001", "551100000001"], ["551100000001", None]])
async def test_a_key_that_is_not_unique_is_refused_before_anything_is_written(
    engine: AsyncEngine, numbers: list[str]
) -> None:
    async with AsyncSession(engine) as session, session.begin():
        with pytest.raises(ValueError, match=r"contacts\.wa_id must be unique"):
            await insert_returning_ids(session, CONTACTS, _contacts(numbers), key="wa_id")
        assert (await session.scalars(select(Contact.id))).all() == []


async def test_no_rows_need_no_statement(engine: AsyncEngine) -> None:
    async with AsyncSession(engine) as session:
        assert await insert_returning_ids(session, CONTACTS, [], key="wa_id") == []


def test_a_row_read_back_as_loaded_reads_as_the_row() -> None:
    row = _contacts(["5511900000001"])[0]
    contact = as_loaded(Contact, row, id=42)
    assert (contact.id, contact.wa_id, contact.profile_name) == (
        42,
        "5511900000001",
        row["profile_name"],
    )
    assert contact.created_at == NOW and contact.email is None  # not given: None, as on a new one
    state = inspect(contact)
    assert state.transient and not state.modified  # in no session, and nothing to write
    contact.profile_name = "Renamed"  # still an ORM object: a change is seen as one
    assert state.modified


def test_a_column_not_given_holds_what_the_insert_stored() -> None:
    """Its scalar default (what Core's insert wrote), else None."""
    from parley.interactions.models import Interaction

    interaction = as_loaded(Interaction, {"state": "queued"}, id=7)
    assert (interaction.unread_count, interaction.version) == (0, 1)
    assert interaction.agent_id is None and interaction.state == "queued"
    assert "unread_count" in vars(interaction), "read from the instance, not the ORM's fallback"
    assert not inspect(interaction).modified


def test_loaded_values_read_the_row_itself_or_through_the_orm() -> None:
    """A loaded row's values come from the instance; an object missing a column (new, or
    expired) is read through the ORM, every column present."""
    from parley.db.bulk import loaded_values

    loaded = as_loaded(Contact, _contacts(["5511900000001"])[0], id=3)
    assert loaded_values(loaded) is vars(loaded)
    fresh = Contact(wa_id="5511900000002")
    values = loaded_values(fresh)
    assert values is not vars(fresh)
    assert values["wa_id"] == "5511900000002" and values["id"] is None
    assert set(values) == {attr.key for attr in inspect(Contact).column_attrs}
