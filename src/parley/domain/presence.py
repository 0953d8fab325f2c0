"""Presence: when an agent whose desktop went away counts as gone, and what follows.

An agent's event stream is seen through a heartbeat (`last_stream_at`). A reload or a short network
drop is shorter than the grace time and changes nothing; past it the agent is set Not Ready
("Disconnected") and gets no more offers; past a second, longer time their active interactions go to
their workbin as on logout, so no customer waits on a desktop nobody looks at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DISCONNECTED = "Disconnected"
MISSED_OFFERS = "Missed offers"


def stream_gone(last_stream_at: datetime | None, now: datetime, grace_seconds: int) -> bool:
    """True once the last heartbeat of the agent's stream is older than the grace time. An agent
    who never opened a stream (an API client) is never counted gone."""
    if last_stream_at is None:
        return False
    return now - last_stream_at > timedelta(seconds=grace_seconds)


def missed_too_many(missed_in_a_row: int, limit: int) -> bool:
    """An agent whose offers expired `limit` times in a row is away: stop offering them work."""
    return limit > 0 and missed_in_a_row >= limit
