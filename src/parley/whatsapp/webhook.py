"""The Cloud API webhook: verify the signature, store the raw body durably, answer 200.

Nothing else happens on the request path; the ingest worker processes the stored log.
Bodies that arrive while a write is under way are stored together in the next transaction
(group commit), so one fsync serves many webhooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.clock import Clock
from parley.db.gate import WriteGate
from parley.ingest.models import InboundWebhook
from parley.metrics import Metrics
from parley.settings import Settings
from parley.whatsapp import jsonbody
from parley.whatsapp.signature import verify_signature

log = logging.getLogger("parley.webhook")
MAX_BATCH = 1000


Append = Callable[[list[dict[str, object]]], Awaitable[None]]


def engine_append(engine: AsyncEngine, gate: WriteGate | None = None) -> Append:
    """Rows appended through `engine` (the log as a table of the database), in one
    transaction, queued on the database's writers' `gate` where it has one."""

    async def append(rows: list[dict[str, object]]) -> None:
        async with gate or contextlib.nullcontext(), engine.begin() as connection:
            await connection.execute(insert(InboundWebhook), rows)

    return append


class WebhookLog:
    """Appends raw webhook bodies to `inbound_log` with group commit, through `append` (one
    transaction per call: `engine_append`, or `ingest.log.LogFileWriter` for its own file)."""

    def __init__(self, append: Append, clock: Clock, on_stored: Callable[[], None]) -> None:
        self._append = append
        self._clock = clock
        self._on_stored = on_stored
        self._waiting: list[tuple[bytes, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(self, body: bytes) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((body, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            now = self._clock.now()
            rows = [{"received_at": now, "body": body, "state": "pending"} for body, _ in batch]
            try:
                await self._append(rows)
            except Exception as exc:
                log.exception("webhook.store_failed", extra={"count": len(batch)})
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
            self._on_stored()


Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
PATH = "/webhooks/whatsapp"


class WebhookEndpoint:
    """`GET|POST /webhooks/whatsapp` as a plain ASGI app, mounted in front of FastAPI: the
    signature check and the durable append are all a delivery costs (no routing, dependency
    injection or middleware of the API). Answers, limits and metrics are the API's:
    413 `too_large` over `PARLEY_WEBHOOK_MAX_BODY_BYTES`, 401 `bad_signature`, 400 `bad_request`
    for a body that is not a JSON object, 503 `unavailable` when it could not be stored (Meta
    retries), 200 once stored; the verification handshake answers the challenge or 403."""

    def __init__(self, settings: Settings, store: WebhookLog, metrics: Metrics) -> None:
        self._settings = settings
        self._store = store
        self._metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method == "POST":
            status, body, kind = await self._receive(scope, receive)
        elif method in ("GET", "HEAD"):
            status, body, kind = self._verify(scope)
        else:
            status, body, kind = _error(
                405, "method_not_allowed", "This address does not accept that method."
            )
        headers = [(b"content-length", str(len(body)).encode())]
        if kind:
            headers.append((b"content-type", kind))
        if status == 405:
            headers.append((b"allow", b"GET, POST"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

    def _verify(self, scope: dict[str, Any]) -> Answer:
        params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        # Each refusal says what is wrong, so whoever sets up the callback can fix the right thing.
        if params.get("hub.verify_token") != self._settings.whatsapp_verify_token:
            return _error(403, "verification_failed", "The verify token does not match.")
        if params.get("hub.mode") != "subscribe":
            return _error(403, "verification_failed", 'hub.mode must be "subscribe".')
        challenge = params.get("hub.challenge")
        if challenge is None:
            return _error(403, "verification_failed", "hub.challenge is missing.")
        return 200, challenge.encode(), b"text/plain; charset=utf-8"

    async def _receive(self, scope: dict[str, Any], receive: Receive) -> Answer:
        metrics = self._metrics
        body = await _read_capped(scope, receive, self._settings.webhook_max_body_bytes)
        if body is None:
            metrics.webhooks_rejected.labels("too_large").inc()
            return _error(413, "too_large", "The webhook body is larger than allowed.")
        signature = _header(scope, b"x-hub-signature-256")
        if not verify_signature(body, signature, self._settings.whatsapp_app_secret):
            metrics.webhooks_rejected.labels("signature").inc()
            return _error(401, "bad_signature", "X-Hub-Signature-256 is missing or wrong.")
        try:
            decoded = jsonbody.loads(body)
        except jsonbody.BodyError:
            metrics.webhooks_rejected.labels("json").inc()
            return _error(400, "bad_request", "The webhook body is not valid JSON.")
        if not isinstance(decoded, dict):
            # Meta only sends objects; stored, anything else would fail processing forever.
            metrics.webhooks_rejected.labels("json").inc()
            return _error(400, "bad_request", "The webhook body is not a JSON object.")
        try:
            await self._store.append(body)
        except Exception:
            # Not stored, so not acknowledged: Meta retries the delivery.
            return _error(503, "unavailable", "The webhook could not be stored; retry.")
        metrics.webhooks_received.inc()
        return 200, b"", b""


Answer = tuple[int, bytes, bytes]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _read_capped(scope: dict[str, Any], receive: Receive, limit: int) -> bytes | None:
    declared = _header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _error(status: int, code: str, message: str) -> Answer:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return status, body, b"application/json"
