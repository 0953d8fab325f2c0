"""Two nodes on one PostgreSQL: work is claimed once, no interaction is ever held twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.interactions.models import Interaction
from parley.messages.models import Message
from parley.settings import Settings
from tests.factories import add_agent, store_webhook, text_webhook
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
