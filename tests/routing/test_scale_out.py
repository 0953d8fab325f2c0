"""Two nodes on one PostgreSQL: work is claimed once, no interaction is ever held twice."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.interactions.models import Interaction
from parley.media import inbound
from parley.messages.models import Message
from parley.settings import Settings
from tests.factories import add_agent, envelope, store_webhook, text_webhook
from tests.harness import Node, start_node

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    from tests.conftest import _truncate

    url: str = request.getfixturevalue("postgres_ready")
    asyncio.run(_truncate(url, tmp_path))  # type: ignore[arg-type]
    return url


@pytest.fixture
async def second(settings: Settings, clock: FixedClock) -> AsyncIterator[Node]:
    async for started in start_node(settings, clock):
        yield started


async def test_two_nodes_ingest_and_route_without_doubles(
    node: Node, second: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        agents = [await add_agent(uow, clock, f"agent{n}") for n in range(5)]
        for n in range(40):
            payload = text_webhook(f"5511{n:09d}", f"hello {n}", f"wamid.N{n}")
            await store_webhook(uow, clock, payload)
            await store_webhook(uow, clock, payload)  # Meta's duplicate delivery

    async def drain(worker_node: Node) -> None:
        while await worker_node.ingest.run_once():
            pass
        for _ in range(5):
            await worker_node.routing.run_once()

    await asyncio.gather(drain(node), drain(second), drain(node), drain(second))
    async with node.runtime.uow() as uow:
        messages = await uow.session.scalar(select(func.count()).select_from(Message))
        per_agent = dict(
            (
                await uow.session.execute(
                    select(Interaction.agent_id, func.count())
                    .where(Interaction.state == "active")
                    .group_by(Interaction.agent_id)
                )
            ).all()
        )
        queued = await uow.session.scalar(select(func.count()).where(Interaction.state == "queued"))
    assert messages == 40
    assert sorted(per_agent) == sorted(a.id for a in agents)
    assert all(count == 3 for count in per_agent.values()), per_agent
    assert queued == 40 - 15


async def test_an_ingest_batch_held_by_a_node_that_dies_is_free_when_its_connection_goes(
    node: Node, second: Node, clock: FixedClock
) -> None:
    """Ingest claims rows inside the batch's own transaction (SKIP LOCKED): no lease to wait
    for, the rows are free as soon as PostgreSQL sees the dead node's connection close."""
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, text_webhook("5511900000001", "hi", "wamid.HELD"))
    dying = node.runtime.uow()
    await dying.__aenter__()
    claimed = await node.ingest._claim(dying, 10)
    assert len(claimed) == 1
    assert not await second.ingest.run_once(), "the other node skips the rows being processed"
    async with second.runtime.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Message)) == 0
    connection = await dying.session.connection()
    raw = await connection.get_raw_connection()
    raw.driver_connection.terminate()  # the process is gone: its socket closes
    await second.ingest.run_once()
    async with second.runtime.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Message)) == 1
    with contextlib.suppress(Exception):
        await dying.__aexit__(None, None, None)


async def test_a_media_fetch_claimed_by_a_node_that_died_is_taken_after_its_lease(
    node: Node, second: Node, clock: FixedClock
) -> None:
    image = {"from": "5511900000002", "id": "wamid.IMG", "timestamp": "1767603600",
             "type": "image", "image": {"id": "1234567890", "mime_type": "image/jpeg",
                                        "sha256": "abc"}}  # fmt: skip
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, envelope(messages=[image]))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:  # node 1 claims the fetch, then dies
        [attachment] = await inbound.claim_due(uow, clock.now(), 4)
        await uow.commit()
    async with second.runtime.uow() as uow:
        assert await inbound.claim_due(uow, clock.now(), 4) == [], "inside the lease"
    clock.advance(inbound.LEASE_SECONDS + 1)
    async with second.runtime.uow() as uow:
        [taken] = await inbound.claim_due(uow, clock.now(), 4)
        assert taken.id == attachment.id and taken.attempts == 2
