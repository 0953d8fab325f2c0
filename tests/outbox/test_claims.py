"""Outbox claims across two nodes: a dead node's claims are taken over after their lease, a
live node's are not, and a message Meta already took is never sent again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from parley.clock import FixedClock
from parley.outbox import service
from parley.outbox.worker import OutboxWorker
from parley.settings import Settings
from parley.whatsapp.graph import GraphClient
from tests.factories import status_webhook, store_webhook
from tests.harness import Node, start_node
from tests.outbox.test_sender import Graph, load, ok, queue_reply

LEASE = 30


@pytest.fixture
async def second(settings: Settings, clock: FixedClock) -> AsyncIterator[Node]:
    async for started in start_node(settings, clock):
        yield started


class Stall:
    """A rate limiter that holds the sender until `go` is set: a node that stalls mid-round."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.waiting = asyncio.Event()

    async def acquire(self) -> None:
        self.waiting.set()
        await self.go.wait()

    async def close(self) -> None:
        return None


def sender(
    node: Node,
    clock: FixedClock,
    handler: httpx.MockTransport,
    lease: float = LEASE,
    limiter: Stall | None = None,
) -> OutboxWorker:
    client = GraphClient.from_settings(node.runtime.settings, httpx.AsyncClient(transport=handler))
    return OutboxWorker(
        node.runtime.uow, clock, client, node.runtime.metrics, rate=1000, limiter=limiter,
        lease_seconds=lease, confirm_claims=True,
    )  # fmt: skip


async def renewed_past(node: Node, message_id: int, now: datetime) -> None:
    """Wait (real time) for the sender's next renewal to carry its claim past `now`."""
    for _ in range(200):
        _, item = await load(node, message_id)
        if item.claimed_until is not None and item.claimed_until > now:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the claim was never renewed")


async def test_a_claim_of_a_node_that_died_is_taken_over_after_its_lease(
    node: Node, second: Node, clock: FixedClock
) -> None:
    message_id = await queue_reply(node, clock)
    async with node.runtime.uow() as uow:  # node 1 claims, then dies before calling Meta
        [claimed] = await service.claim_due(uow, clock.now(), 10, LEASE)
        await uow.commit()
    graph = Graph(ok("wamid.TAKEN"))
    survivor = sender(second, clock, httpx.MockTransport(graph))
    await survivor.run_once()
    assert graph.requests == [], "a claim inside its lease is left alone"
    clock.advance(LEASE + 1)
    await survivor.run_once()
    message, item = await load(second, message_id)
    assert len(graph.requests) == 1
    assert item.id == claimed.id and item.state == "sent" and item.attempts == 2
    assert message.wamid == "wamid.TAKEN"


async def test_a_message_meta_took_from_a_node_that_died_is_settled_by_its_status(
    node: Node, second: Node, clock: FixedClock
) -> None:
    """Node 1 hands the message to Meta and dies before the answer; Meta's status webhook,
    carrying our callback data, reaches node 2, which then finishes the send without a copy."""
    message_id = await queue_reply(node, clock)
    taken: list[httpx.Request] = []
    accepted = asyncio.Event()

    async def meta_then_silence(request: httpx.Request) -> httpx.Response:
        taken.append(request)
        accepted.set()
        await asyncio.Event().wait()  # the node dies before the answer arrives
        raise AssertionError("unreachable")

    dying = asyncio.create_task(
        sender(node, clock, httpx.MockTransport(meta_then_silence)).run_once()
    )
    await asyncio.wait_for(accepted.wait(), 5)
    dying.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dying
    _, item = await load(second, message_id)
    assert item.state == "sending" and item.attempts == 1
    callback = taken[0].read().decode()
    assert f"parley:outbox:{item.id}" in callback
    async with second.runtime.uow() as uow:
        sent = status_webhook(
            "wamid.FIRST", "sent", biz_opaque_callback_data=f"parley:outbox:{item.id}"
        )
        await store_webhook(uow, clock, sent)
    await second.ingest.run_once()
    clock.advance(LEASE + 1)
    graph = Graph(ok("wamid.SECOND"))
    await sender(second, clock, httpx.MockTransport(graph)).run_once()
    message, item = await load(second, message_id)
    assert graph.requests == [], "sent twice"
    assert item.state == "sent" and message.wamid == "wamid.FIRST"


async def test_a_live_node_renews_its_claims_however_long_meta_takes(
    node: Node, second: Node, clock: FixedClock
) -> None:
    message_id = await queue_reply(node, clock)
    answer = asyncio.Event()

    async def slow_meta(request: httpx.Request) -> httpx.Response:
        await answer.wait()
        return ok("wamid.SLOW")

    lease = 0.6  # renewed every 0.2 s
    working = asyncio.create_task(
        sender(node, clock, httpx.MockTransport(slow_meta), lease).run_once()
    )
    graph = Graph(ok("wamid.DOUBLE"))
    other = sender(second, clock, httpx.MockTransport(graph), lease)
    for _ in range(4):  # four times the lease passes on the clock, with renewals in between
        clock.advance(1)
        await renewed_past(node, message_id, clock.now())
        await other.run_once()
    answer.set()
    await working
    message, item = await load(node, message_id)
    assert graph.requests == [], "a live node's claim was taken over"
    assert item.state == "sent" and item.attempts == 1 and message.wamid == "wamid.SLOW"


async def test_a_node_that_stalled_past_its_lease_sends_nothing_the_other_took(
    node: Node, second: Node, clock: FixedClock
) -> None:
    message_id = await queue_reply(node, clock)
    stall = Stall()
    slow = Graph(ok("wamid.LATE"))
    stalled = asyncio.create_task(
        sender(node, clock, httpx.MockTransport(slow), limiter=stall).run_once()
    )
    await asyncio.wait_for(stall.waiting.wait(), 5)  # claimed, then stuck before Meta
    clock.advance(LEASE + 1)  # no renewal came (the renewal runs every LEASE / 3 real seconds)
    quick = Graph(ok("wamid.TAKEN"))
    await sender(second, clock, httpx.MockTransport(quick)).run_once()
    stall.go.set()
    await stalled
    message, item = await load(node, message_id)
    assert len(quick.requests) == 1 and slow.requests == [], "sent twice"
    assert item.state == "sent" and message.wamid == "wamid.TAKEN"
