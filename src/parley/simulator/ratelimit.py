"""Meta's send limits (WHATSAPP.md §8.1-8.2) as token buckets on the injected clock.

- Throughput: `mps` messages per second per business number, else 130429.
- Pair rate: one message every 6 s to the same user, bursts up to 45, else 131056.

Both are off by default in the simulator so demos and benchmarks measure Parley, not
Meta's pacing; tests and `POST /_sim/config` turn them on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .providers import Clock

PAIR_INTERVAL_SECONDS = 6.0
PAIR_BURST = 45


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> bool:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class SendLimits:
    """Decides whether one more message may be sent now (and spends it if so)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._throughput: Bucket | None = None
        self._pairs: dict[str, Bucket] = {}

    def reset(self) -> None:
        self._throughput = None
        self._pairs.clear()

    def allow_throughput(self, mps: float | None) -> bool:
        if not mps:
            return True
        now = self._clock()
        bucket = self._throughput
        if bucket is None or bucket.per_second != mps:
            bucket = Bucket(capacity=mps, per_second=mps, tokens=mps, updated=now)
            self._throughput = bucket
        return bucket.take(now)

    def allow_pair(self, wa_id: str) -> bool:
        now = self._clock()
        bucket = self._pairs.get(wa_id)
        if bucket is None:
            bucket = Bucket(PAIR_BURST, 1 / PAIR_INTERVAL_SECONDS, PAIR_BURST, now)
            self._pairs[wa_id] = bucket
        return bucket.take(now)
