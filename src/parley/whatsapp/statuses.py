"""Delivery statuses of outbound messages (WHATSAPP.md §3) and the rule that orders them.

Statuses arrive duplicated, late and out of order. A message's status never moves backwards
(`sent < delivered < read < played`) and `failed` is terminal, so applying any set of statuses in
any order gives the same answer: the highest-ranked one.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = ("sent", "delivered", "read", "played", "failed")
"""Cloud API statuses Parley records, lowest rank first."""

IGNORED_STATUSES = frozenset({"deleted", "warning"})
"""On-Premises statuses that the parser reports in `WebhookBatch.ignored`."""

_RANK = {status: rank for rank, status in enumerate(STATUSES, start=1)}


def status_rank(status: str | None) -> int:
    """1 for `sent` up to 5 for `failed`; 0 for None or anything else (e.g. Parley's `queued`)."""
    return _RANK.get(status, 0) if status is not None else 0


def advance_status(current: str | None, new: str) -> str:
    """The status to store after `new` arrives: `new` if it ranks higher, else `current`.

    `current` may be any string (an unknown one ranks 0); `new` must be one of `STATUSES`.
    """
    rank = _RANK.get(new)
    if rank is None:
        raise ValueError(f"unknown delivery status {new[:40]!r}")
    if current is not None and status_rank(current) >= rank:
        return current
    return new
