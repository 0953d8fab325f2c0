"""A token bucket: the business number's messages-per-second limit, shared by all sends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


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
