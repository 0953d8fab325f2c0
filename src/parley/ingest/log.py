"""Where the raw webhook log lives: its own SQLite file beside the database, or a table of it.

On the embedded default (a SQLite file) a node that runs ingest in its worker process keeps the
log in `<database>.webhooks.db`: SQLite has one writer per file, so a webhook's append never
waits for an ingest transaction, nor ingest for an append. On PostgreSQL (and an in-memory
SQLite) the log is the `inbound_log` table of the database, claimed with `FOR UPDATE SKIP
LOCKED` in the transaction that stores its messages.

The file holds the same `inbound_log` table (created when missing). A database that kept
unprocessed webhooks in its own table (before the file existed) hands them over at start.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.db.bulk import by_size
from parley.db.engine import build_sqlite_engine, build_sync_sqlite_engine
from parley.db.gate import WriteGate
from parley.ingest.models import InboundWebhook
from parley.settings import Settings

SUFFIX = ".webhooks.db"
UNPROCESSED = ("pending", "failed")
ADOPT_BYTES = 32 * 1024 * 1024  # bodies held at once while a backlog is handed over
ADOPT_ROWS = 500  # rows per slice: each slice's ids go in one `IN` list
TABLE: Table = InboundWebhook.__table__  # type: ignore[assignment]


def log_file(settings: Settings) -> Path | None:
    """The log's own file for this database, or None where the log is a table of it."""
    url = settings.resolved_database_url
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1]
    if not path or path == ":memory:":
        return None
    main = Path(path)
    return main.with_name(main.name + SUFFIX)


def log_gate(settings: Settings) -> WriteGate | None:
    """The writers' gate of the log's own file (`db.gate`), shared by the node and its worker."""
    path = log_file(settings)
    return WriteGate(path) if path is not None else None


def log_engine(settings: Settings, *, inline: bool = False) -> AsyncEngine | None:
    """The engine of the log's own file, or None where the log is a table of the database.
    `inline`: see `db.engine.build_engine`."""
    path = log_file(settings)
    if path is None:
        return None
    return build_sqlite_engine(f"sqlite+{'inline' if inline else 'aiosqlite'}:///{path}")


async def prepare_log(log: AsyncEngine, database: AsyncEngine) -> None:
    """Create the file's table if missing, and move in the webhooks the database's own table
    still has to process."""
    async with log.begin() as connection:
        await connection.run_sync(InboundWebhook.metadata.create_all, [TABLE])
    await _adopt(database, log)


async def _adopt(database: AsyncEngine, log: AsyncEngine) -> None:
    """Move the webhooks the database's own table still has to process into the file, a slice
    at a time (about `ADOPT_BYTES` of bodies: a backlog of large ones must not all be held at
    once), in one transaction each side per slice (the file's first: a crash between leaves
    them in both, and processing is idempotent on wamid)."""
    table = TABLE
    unprocessed = table.c.state.in_(UNPROCESSED)
    lengths = select(table.c.id, func.length(table.c.body)).where(unprocessed).order_by(table.c.id)
    async with database.connect() as connection:
        sizes = (await connection.execute(lengths)).all()
    for ids in by_size(sizes, ADOPT_BYTES, ADOPT_ROWS):
        async with database.connect() as connection:
            rows = (await connection.execute(select(table).where(table.c.id.in_(ids)))).mappings()
            moved = [{k: v for k, v in row.items() if k != "id"} for row in rows]
        async with log.begin() as connection:
            await connection.execute(insert(table), moved)
        async with database.begin() as connection:
            await connection.execute(delete(table).where(table.c.id.in_(ids)))


class LogFileWriter:
    """Appends webhooks to the log's own file from one thread of its own.

    Through aiosqlite a group commit takes several hand-overs between the event loop and the
    driver's thread (BEGIN, the insert, COMMIT: a quarter of the node's time at full load in a
    profile); here it takes one: the thread takes the file's writers' gate (`db.gate`, shared
    with the ingest worker), inserts the rows in one statement and commits.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._engine: Engine | None = None
        self._gate = WriteGate(path)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-log")

    async def append(self, rows: list[dict[str, object]]) -> None:
        """Store these rows of `inbound_log` durably (one transaction); raises what SQLite
        raised, and then nothing was stored."""
        await asyncio.get_running_loop().run_in_executor(self._thread, self._insert, rows)

    def _insert(self, rows: list[dict[str, object]]) -> None:
        if self._engine is None:
            self._engine = build_sync_sqlite_engine(self._path)
        with self._gate.held_blocking(), self._engine.begin() as connection:
            connection.execute(insert(TABLE), rows)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._dispose)
        self._thread.shutdown(wait=True)
        self._gate.close()

    def _dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
