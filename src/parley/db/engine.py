"""Engine and session factory built from Settings; SQLite gets WAL and sane pragmas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, StaticPool

from parley.db import jsoncodec
from parley.db.inline import inline_url
from parley.settings import Settings

JSON_CODEC: dict[str, Any] = {
    "json_serializer": jsoncodec.dumps,
    "json_deserializer": jsoncodec.loads,
}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable in WAL mode against process crashes; only power loss can drop the
    # last commits, which is the standard trade-off SQLite documents for WAL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def build_engine(settings: Settings, *, inline: bool = False) -> AsyncEngine:
    """`inline`: SQLite's statements run on the event loop's thread (`db.inline`), for a
    process that serves nothing else meanwhile; ignored on PostgreSQL."""
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return build_sqlite_engine(inline_url(url) if inline else url)
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, **JSON_CODEC)


def build_sqlite_engine(url: str) -> AsyncEngine:
    """A SQLite engine with WAL, the pragmas below, and writers that queue (BEGIN IMMEDIATE)."""
    path = url.split("///", 1)[1] if "///" in url else ""
    engine = create_async_engine(url, poolclass=NullPool if not path else None, **JSON_CODEC)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "connect", _sqlite_autocommit_driver)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


def build_sync_sqlite_engine(path: Path) -> Engine:
    """A plain (blocking) engine on a SQLite file with the same pragmas and BEGIN IMMEDIATE,
    for a thread of its own (`ingest.log.LogFileWriter`)."""
    engine = create_engine(f"sqlite:///{path}", poolclass=StaticPool, **JSON_CODEC)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", _sqlite_autocommit_driver)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def build_reader_engine(settings: Settings, engine: AsyncEngine) -> AsyncEngine:
    """Connections for requests that only read. On SQLite they see a WAL snapshot without
    taking the write lock, so reads never queue behind writes; `query_only` turns a write
    slipped into a read path into an error instead of a lock taken by surprise. PostgreSQL
    needs none of this: the same engine serves both."""
    url = settings.resolved_database_url
    if not url.startswith("sqlite") or engine.pool.__class__ is NullPool:
        return engine
    reader = create_async_engine(url, **JSON_CODEC)
    event.listen(reader.sync_engine, "connect", _sqlite_pragmas)
    event.listen(reader.sync_engine, "connect", _sqlite_query_only)
    event.listen(reader.sync_engine, "connect", _sqlite_autocommit_driver)
    event.listen(reader.sync_engine, "begin", _sqlite_begin_deferred)
    return reader


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def _sqlite_autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself so every transaction can take the write lock up front.
    dbapi_connection.isolation_level = None


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only=ON")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(conn: Any) -> None:
    # A deferred transaction that reads then writes can fail with SQLITE_BUSY without waiting;
    # BEGIN IMMEDIATE queues writers on busy_timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
