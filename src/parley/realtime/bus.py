"""The event bus: in-process on one node, Redis pub/sub across nodes.

Publishers hand an `Envelope` (who should see it, and the event already serialised once); every
node's hub receives each envelope and writes it to the matching local sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

log = logging.getLogger("parley.realtime")
CHANNEL = "parley:events"


@dataclass(frozen=True)
class Envelope:
    user_ids: frozenset[int]
    roles: frozenset[str] = field(default_factory=frozenset)
    event: dict[str, Any] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {"user_ids": sorted(self.user_ids), "roles": sorted(self.roles), "event": self.event}
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        raw = orjson.loads(data)
        return cls(frozenset(raw["user_ids"]), frozenset(raw["roles"]), raw["event"])


Deliver = Callable[[Envelope], Awaitable[None]]


class Bus(Protocol):
    shared: bool  # reaches other nodes (Redis), or only this one (in-process)

    async def start(self, deliver: Deliver) -> None: ...
    async def publish(self, envelope: Envelope) -> None: ...
    async def ping(self) -> bool: ...
    async def stop(self) -> None: ...


class InProcessBus:
    shared = False

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def publish(self, envelope: Envelope) -> None:
        if self._deliver is not None:
            await self._deliver(envelope)

    async def ping(self) -> bool:
        return True

    async def stop(self) -> None:
        self._deliver = None


class RedisBus:
    shared = True

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url)
        self._channel = channel
        self._task: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._channel)
        self._task = asyncio.create_task(self._listen(pubsub, deliver), name="redis-bus")

    async def _listen(self, pubsub: Any, deliver: Deliver) -> None:
        async for message in pubsub.listen():
            try:
                await deliver(Envelope.from_bytes(message["data"]))
            except Exception:  # one bad envelope must not stop the node's event stream
                log.exception("bus.deliver_failed")

    async def publish(self, envelope: Envelope) -> None:
        await self._redis.publish(self._channel, envelope.to_bytes())

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:
            return False

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def build_bus(redis_url: str) -> Bus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
