"""The migrations build exactly the tables the models describe, and step down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from parley.db.engine import build_engine
from parley.db.migrate import alembic_config, include_object
from parley.db.models import Base
from parley.settings import Settings


def _diff(connection: Connection) -> list[object]:
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
