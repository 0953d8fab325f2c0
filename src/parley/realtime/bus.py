"""The event bus: in-process on one node, Redis pub/sub across nodes.

Publishers hand an `Envelope` (who should see it, and the event already serialised once); every
node's hub receives each envelope and writes it to the matching local sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import orjson

log = logging.getLogger("parley.realtime")
CHANNEL = "parley:events"


class Envelope:
    """Who should see an event (`user_ids`, and every user of the `roles`), and the event.

    The event's JSON (`payload`) is made once, where it is published, and travels as those
    bytes through the ingest worker's pipe, Redis and the hub to every socket; `event`, the
    decoded object, is only read for the few events a node acts on itself. On the wire
    (`to_bytes`): a JSON header (`user_ids`, `roles`, `type`), a tab, the payload (JSON as
    written here never holds a raw tab).
    """

    __slots__ = ("_event", "_payload", "roles", "type", "user_ids")

    def __init__(
        self,
        user_ids: frozenset[int],
        roles: frozenset[str] = frozenset(),
        event: dict[str, Any] | None = None,
        *,
        payload: bytes | None = None,
        type: str | None = None,
    ) -> None:
        if (event is None) == (payload is None):
            raise ValueError("an envelope carries its event as an object or as JSON, once")
        self.user_ids = user_ids
        self.roles = roles
        self._event = event
        self._payload = payload
        self.type = type if type is not None else str((event or {}).get("type", ""))

    @property
    def event(self) -> dict[str, Any]:
        if self._event is None:
            assert self._payload is not None
            self._event = orjson.loads(self._payload)
        return self._event

    @property
    def payload(self) -> bytes:
        if self._payload is None:
            self._payload = orjson.dumps(self._event)
        return self._payload

    def to_bytes(self) -> bytes:
        head = {"user_ids": sorted(self.user_ids), "roles": sorted(self.roles), "type": self.type}
        return orjson.dumps(head) + b"\t" + self.payload

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        head, tab, payload = data.partition(b"\t")
        if not tab:
            raise ValueError("not an envelope: no tab after its header")
        raw = orjson.loads(head)
        return cls(
            frozenset(raw["user_ids"]), frozenset(raw["roles"]), payload=payload, type=raw["type"]
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Envelope):
            return NotImplemented
        same = (self.user_ids, self.roles, self.type) == (other.user_ids, other.roles, other.type)
        return same and self.event == other.event

    def __repr__(self) -> str:
        return f"Envelope({sorted(self.user_ids)}, {sorted(self.roles)}, type={self.type!r})"


Deliver = Callable[[Envelope], Awaitable[None]]


class Bus(Protocol):
    shared: bool  # reaches other nodes (Redis), or only this one (in-process)

    async def start(self, deliver: Deliver) -> None: ...
    async def publish(self, envelope: Envelope) -> None: ...
    async def publish_many(self, envelopes: Sequence[Envelope]) -> None: ...
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

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        for envelope in envelopes:
            await self.publish(envelope)

    async def ping(self) -> bool:
        return True

    async def stop(self) -> None:
        self._deliver = None


class RedisBus:
    """Redis pub/sub across nodes. Losing Redis never fails a request: while it is gone an event
    reaches only this node's own sockets (the other nodes' desktops catch up from REST), the
    listener resubscribes with backoff, and once it is back `on_recovered` runs (the hub closes
    its sockets so every desktop reconnects and catches up on what the outage hid)."""

    shared = True
    RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
    PING_SECONDS = 2.0

    def __init__(self, url: str, channel: str | None = None) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=None)
        # Pub/sub ignores Redis's numbered databases: two deployments on one Redis server
        # (db 0 and db 1) would hear each other's events, so the channel names the database.
        db = self._redis.connection_pool.connection_kwargs.get("db", 0)
        self._channel = channel or f"{CHANNEL}:{db}"
        self._task: asyncio.Task[None] | None = None
        self._deliver: Deliver | None = None
        self._publish_failing = False
        self.connected = False
        self.on_recovered: Callable[[], None] | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        pubsub = await self._subscribe()
        self._task = asyncio.create_task(self._listen(pubsub, deliver), name="redis-bus")

    async def _subscribe(self) -> Any:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            self.connected = True
        except Exception:  # started without Redis: the listener keeps trying
            log.error("bus.redis_unreachable", exc_info=True)
            self.connected = False
        return pubsub

    async def _listen(self, pubsub: Any, deliver: Deliver) -> None:
        failures = 0
        while True:
            try:
                if not self.connected:
                    await pubsub.aclose()
                    pubsub = await self._resubscribe(failures)
                    failures = 0 if self.connected else failures + 1
                    continue
                async for message in pubsub.listen():
                    await self._deliver_one(deliver, message)
                self.connected = False  # the stream ended without an error: subscribe again
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except Exception:
                if self.connected:
                    log.error("bus.redis_lost", exc_info=True)
                self.connected = False

    async def _resubscribe(self, failures: int) -> Any:
        await asyncio.sleep(self.RETRY_SECONDS[min(failures, len(self.RETRY_SECONDS) - 1)])
        pubsub = await self._subscribe()
        if self.connected:
            # Publishing used other connections of the pool, broken by the outage: start afresh.
            await self._redis.connection_pool.disconnect(inuse_connections=False)
            log.warning("bus.redis_recovered")
            if self.on_recovered is not None:
                self.on_recovered()
        return pubsub

    async def _deliver_one(self, deliver: Deliver, message: Any) -> None:
        if message.get("type") != "message":
            return
        try:
            await deliver(Envelope.from_bytes(message["data"]))
        except Exception:  # one bad envelope must not stop the node's event stream
            log.exception("bus.deliver_failed")

    async def publish(self, envelope: Envelope) -> None:
        # Known to be down: no connection attempt per event (a partition would stall each one
        # for the connect timeout); this node's own sockets still get it.
        if self.connected:
            try:
                await self._redis.publish(self._channel, envelope.to_bytes())
                self._publish_failing = False
                return
            except Exception:
                # The transaction behind the event has committed: never fail it for the bus. The
                # desktops on other nodes catch up when their socket reconnects.
                if not self._publish_failing:
                    log.error("bus.publish_failed", extra={"type": envelope.type})
                self._publish_failing = True
        if self._deliver is not None:
            await self._deliver_local(envelope)

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """`publish` for a transaction's events, in their order: one round trip to Redis for
        all of them (an ingest batch commits a thousand)."""
        if len(envelopes) < 2 or not self.connected:
            for envelope in envelopes:
                await self.publish(envelope)
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipeline:
                for envelope in envelopes:
                    pipeline.publish(self._channel, envelope.to_bytes())
                await pipeline.execute()
            self._publish_failing = False
            return
        except Exception:
            if not self._publish_failing:
                log.error("bus.publish_failed", extra={"count": len(envelopes)})
            self._publish_failing = True
        if self._deliver is not None:
            for envelope in envelopes:
                await self._deliver_local(envelope)

    async def _deliver_local(self, envelope: Envelope) -> None:
        assert self._deliver is not None
        try:
            await self._deliver(envelope)
        except Exception:
            log.exception("bus.deliver_failed")

    async def ping(self) -> bool:
        """Redis answers within `PING_SECONDS` and this node is subscribed."""
        try:
            async with asyncio.timeout(self.PING_SECONDS):
                answer = await self._redis.ping()
        except Exception:
            return False
        return bool(answer) and self.connected

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def build_bus(redis_url: str) -> Bus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
