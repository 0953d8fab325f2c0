"""Processes the stored webhook log: every entry, change, message and status, idempotently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import ColumnElement, or_, select, update

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.ingest.models import InboundWebhook
from parley.ingest.service import ingest_batch
from parley.metrics import Metrics
from parley.whatsapp.payloads import parse_webhook
from parley.workers.base import Worker
from parley.workers.wake import Wake

log = logging.getLogger("parley.ingest")
BATCH = 200
# Under load, wait a moment before the next batch: the webhooks stored meanwhile join it, and a
# few large batches cost far less than many small ones. Idle, a message is taken at once.
LINGER_AFTER = 8
LINGER_SECONDS = 0.003
MAX_RETRY_SECONDS = 3600


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        InboundWebhook.state == "pending",
        (InboundWebhook.state == "failed") & (InboundWebhook.next_attempt_at <= now),
    )


class IngestWorker(Worker):
    name = Wake.INGEST

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        metrics: Metrics,
        on_ingested: Callable[[], None],
        *,
        prefer_previous: bool = True,
    ) -> None:
        super().__init__()
        self._prefer_previous = prefer_previous
        self._uow = uow
        self._clock = clock
        self._metrics = metrics
        self._on_ingested = on_ingested
        self._busy = False

    async def run_once(self) -> bool:
        failed = False
        if self._busy:
            await asyncio.sleep(LINGER_SECONDS)
        async with self._uow() as uow:
            rows = await self._claim(uow, BATCH)
            self._busy = len(rows) >= LINGER_AFTER
            if not rows:
                return False
            ids = [row.id for row in rows]
            try:
                created = await self._process(uow, rows)
                await uow.commit()
            except Exception:
                await uow.rollback()
                log.warning("ingest.batch_failed", extra={"count": len(ids)}, exc_info=True)
                failed = True
        if failed:
            created = await self._one_by_one(ids)
        self._metrics.webhooks_processed.inc(len(ids))
        self._metrics.messages_ingested.inc(created)
        self._on_ingested()
        return len(ids) == BATCH

    async def reprocess(self, ids: Sequence[int]) -> int:
        """Process these stored webhooks now, whatever their state (a replay); returns new messages.

        Safe on webhooks already processed: messages are keyed by wamid, statuses never go back.
        """
        created = 0
        for start in range(0, len(ids), BATCH):
            chunk = list(ids[start : start + BATCH])
            failed = False
            async with self._uow() as uow:
                rows = await self._load(uow, chunk)
                try:
                    created += await self._process(uow, rows)
                    await uow.commit()
                except Exception:
                    await uow.rollback()
                    failed = True
            if failed:
                created += await self._one_by_one(chunk, again=True)
        self._metrics.messages_ingested.inc(created)
        self._on_ingested()
        return created

    async def _load(self, uow: UnitOfWork, ids: list[int]) -> list[InboundWebhook]:
        query = select(InboundWebhook).where(InboundWebhook.id.in_(ids)).order_by(InboundWebhook.id)
        if uow.dialect == "postgresql":
            query = query.with_for_update()
        return list(await uow.session.scalars(query))

    async def _claim(self, uow: UnitOfWork, limit: int) -> list[InboundWebhook]:
        query = (
            select(InboundWebhook)
            .where(_due(self._clock.now()))
            .order_by(InboundWebhook.id)
            .limit(limit)
        )
        if uow.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list(await uow.session.scalars(query))

    async def _process(self, uow: UnitOfWork, rows: list[InboundWebhook]) -> int:
        batches = [parse_webhook(_decoded(r.body), received_at=r.received_at) for r in rows]
        created = await ingest_batch(
            uow, self._clock, batches, prefer_previous=self._prefer_previous
        )
        # One statement for the whole batch: per-row ORM updates cost more than the ingest itself.
        done = update(InboundWebhook).where(InboundWebhook.id.in_([r.id for r in rows]))
        values = {"state": "processed", "processed_at": self._clock.now(), "error": None}
        await uow.session.execute(
            done.values(**values), execution_options={"synchronize_session": False}
        )
        return created

    async def _one_by_one(self, ids: list[int], *, again: bool = False) -> int:
        """After a failed batch: isolate the webhook(s) at fault, process the rest."""
        created = 0
        for webhook_id in ids:
            error: Exception | None = None
            async with self._uow() as uow:
                row = await uow.session.get(InboundWebhook, webhook_id)
                if row is None or (row.state == "processed" and not again):
                    continue
                try:
                    created += await self._process(uow, [row])
                    await uow.commit()
                except Exception as exc:
                    error = exc
            if error is not None:
                await self._mark_failed(webhook_id, error)
        return created

    async def _mark_failed(self, webhook_id: int, exc: Exception) -> None:
        self._metrics.webhooks_failed.inc()
        log.error("ingest.webhook_failed", extra={"webhook_id": webhook_id, "error": repr(exc)})
        async with self._uow() as uow:
            row = await uow.session.get(InboundWebhook, webhook_id)
            if row is None:
                return
            row.attempts += 1
            row.state = "failed"
            row.error = f"{type(exc).__name__}: {exc}"[:2000]
            delay = min(MAX_RETRY_SECONDS, 2**row.attempts)
            row.next_attempt_at = self._clock.now() + timedelta(seconds=delay)
            await uow.commit()


def _decoded(body: bytes) -> Any:
    value = orjson.loads(body)
    # JSON can only carry a NUL as the escape \u0000: without one, there is nothing to walk.
    return _storable(value) if b"\\u0000" in body else value


def _storable(value: Any) -> Any:
    """The decoded body without NUL characters: they mean nothing in a WhatsApp message, and
    PostgreSQL cannot hold them in text or JSON, so one would fail its webhook for ever."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    return value
