"""No hot path costs more as history grows: every statement that ingest, routing, sending, a
transcript page and the interaction list run against a database of 1,000,000 messages is served
by an index (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL), never a full scan.

The history is built once per backend (a module-scoped fixture, about 10 s each) by bulk
`INSERT ... SELECT` over a recursive CTE (SQLite) or `generate_series` (PostgreSQL). The node then does a realistic round of work on it through its own API and
workers while every statement it sends is recorded; each recorded statement is explained with
the parameters it ran with.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from bench.history import fill_history
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from parley.clock import SystemClock
from parley.db.engine import build_engine
from parley.settings import Settings
from parley.whatsapp.signature import sign
from tests.api.conftest import Api, running_api
from tests.conftest import _truncate, make_settings
from tests.factories import envelope

MESSAGES = 1_000_000
CONTACTS = 10_000  # 100 messages of history each
# Tables that grow with the traffic; the small ones (users, workbins, queues) may be scanned.
GROWING = (
    "messages",
    "contacts",
    "sessions",
    "interactions",
    "interaction_events",
    "inbound_log",
    "outbox",
    "pending_statuses",
    "attachments",
)
SECRET = "parley-dev-app-secret"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def history(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database holding 1,000,000 messages of 10,000 contacts (built once)."""
    tmp = tmp_path_factory.mktemp(f"history-{request.param}")
    started = time.monotonic()
    if request.param == "sqlite":
        target = tmp / "parley.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        url = request.getfixturevalue("postgres_ready")
        asyncio.run(_truncate(url, tmp))
    asyncio.run(fill_history(url, tmp, contacts=CONTACTS, messages=MESSAGES))
    print(f"{request.param}: {MESSAGES} messages in {time.monotonic() - started:.1f} s")
    yield url
    if request.param == "postgres":  # leave the shared test database small again
        asyncio.run(_truncate(url, tmp))


class Recorder:
    """Every statement sent to the database while attached, with its parameters."""

    def __init__(self, ignored: Any) -> None:
        self.statements: dict[str, Any] = {}
        self._ignored = ignored  # the test's own engine, which watches for the work to settle
        self.probe = ignored

    def __call__(self, conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool):  # type: ignore[no-untyped-def]
        if conn.engine is self._ignored.sync_engine:
            return
        head = sql.lstrip().split(None, 1)[0].upper()
        if head == "INSERT" and (" SELECT " not in sql.upper() or "imp_sen" in sql):
            return  # INSERT ... VALUES (one row or many) reads nothing
        if head in ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH"):
            nested = bool(params) and isinstance(params[0], (tuple, list, dict))
            self.statements.setdefault(sql, params[0] if nested else params)

    def __enter__(self) -> Recorder:
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self)


_SCAN = {
    "sqlite": re.compile(r"^\s*SCAN (\w+)"),  # SEARCH is an index lookup, SCAN reads it all
    "postgresql": re.compile(r"Seq Scan on (\w+)"),
}


# A contact's or an interaction's whole history, read through its index: fine for a page (the
# statement has a LIMIT), a cost that grows with history otherwise.
HISTORY_INDEXES = ("ix_messages_contact_id_id", "ix_messages_interaction_id_id")


def _scans(dialect: str, sql: str, plan: list[str]) -> list[str]:
    """The lines of a plan that read a growing table whole (aliases `messages_1` too), or a
    contact's whole history without a LIMIT."""
    found = []
    paged = " LIMIT " in sql.upper().replace("\n", " ")
    for line in plan:
        match = _SCAN[dialect].search(line)
        table = match.group(1) if match else ""
        whole = re.sub(r"_\d+$", "", table) in GROWING
        history = not paged and any(index in line for index in HISTORY_INDEXES)
        if whole or history:
            found.append(line.strip())
    return found


async def _plans(runtime_engine: Any, statements: dict[str, Any]) -> list[tuple[str, list[str]]]:
    dialect = runtime_engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    out = []
    async with runtime_engine.connect() as connection:
        if dialect == "postgresql":
            # The question is whether an index serves the statement. PostgreSQL's planner
            # rightly prefers to read a table that its statistics say is empty (as
            # pending_statuses often is), which would hide the answer; with sequential scans
            # priced out, one still shows where no index can serve.
            await connection.exec_driver_sql("SET enable_seqscan = off")
        for sql, params in statements.items():
            bound = params if isinstance(params, dict) else tuple(params or ())
            rows = await connection.exec_driver_sql(prefix + sql, bound)
            plan = [str(row[-1]) for row in rows]
            out.append((sql, plan))
    return out


async def _webhook(api: Api, payload: dict[str, Any]) -> None:
    body = orjson.dumps(payload)
    response = await api.client.post(
        "/webhooks/whatsapp",
        content=body,
        headers={"X-Hub-Signature-256": sign(body, SECRET), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


def _traffic(stamp: int) -> dict[str, Any]:
    """Returning contacts (text, a quoted reply, a reaction to an old message, an image), new
    contacts, and statuses for the business's old messages, in one webhook."""
    messages: list[dict[str, Any]] = []
    contacts = []
    for n in range(1, 11):
        wa_id = f"5521{n:08d}"
        contacts.append({"profile": {"name": f"Customer {n}"}, "wa_id": wa_id})
        base = {"from": wa_id, "timestamp": str(stamp)}
        messages.append({**base, "id": f"wamid.NEW{n}", "type": "text", "text": {"body": "hi"}})
    messages.append(
        {"from": "552100000001", "id": "wamid.NEWQ", "timestamp": str(stamp), "type": "text",
         "text": {"body": "about this"}, "context": {"from": "15550001111", "id": "wamid.H2"}}
    )  # fmt: skip
    messages.append(
        {"from": "552100000002", "id": "wamid.NEWR", "timestamp": str(stamp), "type": "reaction",
         "reaction": {"message_id": "wamid.H10004", "emoji": "👍"}}
    )  # fmt: skip
    messages.append(
        {"from": "552100000003", "id": "wamid.NEWI", "timestamp": str(stamp), "type": "image",
         "image": {"id": "9990001", "mime_type": "image/jpeg", "sha256": "x"}}
    )  # fmt: skip
    for n in range(1, 4):
        wa_id = f"55219{n:07d}"
        contacts.append({"profile": {"name": f"New {n}"}, "wa_id": wa_id})
        messages.append(
            {"from": wa_id, "id": f"wamid.FIRST{n}", "timestamp": str(stamp), "type": "text",
             "text": {"body": "first time"}}
        )  # fmt: skip
    statuses = [
        {"id": f"wamid.H{n}", "status": "read", "timestamp": str(stamp),
         "recipient_id": f"5521{(n - 1) % CONTACTS + 1:08d}"}
        for n in (4, 6, 8)
    ]  # fmt: skip
    return envelope(messages=messages, contacts=contacts, statuses=statuses)


async def _settled(probe: Any, condition: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with probe.connect() as connection:
            if (await connection.execute(text(condition))).scalar():
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {condition}")


@pytest.fixture
async def busy_node(history: str, tmp_path: Path) -> AsyncIterator[tuple[Api, Recorder]]:
    settings: Settings = make_settings(
        tmp_path, database_url=history, auto_accept=True, agent_capacity=50
    )
    probe = build_engine(settings)
    async with running_api(settings, SystemClock()) as api:  # type: ignore[arg-type]
        yield api, Recorder(probe)
    await probe.dispose()


async def test_hot_paths_use_indexes_on_a_million_messages(
    busy_node: tuple[Api, Recorder],
) -> None:
    api, recorder = busy_node
    probe = recorder.probe

    headers = await api.agent(SystemClock(), "alice")  # type: ignore[arg-type]
    with recorder:
        await _webhook(api, _traffic(int(time.time())))  # ingest
        await _settled(probe, "SELECT count(*) = 0 FROM inbound_log WHERE state != 'processed'")
        await _settled(probe, "SELECT count(*) = 0 FROM interactions WHERE state = 'queued'")
        listed = await api.client.get("/api/v1/interactions", headers=headers)  # the list
        assert listed.status_code == 200, listed.text
        mine = listed.json()
        items = mine["items"] if isinstance(mine, dict) else mine
        assert items, "routing gave the agent work"
        first = items[0]["id"]
        page = await api.client.get(f"/api/v1/interactions/{first}/messages", headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        oldest = (body["items"] if isinstance(body, dict) else body)[0]["id"]
        older = await api.client.get(
            f"/api/v1/interactions/{first}/messages?before={oldest}", headers=headers
        )
        assert older.status_code == 200, older.text
        sent = await api.client.post(
            f"/api/v1/interactions/{first}/messages",
            json={"text": "How can I help?", "client_id": "plan-1"},
            headers=headers,
        )
        assert sent.status_code in (200, 201, 202), sent.text
        await api.graph.wait_for(1)  # the outbox sent it
    assert len(recorder.statements) > 20, "the node's statements were recorded"
    dialect = api.runtime.engine.dialect.name
    explained = await _plans(api.runtime.engine, recorder.statements)
    scans = [(sql, found) for sql, plan in explained if (found := _scans(dialect, sql, plan))]
    report = "\n\n".join(f"{sql}\n  -> {found}" for sql, found in scans)
    assert not scans, f"full scans of growing tables:\n{report}"
