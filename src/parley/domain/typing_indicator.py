"""The typing indicator toward WhatsApp: how often to send it and when it is too late."""

from __future__ import annotations

from datetime import datetime, timedelta

# Meta shows the indicator for 25 s (or until the reply); one call per 20 s keeps it on.
TYPING_INTERVAL = timedelta(seconds=20)
# An indicator that waited this long in the outbox is worthless: the agent may have stopped.
TYPING_STALE = timedelta(seconds=10)


def typing_due(last_sent: datetime | None, now: datetime) -> bool:
    return last_sent is None or now - last_sent >= TYPING_INTERVAL


def typing_stale(queued_at: datetime, now: datetime) -> bool:
    return now - queued_at > TYPING_STALE
