"""Schema migrations: `parley db upgrade` and the test fixtures both come through here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Kept by the database itself and absent from the models: the contact search indexes (SQLite's
# FTS5 tables and their shadow tables; PostgreSQL's generated columns; the expression indexes).
SEARCH_OBJECTS = (
    "contacts_fts",
    "contacts_words",
    "search_text",
    "search_names",
    "ix_contacts_search_",
)
# Nodes started together each upgrade at start: one at a time, the others then find it done.
MIGRATION_LOCK = 7781000


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's filter: leave the search index out of the model comparison."""
    return not (reflected and name is not None and name.startswith(SEARCH_OBJECTS))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, url: str) -> tuple[str | None, str | None]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    before = MigrationContext.configure(connection).get_current_revision()
    command.upgrade(config, "head")
    return before, MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """Bring the database to the newest schema (idempotent; safe from several nodes at once);
    returns its revision before (None: a new database) and after."""
    url = engine.url.render_as_string(hide_password=False)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        return await connection.run_sync(_upgrade, url)
