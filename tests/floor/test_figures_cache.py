"""The per-node cache of the day's figures."""

from __future__ import annotations

from parley.floor.cache import FiguresCache


async def test_the_figures_cache_computes_once_per_key_and_forgets_old_entries() -> None:
    cache: FiguresCache[int] = FiguresCache(ttl=30)
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    assert await cache.get(("day", 60, 5, 9), 0.0, compute) == 1
    assert await cache.get(("day", 60, 5, 9), 10.0, compute) == 1  # same history: no recompute
    assert await cache.get(("day", 60, 5, 10), 11.0, compute) == 2  # a new transition
    assert await cache.get(("day", 60, 5, 9), 31.0, compute) == 3  # expired
