"""Events cross nodes over Redis pub/sub and reach only the sockets they are meant for."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from parley.realtime.bus import Envelope, InProcessBus, RedisBus
from parley.realtime.hub import Connection, Hub

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Socket:
    def __init__(self) -> None:
        self.frames: list[str] = []
        self.arrived = asyncio.Event()

    async def send(self, frame: str) -> None:
        self.frames.append(frame)
        self.arrived.set()


def attach(hub: Hub, user_id: int, role: str = "agent") -> tuple[Socket, asyncio.Task[None]]:
    socket = Socket()
    connection = Connection(user_id=user_id, role=role, send=socket.send)
    hub.add(connection)
    return socket, asyncio.create_task(connection.run_writer())


async def test_in_process_bus_delivers_to_the_addressed_agent_and_supervisors() -> None:
    hub, bus = Hub(), InProcessBus()
    await bus.start(hub.deliver)
    alice, t1 = attach(hub, 1)
    bob, t2 = attach(hub, 2)
    sam, t3 = attach(hub, 3, role="supervisor")
    await bus.publish(
        Envelope(frozenset({1}), frozenset({"supervisor"}), {"type": "message.created", "n": 1})
    )
    await asyncio.wait_for(alice.arrived.wait(), 1)
    await asyncio.wait_for(sam.arrived.wait(), 1)
    await asyncio.sleep(0.01)
    assert alice.frames == ['{"id":1,"type":"message.created","n":1}']
    assert sam.frames and bob.frames == []
    for task in (t1, t2, t3):
        task.cancel()


@contextlib.asynccontextmanager
async def two_nodes() -> AsyncIterator[tuple[Hub, RedisBus, Hub, RedisBus]]:
    """Two nodes' hubs and buses on one Redis channel of their own, subscribed."""
    channel = f"parley:test:{uuid.uuid4().hex}"
    hub_a, hub_b = Hub(), Hub()
    bus_a, bus_b = RedisBus(REDIS_URL, channel), RedisBus(REDIS_URL, channel)
    await bus_a.start(hub_a.deliver)
    await bus_b.start(hub_b.deliver)
    try:
        yield hub_a, bus_a, hub_b, bus_b
    finally:
        await bus_a.stop()
        await bus_b.stop()


@pytest.mark.redis
async def test_redis_bus_carries_events_between_nodes() -> None:
    async with two_nodes() as (_, bus_a, hub_b, bus_b):
        assert await bus_a.ping() and await bus_b.ping()
        alice_on_b, task = attach(hub_b, 7)
        await asyncio.sleep(0.1)  # let both subscriptions settle
        await bus_a.publish(
            Envelope(frozenset({7}), frozenset(), {"type": "agent.updated", "x": "é"})
        )
        await asyncio.wait_for(alice_on_b.arrived.wait(), 3)
        assert alice_on_b.frames == ['{"id":1,"type":"agent.updated","x":"é"}']
        task.cancel()


@pytest.mark.redis
async def test_a_transactions_events_cross_redis_together_and_in_order() -> None:
    async with two_nodes() as (hub_a, bus_a, hub_b, _):
        alice_on_a, task_a = attach(hub_a, 7)
        alice_on_b, task_b = attach(hub_b, 7)
        await asyncio.sleep(0.1)  # let both subscriptions settle
        events = [{"type": "message.created", "n": n} for n in range(50)]
        await bus_a.publish_many([Envelope(frozenset({7}), event=event) for event in events])
        for socket in (alice_on_a, alice_on_b):
            for _ in range(150):
                if len(socket.frames) == 50:
                    break
                await asyncio.sleep(0.02)
            assert [json.loads(frame)["n"] for frame in socket.frames] == list(range(50))
        task_a.cancel()
        task_b.cancel()


@pytest.mark.redis
async def test_deployments_on_two_redis_databases_do_not_hear_each_other() -> None:
    """Pub/sub ignores Redis's database numbers: the channel carries the number instead."""
    other_db = REDIS_URL.rsplit("/", 1)[0] + ("/6" if not REDIS_URL.endswith("/6") else "/5")
    heard: dict[str, list[object]] = {"sender": [], "same": [], "other": []}

    def listener(name: str) -> Callable[[Envelope], Awaitable[None]]:
        async def deliver(envelope: Envelope) -> None:
            heard[name].append(envelope.event["n"])

        return deliver

    sender, same, other = RedisBus(REDIS_URL), RedisBus(REDIS_URL), RedisBus(other_db)
    await sender.start(listener("sender"))
    await same.start(listener("same"))
    await other.start(listener("other"))
    try:
        await asyncio.sleep(0.1)
        await sender.publish(Envelope(frozenset({1}), event={"type": "t", "n": 1}))
        for _ in range(100):
            if heard["same"]:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert heard == {"same": [1], "other": [], "sender": [1]}
    finally:
        for bus in (sender, same, other):
            await bus.stop()


async def test_a_socket_that_cannot_keep_up_is_cut_off() -> None:
    hub = Hub()
    blocked = asyncio.Event()

    async def never(_frame: str) -> None:
        await blocked.wait()

    connection = Connection(user_id=1, role="agent", send=never)
    hub.add(connection)
    writer = asyncio.create_task(connection.run_writer())
    for n in range(1100):
        await hub.deliver(
            Envelope(frozenset({1}), frozenset(), {"type": "message.created", "n": n})
        )
    assert connection.overflowed
    blocked.set()
    await asyncio.wait_for(writer, 1)


def test_an_envelope_carries_its_event_as_json_made_once() -> None:
    event = {"type": "message.created", "text": "Olá\tmundo\n"}
    sent = Envelope(frozenset({3, 1}), frozenset({"supervisor"}), event)
    wire = sent.to_bytes()
    received = Envelope.from_bytes(wire)
    assert received == sent and received.type == "message.created"
    assert b"\n" not in wire, "the worker's pipe is one envelope per line"
    # The bytes published are the bytes delivered: nothing decodes and encodes them again.
    assert received.payload == sent.payload
    assert received.event == event
    with pytest.raises(ValueError):
        Envelope.from_bytes(b'{"user_ids":[],"roles":[],"type":"x"}')
    with pytest.raises(ValueError):
        Envelope(frozenset(), frozenset(), event, payload=b"{}")
