"""Injected faults: Graph API errors, delays and timeouts; webhook delivery failures.

Each fault applies to the next `count` matching calls (Graph API requests, or webhook
delivery attempts) and then disappears. Kinds:

Graph API calls:
- `graph_error`: answer Meta's error `code` (default 131000) with `http_status` (default:
  the code's usual status).
- `delay`: wait `delay_seconds`, then answer normally.
- `timeout`: carry the call out, then hold the answer `delay_seconds` (default 30) so the
  client times out not knowing the message was accepted.
- `connection_reset`: drop the connection before the call is carried out (nothing is sent).
- `expired_token`: answer as Meta does once the access token has expired: HTTP 401, code
  190, subcode 463, "Error validating access token: Session has expired…".

Webhook delivery attempts:
- `webhook_failure`: fail as if the receiver answered `http_status` (default 500); nothing
  is sent.
- `webhook_timeout`: send the POST but count it as timed out, so it is retried (a duplicate).
- `webhook_delay`: wait `delay_seconds` before sending.
- `bad_signature`: sign with a wrong secret.
- `duplicate_webhook`: after a success, send the same body once more.

Business messages:
- `late_sent`: the next business message's `sent` status goes out after its
  `delivered` (and `read`, with `auto_read`) ones.

`reset` (control API only) removes every fault.

`match` (optional) restricts a Graph fault to request paths containing that text, e.g.
`"messages"`, `"media"` or `"message_templates"`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

FaultKind = Literal[
    "graph_error",
    "delay",
    "timeout",
    "connection_reset",
    "expired_token",
    "webhook_failure",
    "webhook_timeout",
    "webhook_delay",
    "bad_signature",
    "duplicate_webhook",
    "late_sent",
]
GRAPH_KINDS = frozenset({"graph_error", "delay", "timeout", "connection_reset", "expired_token"})
ATTEMPT_KINDS = frozenset({"webhook_failure", "webhook_timeout", "webhook_delay", "bad_signature"})


@dataclass
class Fault:
    id: int
    kind: str
    remaining: int
    code: int | None = None
    http_status: int | None = None
    delay_seconds: float | None = None
    match: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    """The active faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        kind: str,
        count: int,
        *,
        code: int | None = None,
        http_status: int | None = None,
        delay_seconds: float | None = None,
        match: str | None = None,
    ) -> Fault:
        fault = Fault(self._next_id, kind, count, code, http_status, delay_seconds, match)
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[Fault]:
        return list(self._faults)

    def take_graph(self, path: str) -> Fault | None:
        """Consume one Graph fault matching `path`, if any."""
        return self._take(lambda f: f.kind in GRAPH_KINDS and (not f.match or f.match in path))

    def take_webhook(self, kind: str) -> Fault | None:
        """Consume one fault of exactly `kind` (`duplicate_webhook`, `late_sent`), if any."""
        return self._take(lambda f: f.kind == kind)

    def take_webhook_attempt(self) -> Fault | None:
        """Consume one fault that changes a single delivery attempt."""
        return self._take(lambda f: f.kind in ATTEMPT_KINDS)

    def _take(self, wanted: Callable[[Fault], bool]) -> Fault | None:
        for fault in self._faults:
            if wanted(fault):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None
