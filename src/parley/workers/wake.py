"""The background loops a change can wake, by name of the work they do.

A service that made work for a loop asks for it on the unit of work (`uow.wake(Wake.OUTBOX)`);
after commit the runtime wakes that loop on this node and, through the bus, on every other node,
so no node waits for its poll.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum


class Wake(StrEnum):
    INGEST = "ingest"  # stored webhooks wait to be processed
    ROUTING = "routing"  # an interaction is queued, or an agent's capacity or state changed
    OUTBOX = "outbox"  # a message or receipt waits to be sent
    TEMPLATES = "templates"  # the business account's templates should be read again
    TIMERS = "timers"  # presence heartbeats and sweeps, idle sessions (on its own clock)
    MEDIA = "media"  # a contact's media waits to be fetched
    UPLOADS = "uploads"  # uploads never sent are swept (on its own clock)


Waker = Callable[[Iterable[Wake]], Awaitable[None]]
"""Wakes the named loops on every node (the runtime's `wake_all`)."""

WAKE_EVENT = "worker.wake"
"""The bus event that carries a wake to the other nodes; hubs never forward it to a client."""
