"""The number's send rate: sends leave evenly spaced, never in a burst."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest

from parley.outbox import ratelimit
from parley.outbox.ratelimit import TokenBucket


async def test_sends_are_spaced_one_over_the_rate_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]

    async def sleep(seconds: float) -> None:  # time passes only when the bucket waits
        now[0] += seconds

    monkeypatch.setattr(ratelimit.asyncio, "sleep", sleep)
    bucket = TokenBucket(80, now=lambda: now[0])
    sent = []
    for _ in range(200):
        await bucket.acquire()
        sent.append(now[0])
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) == pytest.approx(1 / 80)
    in_first_second = [t for t in sent if t < sent[0] + 1]
    assert len(in_first_second) == 80, "a second holds at most the configured rate"


async def test_an_idle_bucket_saves_up_only_its_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(ratelimit.asyncio, "sleep", sleep)
    bucket = TokenBucket(10, burst=3, now=lambda: now[0])
    now[0] = 60.0  # a quiet minute does not bank 600 sends
    for _ in range(3):
        await bucket.acquire()
    assert now[0] == 60.0
    await bucket.acquire()
    assert now[0] == pytest.approx(60.1)


@pytest.mark.redis
async def test_two_nodes_share_one_rate_through_redis() -> None:
    """Each node alone could send 50 a second; together they still send at most 50 in any
    one-second window (Meta's limit is per number), and the budget frees itself."""
    from redis.asyncio import Redis

    from parley.outbox.ratelimit import SharedRate
    from tests.realtime.test_bus import REDIS_URL

    key = f"parley:test:rate:{uuid.uuid4().hex}"
    redis_a, redis_b = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    nodes = [SharedRate(redis_a, key, rate=50), SharedRate(redis_b, key, rate=50)]
    sent: list[float] = []

    async def send(limiter: SharedRate, n: int) -> None:
        for _ in range(n):
            await limiter.acquire()
            sent.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(send(nodes[0], 40), send(nodes[1], 40))
    elapsed = time.monotonic() - started
    for node in nodes:
        await node.close()
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert len(sent) == 80
    assert busiest <= 50 + 5, f"{busiest} sends in one second from two nodes"
    assert elapsed >= 1.2, "80 sends at 50 a second take well over a second"
