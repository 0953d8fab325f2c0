"""The migrations build exactly the tables the models describe, and step down and up again."""

from __future__ import annotations

import json
import warnings
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from parley.db.engine import build_engine
from parley.db.migrate import alembic_config, include_object
from parley.db.models import Base
from parley.messages.content import TextContent, load_content
from parley.settings import Settings


def _diff(connection: Connection) -> list[object]:
    # SQLAlchemy cannot reflect SQLite's expression indexes (the contact search's); they are
    # left out of the comparison (include_object) and its warning about them is expected.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        return _compare(connection)


def _compare(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_object}
    )
    return list(compare_metadata(context, Base.metadata))


def _step(connection: Connection, url: str, target: str, down: bool) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, target)


async def test_the_schema_matches_the_models_after_down_and_up(settings: Settings) -> None:
    engine = build_engine(settings)
    url = engine.url.render_as_string(hide_password=False)
    try:
        async with engine.begin() as connection:
            assert await connection.run_sync(_diff) == []
            await connection.run_sync(_step, url, "0001", True)
            assert await connection.run_sync(_diff) != [], "0002's columns are gone"
            await connection.run_sync(_step, url, "head", False)
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_messages_waiting_to_be_sent_keep_their_place_across_0003(settings: Settings) -> None:
    """A text queued before the typed contents is sent after the upgrade as the same text."""
    engine = build_engine(settings)
    url = engine.url.render_as_string(hide_password=False)
    legacy = {"type": "text", "body": {"body": "Olá", "preview_url": True}, "context": None}
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_step, url, "0002", True)
            await connection.execute(
                text(
                    "INSERT INTO outbox (kind, to_wa_id, payload, state, attempts,"
                    " next_attempt_at, created_at) VALUES ('message', '5511987654321',"
                    " :payload, 'pending', 0, :now, :now)"
                ),
                {"payload": json.dumps(legacy), "now": datetime(2026, 1, 1)},
            )
            await connection.run_sync(_step, url, "head", False)
            stored = (await connection.execute(text("SELECT payload FROM outbox"))).scalar_one()
    finally:
        await engine.dispose()
    payload = json.loads(stored) if isinstance(stored, str) else stored
    content = load_content(payload["content"])
    assert content == TextContent(body="Olá")


async def test_contacts_keep_their_rows_links_and_search_across_0017(settings: Settings) -> None:
    """The rebuilt contacts table keeps every row, the rows pointing at it, and its search
    index; the next contact gets an id above any merged away, never one used before."""
    engine = build_engine(settings)
    url = engine.url.render_as_string(hide_password=False)
    now = {"now": datetime(2026, 1, 1)}
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_step, url, "0016", True)
            ids = []
            for n, name in enumerate(("Ana Souza", "Bruno Lima", "Carla Dias")):
                inserted = await connection.execute(
                    text(
                        "INSERT INTO contacts (wa_id, name, created_at, updated_at) "
                        "VALUES (:wa_id, :name, :now, :now) RETURNING id"
                    ),
                    {"wa_id": f"55119876543{n}", "name": name, **now},
                )
                ids.append(inserted.scalar_one())
            await connection.execute(
                text(
                    "INSERT INTO sessions (contact_id, origin, created_at) "
                    "VALUES (:id, 'inbound', :now)"
                ),
                {"id": ids[2], **now},
            )
            await connection.execute(
                text(
                    "INSERT INTO contact_merges (kept_id, merged_id, merged, moved, at) "
                    "VALUES (:kept, :merged, '{}', '{}', :now)"
                ),
                {"kept": ids[0], "merged": ids[2] + 1, **now},
            )
            await connection.run_sync(_step, url, "head", False)
            await connection.execute(
                text(
                    "INSERT INTO contacts (name, created_at, updated_at) "
                    "VALUES ('Davi', :now, :now)"
                ),
                now,
            )
            names = (await connection.execute(text("SELECT id, name FROM contacts"))).all()
            owner = (await connection.execute(text("SELECT contact_id FROM sessions"))).scalar()
            if connection.dialect.name == "sqlite":
                assert (await connection.execute(text("PRAGMA foreign_key_check"))).all() == []
                found = await connection.execute(
                    text("SELECT rowid FROM contacts_words WHERE contacts_words MATCH 'carl*'")
                )
                assert found.scalars().all() == [ids[2]]
                found = await connection.execute(
                    text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH 'lima'")
                )
                assert found.scalars().all() == [ids[1]]
            await connection.run_sync(_step, url, "0016", True)
            await connection.run_sync(_step, url, "head", False)
    finally:
        await engine.dispose()
    assert owner == ids[2]
    by_id = dict(names)
    assert [by_id[k] for k in ids] == ["Ana Souza", "Bruno Lima", "Carla Dias"]
    [davi] = [k for k, v in by_id.items() if v == "Davi"]
    # PostgreSQL's sequence handed out the merged id itself (here it was only made up).
    floor = ids[2] + 1 if settings.resolved_database_url.startswith("sqlite") else ids[2]
    assert davi > floor, "above the contact merged away"


async def test_db_upgrade_says_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`parley db upgrade`: created, upgraded from one revision to another, or up to date."""
    from alembic.script import ScriptDirectory

    from parley.commands import db_upgrade

    scripts = ScriptDirectory.from_config(alembic_config(""))
    head = scripts.get_current_head()
    before = scripts.get_revision(head).down_revision
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}", data_dir=tmp_path,
                        _env_file=None)  # type: ignore[call-arg]  # fmt: skip
    engine = build_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(_step, settings.resolved_database_url, before, False)
    await engine.dispose()
    await db_upgrade(settings)
    await db_upgrade(settings)
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith(f"database upgraded from revision {before} to {head}"), said
    assert said[1].startswith(f"database is up to date at revision {head}"), said
    (tmp_path / "new.db").unlink()
    await db_upgrade(settings)
    created = capsys.readouterr().out
    assert created == f"database created at revision {head} ({tmp_path / 'new.db'})\n", created


async def test_db_upgrade_refuses_a_database_it_cannot_upgrade_in_one_line(
    tmp_path: Path,
) -> None:
    """A revision newer than this Parley (after going back to an older release), or another
    application's tables: a `CommandError` (one line, exit 1), not a traceback."""
    import sqlite3

    from parley.commands import CommandError, db_upgrade

    newer, foreign = tmp_path / "newer.db", tmp_path / "foreign.db"
    with sqlite3.connect(newer) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('0099')")
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    for path, said in ((newer, "0099"), (foreign, "already exists")):
        settings = Settings(database_url=f"sqlite:///{path}", data_dir=tmp_path,
                            _env_file=None)  # type: ignore[call-arg]  # fmt: skip
        with pytest.raises(CommandError, match=said):
            await db_upgrade(settings)


async def test_db_upgrade_names_a_server_without_its_passwords_and_says_when_it_is_away(
    tmp_path: Path,
) -> None:
    import socket

    from parley.commands import CommandError, db_upgrade

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://parley:s3cret@127.0.0.1:{port}/parley?password=q5ecret"
    settings = Settings(database_url=url, data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(CommandError) as refused:
        await db_upgrade(settings)
    said = str(refused.value)
    assert said.startswith(f"cannot reach the database (postgresql://parley:***@127.0.0.1:{port}/")
    assert "s3cret" not in said and "q5ecret" not in said and "asyncpg" not in said
