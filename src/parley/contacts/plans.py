"""The query plans behind one contact search, to show that each statement is an index lookup
whose cost is set by the page size, never a scan of every contact or a sort of every match.

`bench/contacts.py` prints them for 100,000 contacts; `tests/contacts/test_search_plans.py`
fails when a statement would scan the table. The search runs for real; each statement it
sent is then explained in the same order and under the same settings (the `SET LOCAL`
that `search._indexes_only` sends is replayed too), with the same parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contacts.search import search_contacts
from parley.db.engine import build_sessionmaker
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus

# What reads every contact or every match: a table scan, a scan of a whole index (SQLite's
# "SCAN … USING INDEX"; on PostgreSQL an index scan without an Index Cond, checked apart), a
# full-text table read without its MATCH index, or a sort of everything found.
_FULL_SCANS = {
    "sqlite": re.compile(
        r"SCAN contacts\b(?!_)|SCAN contacts_\w+ VIRTUAL TABLE INDEX \d+:(?!M)|USE TEMP B-TREE"
    ),
    "postgresql": re.compile(r"Seq Scan on contacts|(?<!Incremental )\bSort\b(?! Key)"),
}
_PG_INDEX_SCAN = re.compile(r"Index (Only )?Scan using")


@dataclass(frozen=True)
class Plan:
    statement: str
    lines: tuple[str, ...]
    dialect: str

    @property
    def full_scans(self) -> list[str]:
        """The plan's lines that read every contact (empty when all are index lookups)."""
        pattern = _FULL_SCANS[self.dialect]
        found = [line for line in self.lines if pattern.search(line)]
        if self.dialect == "postgresql":
            found += [line for n, line in enumerate(self.lines) if self._whole_index(n)]
        return found

    def _whole_index(self, n: int) -> bool:
        """PostgreSQL: line `n` scans an index with no condition on it (every entry)."""
        if not _PG_INDEX_SCAN.search(self.lines[n]):
            return False
        for line in self.lines[n + 1 :]:
            if "->" in line:
                break
            if "Index Cond" in line:
                return False
        return True


async def search_plans(
    engine: AsyncEngine, query: str, *, region: str = "", strict: bool = False
) -> list[Plan]:
    """Run `search_contacts(query)` on `engine` and return the plan of each SELECT it sent.

    `strict` (PostgreSQL): explain every statement with table scans and sorts disabled, so a
    plan shows what the indexes can do whatever the table's size; a statement that no index
    can answer, or answer in the order it asks, still shows its Seq Scan or Sort. Without it,
    the plans are those the planner picks for the data at hand (a small table is cheaper to
    scan, so only a large one shows the real choice)."""
    sent: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        sent.append((args[2], args[3]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            await search_contacts(uow, query, region=region)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    dialect = engine.dialect.name
    plans: list[Plan] = []
    async with engine.connect() as connection:
        if strict and dialect == "postgresql":
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            await connection.exec_driver_sql("SET LOCAL enable_sort = off")
        for statement, parameters in sent:
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb in ("SET", "RESET") and not strict:
                await connection.exec_driver_sql(statement)
            elif verb == "SELECT":
                explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
                rows = await connection.exec_driver_sql(explain + statement, parameters)
                lines = tuple(str(row[-1]) for row in rows)
                plans.append(Plan(" ".join(statement.split()), lines, dialect))
        await connection.rollback()
    return plans
