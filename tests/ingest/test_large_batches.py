"""A batch holds more values than one statement may bind: its lookups by wamid go in slices."""

from __future__ import annotations

from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.db.bulk import chunked
from parley.messages.models import Message
from tests.factories import envelope, store_webhook
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
