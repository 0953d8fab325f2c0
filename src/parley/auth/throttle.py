"""Failed-login throttling: a password cannot be guessed at the speed of the network.

Counted per username and per client address over a sliding window, in this node's memory: a
guesser spread over several nodes gets each node's allowance, which still keeps guessing to a
handful of tries a minute. A success clears the username's count, not the address's (agents
behind one office router share it).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MAX_KEYS = 10_000  # memory bound: the oldest keys are forgotten first


@dataclass
class LoginThrottle:
    per_user: int = 5
    per_address: int = 30
    window_seconds: float = 300.0
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def wait_seconds(self, username: str, address: str, now: float) -> float:
        """How long these credentials must wait before another try; 0 if they may try now."""
        waits = [
            self._wait(key, limit, now)
            for key, limit in (
                (_user(username), self.per_user),
                (_address(address), self.per_address),
            )
        ]
        return max(waits)

    def failed(self, username: str, address: str, now: float) -> None:
        for key in (_user(username), _address(address)):
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            self._failures[key] = times  # re-inserted: the dict's order is least recently failed
        while len(self._failures) > MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, username: str) -> None:
        self._failures.pop(_user(username), None)

    def _wait(self, key: str, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return times[-limit] + self.window_seconds - now


def _user(username: str) -> str:
    return "user:" + username.casefold()


def _address(address: str) -> str:
    return "address:" + address
