"""The migrations build exactly the tables the models describe, and step down and up again."""

from __future__ import annotations

import json
import warnings
from datetime import datetime

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
