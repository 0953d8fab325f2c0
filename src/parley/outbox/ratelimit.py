"""The business number's messages-per-second limit: a token bucket on one node, and a count in
Redis shared by every node."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("parley.outbox")


class TokenBucket:
    """`rate` tokens a second; `burst` (default 1) saved up at most, so by default sends leave
    1/`rate` apart instead of in bursts."""

    def __init__(
        self, rate: float, burst: float | None = None, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else 1.0
        self._tokens = self.capacity
        self._now = now
        self._updated = now()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        current = self._now()
        self._tokens = min(self.capacity, self._tokens + (current - self._updated) * self.rate)
        self._updated = current

    async def acquire(self) -> None:
        async with self._lock:
            self._refill()
            while self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens -= 1

    async def close(self) -> None:
        return None


class RateLimiter(Protocol):
    async def acquire(self) -> None: ...

    async def close(self) -> None: ...


class SharedRate:
    """The business number's rate across every node, counted in Redis in 100 ms slices of
    `rate / 10` sends each (Meta's limit is per number, not per node: WHATSAPP.md §8.1). A node
    that dies holds nothing: a slice's count expires with it. Sends are still paced locally, so a
    node never bursts a whole slice at once. Without Redis each node falls back to its own pace
    (Meta may then answer 130429, which the sender retries later) and tries Redis again every
    `RETRY_SECONDS`. The slices are numbered by each node's clock: keep the nodes on NTP.
    """

    SLICES_PER_SECOND = 10
    RETRY_SECONDS = 1.0

    def __init__(self, redis: Any, key: str, rate: float, now: Callable[[], float] = time.time):
        self._redis = redis
        self._key = key
        self._per_slice = max(1, int(rate / self.SLICES_PER_SECOND))
        self._local = TokenBucket(rate)
        self._now = now
        self._down_until = 0.0  # Redis failed: the local pace alone until then

    async def acquire(self) -> None:
        await self._local.acquire()
        while True:
            now = self._now()
            if now < self._down_until:
                return
            slot = int(now * self.SLICES_PER_SECOND)
            try:
                count = await self._take(slot)
            except Exception:
                if not self._down_until:
                    log.error("outbox.shared_rate_unavailable", exc_info=True)
                self._down_until = now + self.RETRY_SECONDS
                return
            if self._down_until:
                log.warning("outbox.shared_rate_recovered")
                self._down_until = 0.0
            if count <= self._per_slice:
                return
            await asyncio.sleep(max(0.0, (slot + 1) / self.SLICES_PER_SECOND - now))

    async def close(self) -> None:
        await self._redis.aclose()

    async def _take(self, slot: int) -> int:
        key = f"{self._key}:{slot}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.pexpire(key, 2000)
            count, _ = await pipe.execute()
        return int(count)


def build_rate_limiter(redis_url: str, phone_number_id: str, rate: float) -> RateLimiter:
    """Shared across nodes through Redis when it is configured; this node's own pace otherwise
    (one node, or nodes that share nothing else either)."""
    if not redis_url:
        return TokenBucket(rate)
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    return SharedRate(redis, f"parley:rate:{phone_number_id}", rate)
