"""Presence, missed offers and idle sessions, on SQLite and PostgreSQL, with the clock in hand."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from parley.auth.models import User
from parley.clock import FixedClock
from parley.interactions.models import ChatSession, Interaction, InteractionEvent
from parley.routing.presence import heartbeat, sweep_disconnected
from parley.routing.service import expire_offers
from parley.routing.sessions import close_idle_sessions
from parley.routing.worker import RoutingWorker
from parley.workbins.service import move_to_workbin
from tests.factories import add_agent, store_webhook, text_webhook
from tests.harness import Node

GRACE, PARK = 60, 300


async def agent_with_a_chat(node: Node, clock: FixedClock, wa_id: str = "5511987654321") -> int:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        await heartbeat(uow, clock.now(), [alice.id])
        await store_webhook(uow, clock, text_webhook(wa_id, "Hi", f"wamid.{wa_id}"))
        await uow.commit()
    await node.ingest.run_once()
    await node.routing.run_once()
    return alice.id


async def sweep(node: Node, clock: FixedClock) -> None:
    async with node.runtime.uow() as uow:
        await sweep_disconnected(uow, clock, grace_seconds=GRACE, park_seconds=PARK, capacity=3)
        await uow.commit()


async def state_of(node: Node, agent_id: int) -> tuple[str, str | None, list[str]]:
    async with node.runtime.uow() as uow:
        agent = await uow.session.get(User, agent_id)
        assert agent is not None
        held = await uow.session.scalars(
            select(Interaction.state).where(Interaction.agent_id == agent_id)
        )
        return agent.status, agent.status_reason, list(held)


async def test_a_reload_within_the_grace_time_changes_nothing(
    node: Node, clock: FixedClock
) -> None:
    alice = await agent_with_a_chat(node, clock)
    clock.advance(GRACE - 5)  # the page reloads: its new stream beats again
    async with node.runtime.uow() as uow:
        await heartbeat(uow, clock.now(), [alice])
        await uow.commit()
    clock.advance(GRACE - 5)
    await sweep(node, clock)
    assert await state_of(node, alice) == ("ready", None, ["active"])


async def test_a_stream_gone_past_the_grace_time_sets_not_ready_then_parks(
    node: Node, clock: FixedClock
) -> None:
    alice = await agent_with_a_chat(node, clock)
    clock.advance(GRACE + 1)
    await sweep(node, clock)
    assert await state_of(node, alice) == ("not_ready", "Disconnected", ["active"])
    clock.advance(PARK - GRACE)
    await sweep(node, clock)
    status, reason, held = await state_of(node, alice)
    assert (status, reason, held) == ("not_ready", "Disconnected", [])
    async with node.runtime.uow() as uow:
        parked = await uow.session.scalar(select(Interaction))
        assert parked is not None and parked.state == "parked"
        assert parked.park_reason == "Disconnected" and parked.preferred_agent_id == alice


async def test_an_agent_who_never_opened_a_stream_is_not_swept(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        api_client = await add_agent(uow, clock, "integration")
    clock.advance(PARK * 10)
    await sweep(node, clock)
    assert (await state_of(node, api_client.id))[0] == "ready"


async def test_offers_missed_twice_in_a_row_set_the_agent_not_ready(
    node: Node, clock: FixedClock
) -> None:
    routing = RoutingWorker(
        node.runtime.uow, clock, default_capacity=3, auto_accept=False, offer_timeout_seconds=30
    )
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        for n in range(2):
            await store_webhook(uow, clock, text_webhook(f"551190000000{n}", "Hi", f"wamid.X{n}"))
    await node.ingest.run_once()
    await routing.run_once()

    async def expire() -> None:
        async with node.runtime.uow() as uow:
            await expire_offers(uow, clock, timeout_seconds=30, missed_limit=2, capacity=3)
            await uow.commit()

    clock.advance(31)
    await expire()
    assert (await state_of(node, alice.id))[:2] == ("not_ready", "Missed offers")


async def test_one_missed_offer_then_an_answer_keeps_the_agent_ready(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        await store_webhook(uow, clock, text_webhook("5511900000001", "Hi", "wamid.Y1"))
    await node.ingest.run_once()
    routing = RoutingWorker(
        node.runtime.uow, clock, default_capacity=3, auto_accept=False, offer_timeout_seconds=30
    )
    await routing.run_once()
    clock.advance(31)
    async with node.runtime.uow() as uow:
        await expire_offers(uow, clock, timeout_seconds=30, missed_limit=2, capacity=3)
        await uow.commit()
    assert (await state_of(node, alice.id))[0] == "ready"
    async with node.runtime.uow() as uow:
        agent = await uow.session.get(User, alice.id)
        assert agent is not None and agent.missed_offers == 1


async def test_an_idle_parked_session_closes_and_the_next_message_starts_a_new_one(
    node: Node, clock: FixedClock
) -> None:
    alice = await agent_with_a_chat(node, clock)
    async with node.runtime.uow() as uow:
        agent = await uow.session.get(User, alice)
        interaction = await uow.session.scalar(select(Interaction))
        assert agent is not None and interaction is not None
        await move_to_workbin(uow, clock, agent, interaction, workbin_id=None, reason=None)
        await uow.commit()
    clock.advance(3600)
    async with node.runtime.uow() as uow:
        assert await close_idle_sessions(uow, clock, timeout_seconds=7200) == 0
    clock.advance(7200)
    async with node.runtime.uow() as uow:
        assert await close_idle_sessions(uow, clock, timeout_seconds=7200) == 1
        await uow.commit()
    async with node.runtime.uow() as uow:
        closed = await uow.session.get(Interaction, interaction.id)
        session = await uow.session.get(ChatSession, interaction.session_id)
        assert closed is not None and closed.state == "done" and closed.workbin_id is None
        assert session is not None and session.closed_at == clock.now()
        await store_webhook(uow, clock, text_webhook("5511987654321", "Back again", "wamid.Z9"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        sessions = await uow.session.scalar(select(func.count()).select_from(ChatSession))
        fresh = await uow.session.scalar(select(Interaction).where(Interaction.state != "done"))
    assert sessions == 2 and fresh is not None and fresh.session_id != interaction.session_id


async def test_200_interactions_and_20_agents_routed_concurrently_never_twice_nor_over_capacity(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        for n in range(20):
            await add_agent(uow, clock, f"agent{n:02d}")
        for n in range(200):
            await store_webhook(uow, clock, text_webhook(f"5511{n:09d}", "Hi", f"wamid.C{n}"))
    while await node.ingest.run_once():
        pass
    workers = [
        RoutingWorker(
            node.runtime.uow, clock, default_capacity=3, auto_accept=True, offer_timeout_seconds=30
        )
        for _ in range(4)
    ]

    async def drain(worker: RoutingWorker) -> None:
        for _ in range(10):
            await worker.run_once()

    await asyncio.gather(*(drain(w) for w in workers))
    async with node.runtime.uow() as uow:
        load = dict(
            (
                await uow.session.execute(
                    select(Interaction.agent_id, func.count())
                    .where(Interaction.state == "active")
                    .group_by(Interaction.agent_id)
                )
            ).all()
        )
        queued = await uow.session.scalar(
            select(func.count()).select_from(Interaction).where(Interaction.state == "queued")
        )
        routed_twice = await uow.session.scalar(
            select(func.count()).select_from(
                select(InteractionEvent.interaction_id)
                .where(InteractionEvent.reason == "routed")
                .group_by(InteractionEvent.interaction_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert len(load) == 20 and all(n == 3 for n in load.values()), load
    assert queued == 200 - 60
    assert routed_twice == 0
