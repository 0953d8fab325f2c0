"""The number's send rate: sends leave evenly spaced, never in a burst."""

from __future__ import annotations

import itertools

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
