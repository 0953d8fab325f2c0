"""The Cloud API webhook: verify the signature, store the raw body durably, answer 200.

Nothing else happens on the request path; the ingest worker processes the stored log.
Bodies that arrive while a write is under way are stored together in the next transaction
(group commit), so one fsync serves many webhooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.clock import Clock
from parley.ingest.models import InboundWebhook
from parley.metrics import Metrics
from parley.settings import Settings
from parley.whatsapp import jsonbody
from parley.whatsapp.signature import verify_signature

log = logging.getLogger("parley.webhook")
MAX_BATCH = 1000


class WebhookLog:
    """Appends raw webhook bodies to `inbound_log` with group commit."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        on_stored: Callable[[], None],
        gate: asyncio.Lock | None = None,
    ) -> None:
        self._engine = engine
        self._gate = gate
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

    async def _insert(self, rows: list[dict[str, object]]) -> None:
        gate = self._gate or contextlib.nullcontext()
        async with gate, self._engine.begin() as connection:
            await connection.execute(insert(InboundWebhook), rows)

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            now = self._clock.now()
            rows = [{"received_at": now, "body": body, "state": "pending"} for body, _ in batch]
            try:
                await self._insert(rows)
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


async def _read_capped(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, code: str, message: str) -> Response:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Response(body, status_code=status, media_type="application/json")


def webhook_router(settings: Settings, store: WebhookLog, metrics: Metrics) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    @router.get("/webhooks/whatsapp", response_class=PlainTextResponse)
    async def verify(request: Request) -> Response:
        params = request.query_params
        # Each refusal says what is wrong, so whoever sets up the callback can fix the right thing.
        if params.get("hub.verify_token") != settings.whatsapp_verify_token:
            return _error(403, "verification_failed", "The verify token does not match.")
        if params.get("hub.mode") != "subscribe":
            return _error(403, "verification_failed", 'hub.mode must be "subscribe".')
        challenge = params.get("hub.challenge")
        if challenge is None:
            return _error(403, "verification_failed", "hub.challenge is missing.")
        return PlainTextResponse(challenge)

    @router.post("/webhooks/whatsapp")
    async def receive(request: Request) -> Response:
        body = await _read_capped(request, settings.webhook_max_body_bytes)
        if body is None:
            metrics.webhooks_rejected.labels("too_large").inc()
            return _error(413, "too_large", "The webhook body is larger than allowed.")
        signature = request.headers.get("x-hub-signature-256")
        if not verify_signature(body, signature, settings.whatsapp_app_secret):
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
            await store.append(body)
        except Exception:
            # Not stored, so not acknowledged: Meta retries the delivery.
            return _error(503, "unavailable", "The webhook could not be stored; retry.")
        metrics.webhooks_received.inc()
        return Response(status_code=200)

    return router
