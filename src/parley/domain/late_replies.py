"""A reply that reaches Parley after the agent wrote it (their browser was offline, the desktop
posts it again once the connection is back): the transcript shows it where it was written."""

from __future__ import annotations

from datetime import datetime, timedelta

OLDEST = timedelta(hours=24)
"""How long after it was written a reply may still say so: WhatsApp's customer service window
lasts no longer, so an older draft could not have been sent as free text anyway."""


class ComposedTooLongAgo(ValueError):
    pass


def composed_time(composed_at: datetime | None, now: datetime) -> datetime | None:
    """When the reply was written, to keep beside it, or None when it reaches Parley in time.

    A `composed_at` at or after `now` is clock skew between the browser and the server, not a
    late reply (None). Raises `ComposedTooLongAgo` when it is more than 24 hours before `now`.
    """
    if composed_at is None or composed_at >= now:
        return None
    if now - composed_at > OLDEST:
        raise ComposedTooLongAgo("composed_at is more than 24 hours ago")
    return composed_at
