"""Failed-login throttling as a rule: a password cannot be guessed at the speed of the network.

Failures are counted per username and per client address over a sliding window. A key that has
`limit` failures inside the window waits until the oldest of them leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence


def wait_seconds(recent: Sequence[float], limit: int, window: float, now: float) -> float:
    """Seconds to wait before another try, given the times (seconds) of the key's failures
    inside the window, newest first; 0 when it may try now."""
    inside = [t for t in recent if t > now - window]
    if len(inside) < limit:
        return 0.0
    return inside[limit - 1] + window - now
