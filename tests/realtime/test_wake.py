"""A wake-up asked for in a transaction reaches the loop on this node and, over Redis, on others."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from parley.app import create_app
from parley.clock import FixedClock
from parley.realtime.bus import RedisBus
from parley.runtime import Runtime
from parley.workers.base import Worker
from parley.workers.wake import Wake
from tests.conftest import START, make_settings
from tests.realtime.test_bus import REDIS_URL


class Sleeper(Worker):
    """A loop that only counts how often it is woken."""

    poll_seconds = 3600

    def __init__(self) -> None:
        super().__init__()
        self.woken = asyncio.Event()

    def wake(self) -> None:
        self.woken.set()


def node(tmp_path: Path, channel: str) -> tuple[Runtime, RedisBus]:
    bus = RedisBus(REDIS_URL, channel=channel)
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}/x.db")
    app = create_app(settings, clock=FixedClock(START), bus=bus, migrate=False, workers=False)
    runtime: Runtime = app.state.runtime
    return runtime, bus


@pytest.mark.redis
async def test_a_wake_reaches_the_other_node_over_redis_and_not_back(tmp_path: Path) -> None:
    channel = f"parley:test:{uuid.uuid4().hex}"
    a, bus_a = node(tmp_path / "a", channel)
    b, bus_b = node(tmp_path / "b", channel)
    here, there = Sleeper(), Sleeper()
    a.workers[Wake.OUTBOX] = here
    b.workers[Wake.OUTBOX] = there
    await bus_a.start(a.deliver)
    await bus_b.start(b.deliver)
    try:
        await asyncio.sleep(0.1)  # both subscribed
        await a.wake_all([Wake.OUTBOX])
        assert here.woken.is_set(), "this node's loop wakes at once"
        here.woken.clear()
        await asyncio.wait_for(there.woken.wait(), 5)
        await asyncio.sleep(0.2)
        assert not here.woken.is_set(), "a node ignores its own wake coming back"
    finally:
        await bus_a.stop()
        await bus_b.stop()
        await a.engine.dispose()
        await b.engine.dispose()


async def test_a_unit_of_work_wakes_only_after_commit(tmp_path: Path) -> None:
    (tmp_path / "n").mkdir()
    settings = make_settings(tmp_path / "n", database_url=f"sqlite:///{tmp_path}/n/x.db")
    app = create_app(settings, clock=FixedClock(START), workers=False)
    runtime: Runtime = app.state.runtime
    sleeper = Sleeper()
    runtime.workers[Wake.ROUTING] = sleeper
    try:
        async with runtime.uow() as uow:
            uow.wake(Wake.ROUTING)
            await uow.rollback()
            await uow.commit()
        assert not sleeper.woken.is_set(), "a rolled back wake is forgotten"
        async with runtime.uow() as uow:
            uow.wake(Wake.ROUTING)
            assert not sleeper.woken.is_set()
            await uow.commit()
        assert sleeper.woken.is_set()
    finally:
        await runtime.engine.dispose()
