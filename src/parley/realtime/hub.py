"""This node's WebSocket connections, and delivery of bus envelopes to them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count
from typing import TypeVar

from parley.realtime.bus import Envelope

QUEUE_LIMIT = 1000
# A login ended (`parley.auth.events.AuthTokenEnded`): acted on here, never forwarded. Named by
# its wire type so the hub stays below every feature.
AUTH_TOKEN_ENDED = "auth_token.ended"
Send = Callable[[str], Awaitable[None]]
K = TypeVar("K")


@dataclass(eq=False)
class Connection:
    user_id: int
    role: str
    send: Send
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    ids: count[int] = field(default_factory=lambda: count(1))
    overflowed: bool = False
    auth_token_id: int | None = None
    ended: bool = False  # its login ended: the socket closes with 4401
    close_code: int | None = None  # the node asks the client to reconnect (1001, 1012)

    def push(self, event_json: bytes) -> None:
        if self.ended:
            return
        # Each connection numbers its own events; the id is spliced in so the payload is
        # serialised once per publish however many sockets receive it.
        frame = b'{"id":%d,' % next(self.ids) + event_json[1:]
        try:
            self.queue.put_nowait(frame.decode())
        except asyncio.QueueFull:
            self.overflowed = True  # the writer closes it; the client reconnects and catches up

    def close(self, code: int) -> None:
        self.close_code = code
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    def end(self) -> None:
        self.ended = True  # what is still queued is no longer theirs to see
        with contextlib.suppress(asyncio.QueueFull):  # a full queue's writer is awake anyway
            self.queue.put_nowait(None)

    async def run_writer(self) -> None:
        while (frame := await self.queue.get()) is not None:
            if self.overflowed or self.ended or self.close_code is not None:
                return
            await self.send(frame)


class Hub:
    def __init__(self) -> None:
        self._by_user: dict[int, set[Connection]] = {}
        # By role too: most events also go to every supervisor, and finding them by walking
        # every socket cost a node with a thousand desktops a thousand steps per event.
        self._by_role: dict[str, set[Connection]] = {}
        self._all: set[Connection] = set()
        self.on_change: Callable[[int], None] | None = None

    @property
    def connection_count(self) -> int:
        return len(self._all)

    def connected_users(self) -> set[int]:
        return set(self._by_user)

    def add(self, connection: Connection) -> None:
        self._by_user.setdefault(connection.user_id, set()).add(connection)
        self._by_role.setdefault(connection.role, set()).add(connection)
        self._all.add(connection)
        self._changed()

    def remove(self, connection: Connection) -> None:
        _discard(self._by_user, connection.user_id, connection)
        _discard(self._by_role, connection.role, connection)
        self._all.discard(connection)
        with contextlib.suppress(asyncio.QueueFull):
            connection.queue.put_nowait(None)
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(len(self._all))

    def restart_all(self) -> None:
        """Close every socket with 1012 (service restart): after the bus lost events, each desktop
        reconnects and catches up from REST, as after any reconnect."""
        self.close_all(1012)

    def close_all(self, code: int) -> None:
        """Ask every client to reconnect: 1001 (going away) when the node stops, 1012 after an
        outage of the bus."""
        for connection in list(self._all):
            connection.close(code)

    def end_auth_token(self, user_id: int, auth_token_id: int) -> None:
        for connection in list(self._by_user.get(user_id, ())):
            if connection.auth_token_id == auth_token_id:
                connection.end()

    async def deliver(self, envelope: Envelope) -> None:
        if envelope.type == AUTH_TOKEN_ENDED:
            for user_id in envelope.user_ids:
                self.end_auth_token(user_id, int(envelope.event["auth_token_id"]))
            return
        payload = envelope.payload
        targets: set[Connection] = set()
        for user_id in envelope.user_ids:
            targets.update(self._by_user.get(user_id, ()))
        for role in envelope.roles:
            targets.update(self._by_role.get(role, ()))
        for connection in targets:
            connection.push(payload)


def _discard(index: dict[K, set[Connection]], key: K, connection: Connection) -> None:
    peers = index.get(key)
    if peers is not None:
        peers.discard(connection)
        if not peers:
            del index[key]
