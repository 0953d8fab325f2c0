"""A batch holds more values than one statement may bind: its lookups by wamid go in slices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from parley.clock import FixedClock
from parley.db.bulk import by_size, chunked
from parley.db.engine import build_engine
from parley.ingest import log as log_module
from parley.ingest.log import prepare_log
from parley.ingest.models import InboundWebhook
from parley.messages.models import Message
from tests.conftest import make_settings
from tests.factories import envelope, store_webhook, text_webhook
from tests.harness import Node

WA_ID = "5511900000001"


def test_chunked_slices_in_order() -> None:
    assert [list(c) for c in chunked([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert list(chunked([], 2)) == []


async def test_a_webhook_with_more_messages_than_a_statement_binds(
    node: Node, clock: FixedClock
) -> None:
    """33,000 messages in one webhook: more wamids than SQLite binds in one statement (32,766),
    so every lookup of the batch by wamid (seen, early reactions, quoted, statuses) goes in
    slices; one unsliced list failed the webhook for good."""
    count = 33_000
    messages = [
        {"from": WA_ID, "id": f"wamid.L{n}", "timestamp": "1767603600", "type": "text",
         "text": {"body": "hi"}}
        for n in range(count)
    ]  # fmt: skip
    body = envelope(messages=messages, contacts=[{"profile": {"name": "Ana"}, "wa_id": WA_ID}])
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, body)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        stored = await uow.session.scalar(select(func.count()).select_from(Message))
    assert stored == count


def test_by_size_slices_by_bytes_and_by_count() -> None:
    sizes = [(1, 10), (2, 10), (3, 50), (4, 5), (5, None), (6, 5)]
    assert list(by_size(sizes, budget=25, most=10)) == [[1, 2], [3], [4, 5, 6]]
    assert list(by_size(sizes, budget=1000, most=4)) == [[1, 2, 3, 4], [5, 6]]
    assert next(by_size([], budget=25, most=10), []) == []


async def test_a_backlog_in_the_databases_table_moves_to_the_file_a_slice_at_a_time(
    node: Node, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that kept unprocessed webhooks in its own table hands them to the log's file
    a slice of bodies at a time, not all at once; processed ones stay where they are."""
    async with node.runtime.uow() as uow:
        for n in range(7):
            await store_webhook(uow, clock, text_webhook(WA_ID, "x" * 2000, f"wamid.A{n}"))
        await uow.session.execute(update(InboundWebhook).where(InboundWebhook.id == 1).values(
            state="processed"))  # fmt: skip
        await uow.commit()
    monkeypatch.setattr(log_module, "ADOPT_BYTES", 5000)  # two bodies per slice
    inserted: list[int] = []
    log = build_engine(make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}/l.db"))

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("INSERT INTO inbound_log"):
            inserted.append(len(parameters) if isinstance(parameters, list) else 1)

    event.listen(log.sync_engine, "before_cursor_execute", count)
    try:
        await prepare_log(log, node.runtime.engine)
        async with log.connect() as connection:
            moved = (await connection.execute(select(InboundWebhook.body))).scalars().all()
    finally:
        await log.dispose()
    assert len(moved) == 6 and sum(inserted) == 6
    assert max(inserted) == 2, inserted  # a slice at a time
    async with node.runtime.uow() as uow:
        left = (await uow.session.scalars(select(InboundWebhook.state))).all()
    assert left == ["processed"]
