"""Signed webhook delivery with Meta-like retries.

Events queue per lane (one lane per customer), and each lane delivers one POST at a time, so
a customer's updates keep their order while other customers' go out in parallel. A failed
POST (not 200, timeout, connection error) is retried immediately and then after each delay
of the retry schedule; after the last one the delivery is dropped, as Meta does after 7 days.
Nothing here blocks the Graph API answer: `enqueue` only appends and starts a task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..settings import Settings
from .config import SimulatorOptions
from .faults import FaultBook
from .payloads import Event, encode, envelope
from .providers import Clock
from .signing import sign

log = logging.getLogger(__name__)
LOG_LIMIT = 2000
DELIVERY_STATES = ("pending", "retrying", "delivered", "dropped", "skipped")
USER_AGENT = "facebookexternalua"


@dataclass
class Attempt:
    at: float
    status_code: int | None = None
    error: str | None = None


@dataclass
class Delivery:
    id: int
    lane: str
    events: list[Event]
    body: bytes
    created_at: float
    state: str = "pending"
    """`pending`, `retrying`, `delivered`, `dropped` (schedule ended) or `skipped` (no URL)."""
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: float | None = None

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "lane": self.lane,
            "state": self.state,
            "events": [event.describe() for event in self.events],
            "created_at": self.created_at,
            "next_attempt_at": self.next_attempt_at,
            "attempts": [vars(a) for a in self.attempts],
        }
        if with_body:
            out["body"] = self.body.decode()
        return out


class WebhookSender:
    def __init__(
        self,
        settings: Settings,
        options: SimulatorOptions,
        clock: Clock,
        faults: FaultBook,
        retry_schedule: Sequence[float],
        http: httpx.AsyncClient | None,
    ) -> None:
        self._settings = settings
        self._options = options
        self._clock = clock
        self._faults = faults
        self.retry_schedule = tuple(retry_schedule)
        self._http = http
        self._own_http: httpx.AsyncClient | None = None
        self._lanes: dict[str, deque[Event]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._next_id = 1
        self.log: list[Delivery] = []

    @property
    def pending(self) -> int:
        """Events not yet delivered, dropped or skipped."""
        return self._pending

    def enqueue(self, event: Event) -> None:
        self._lanes.setdefault(event.lane, deque()).append(event)
        self._pending += 1
        self._idle.clear()
        if event.lane not in self._workers:
            task = asyncio.get_running_loop().create_task(self._run_lane(event.lane))
            self._workers[event.lane] = task

    async def wait_idle(self, seconds: float) -> bool:
        """Wait until every queued event is finished; False if `seconds` pass first."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def reset(self) -> None:
        await self._cancel_workers()
        self._lanes.clear()
        self.log.clear()
        self._pending = 0
        self._idle.set()

    async def aclose(self) -> None:
        await self._cancel_workers()
        if self._own_http is not None:
            await self._own_http.aclose()
            self._own_http = None

    async def _cancel_workers(self) -> None:
        workers = list(self._workers.values())
        self._workers.clear()
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run_lane(self, lane: str) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                size = self._options.max_batch if self._options.batch_webhooks else 1
                events = [queue.popleft() for _ in range(min(size, len(queue)))]
                await self._deliver(lane, events)
        finally:
            if self._workers.get(lane) is asyncio.current_task():
                del self._workers[lane]

    async def _deliver(self, lane: str, events: list[Event]) -> None:
        body = encode(envelope(self._settings, events, self._clock()))
        delivery = Delivery(self._next_id, lane, events, body, self._clock())
        self._next_id += 1
        self._remember(delivery)
        try:
            await self._until_done(delivery)
        finally:
            self._pending -= len(events)
            if self._pending <= 0:
                self._pending = 0
                self._idle.set()
        if delivery.state == "delivered":
            for event in events:
                if event.on_delivered is not None:
                    event.on_delivered()

    async def _until_done(self, delivery: Delivery) -> None:
        retries = iter(self.retry_schedule)
        while True:
            url = self._options.webhook_url
            if not url:
                delivery.state = "skipped"
                return
            if await self._attempt(delivery, url):
                delivery.state = "delivered"
                delivery.next_attempt_at = None
                if self._faults.take_webhook("duplicate_webhook"):
                    await self._attempt(delivery, url)
                return
            delay = next(retries, None)
            if delay is None:
                delivery.state = "dropped"
                delivery.next_attempt_at = None
                log.warning(
                    "webhook delivery %s dropped after %d attempts",
                    delivery.id,
                    len(delivery.attempts),
                )
                return
            delivery.state = "retrying"
            delivery.next_attempt_at = self._clock() + delay
            await asyncio.sleep(delay)

    async def _attempt(self, delivery: Delivery, url: str) -> bool:
        attempt = Attempt(at=self._clock())
        delivery.attempts.append(attempt)
        fault = self._faults.take_webhook_attempt()
        kind = fault.kind if fault else None
        if fault is not None and kind == "webhook_failure":
            attempt.status_code = fault.http_status or 500
            attempt.error = "injected failure"
            return False
        if fault is not None and kind == "webhook_delay":
            await asyncio.sleep(fault.delay_seconds or 1.0)
        secret = self._settings.whatsapp_app_secret
        if kind == "bad_signature":
            secret = "not-the-" + secret
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(delivery.body, secret),
            "User-Agent": USER_AGENT,
        }
        try:
            response = await self._client().post(
                url,
                content=delivery.body,
                headers=headers,
                timeout=self._options.webhook_timeout_seconds,
            )
        except httpx.TimeoutException:
            attempt.error = "timeout"
            return False
        except Exception as exc:  # connection refused, reset, receiver crash: all retried
            attempt.error = f"{type(exc).__name__}: {exc}"[:300]
            return False
        attempt.status_code = response.status_code
        if kind == "webhook_timeout":
            attempt.error = "timeout (injected)"
            return False
        return response.status_code == 200

    def _client(self) -> httpx.AsyncClient:
        if self._http is not None:
            return self._http
        if self._own_http is None:
            self._own_http = httpx.AsyncClient(follow_redirects=False)
        return self._own_http

    def _remember(self, delivery: Delivery) -> None:
        self.log.append(delivery)
        if len(self.log) > LOG_LIMIT:
            done = [d for d in self.log if d.state in ("delivered", "dropped", "skipped")]
            for old in done[: len(self.log) - LOG_LIMIT]:
                self.log.remove(old)
