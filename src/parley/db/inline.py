"""SQLite through the standard `sqlite3` module on the event loop's own thread, for a process
that does nothing but database work while a batch runs (the ingest worker).

aiosqlite runs each statement on a thread of its own and hands the result back through the
event loop: two thread switches and a turn of the loop per statement. In the ingest worker that
cost more than SQLite's own work (a quarter of its time in a profile at full load), and a batch
issues dozens of statements. Where nothing else waits on the loop, a statement can run where it
is issued. The dialect is pysqlite's, declared async so that SQLAlchemy's asyncio API
(`AsyncEngine`, `AsyncSession`) drives it unchanged: each `await` of a statement completes at
once, without a switch. The price: the loop is blocked while SQLite works, which is why only the
worker process uses it; a node serving requests keeps aiosqlite.

URL: `sqlite+inline:///path` (`inline_url`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import ConnectArgsType
from sqlalchemy.util import await_

DRIVER = "inline"


class SQLiteDialectInline(SQLiteDialect_pysqlite):
    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        args, options = super().create_connect_args(url)
        return args, {**options, "factory": _Connection}

    # SQLAlchemy's AsyncConnection checks that a statement awaited something (a sync driver
    # slipped into an async engine by mistake would fail that check): each statement passes
    # through an awaitable that is already complete, a greenlet switch and no loop turn.
    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        await_(_DONE)
        super().do_execute(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        await_(_DONE)
        super().do_execute_no_params(cursor, statement, context)  # type: ignore[no-untyped-call]

    def do_executemany(
        self, cursor: Any, statement: Any, parameters: Any, context: Any = None
    ) -> None:
        await_(_DONE)
        super().do_executemany(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]


class _Cursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """What SQLAlchemy's asyncio results call on an async driver's cursor: nothing to do."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


class _Done:
    """An awaitable that completes at once, without yielding to the event loop."""

    def __await__(self) -> Generator[None, None, None]:
        return
        yield


_DONE = _Done()


def inline_url(url: str) -> str:
    """The same SQLite database through this dialect (`sqlite[+driver]://…`)."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith("sqlite"):
        raise ValueError(f"not a SQLite URL: {scheme}://")
    return f"sqlite+{DRIVER}://{rest}"


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialectInline")
