"""The day's figures, kept per node while the history they come from is unchanged: every
supervisor's desktop asks for the snapshot after a burst of events, and the figures are the
costly part (one read of the day's history).

An entry is keyed by the period, the threshold and the history's watermark (the newest
interaction and state-change ids): a new interaction or transition makes a new key, so a hit is
exactly what a recomputation would give. On PostgreSQL ids are not handed out in commit order,
so a transition committed late behind a higher id could be missed until the next change; entries
also expire after `ttl` seconds to bound that. Not a truth: losing it only costs a recomputation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
TTL_SECONDS = 30.0


@dataclass
class FiguresCache(Generic[T]):
    ttl: float = TTL_SECONDS
    _entries: dict[Hashable, tuple[float, T]] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, key: Hashable, now: float, compute: Callable[[], Awaitable[T]]) -> T:
        """The value for `key` if computed less than `ttl` seconds before `now` (monotonic
        seconds), else `compute()`'s; concurrent callers wait for one computation."""
        async with self._lock:
            held = self._entries.get(key)
            if held is not None and now - held[0] < self.ttl:
                return held[1]
            value = await compute()
            self._entries = {k: v for k, v in self._entries.items() if now - v[0] < self.ttl}
            self._entries[key] = (now, value)
            return value
