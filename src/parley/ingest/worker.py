"""Processes the stored webhook log: every entry, change, message and status, idempotently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update

from parley.clock import Clock
from parley.db.bulk import by_size
from parley.db.gate import is_busy
from parley.db.uow import UnitOfWork
from parley.ingest.models import InboundWebhook
from parley.ingest.service import ingest_batch
from parley.metrics import Metrics
from parley.whatsapp import jsonbody
from parley.whatsapp.jsonbody import BodyError
from parley.whatsapp.payloads import PayloadError, WebhookBatch, parse_webhook
from parley.workers.base import Worker
from parley.workers.wake import Wake

log = logging.getLogger("parley.ingest")
# Webhooks per batch at most. A batch's work per contact and per interaction (loading them,
# the interaction's update and its event) is shared by all its messages, and its fixed cost
# (claim, mark, commits, a round of routing) by all its webhooks: under a backlog, batches of
# 1,000 drained the benchmark's burst from 300 customers in 0.63 s against 1.02 s in batches of
# 200 (from 3,000 customers: 0.91 against 1.07 s; docs/benchmarks.md, sixth round). The
# database's write lock is held for one batch (about 0.1 s at 1,000 on the reference machine),
# and only while a backlog waits: below saturation a batch is what arrived since the last.
BATCH = 1000
# The bodies a batch holds in memory, at most (or one body, when that alone is larger): Meta's
# are a few KB, but one may reach PARLEY_WEBHOOK_MAX_BODY_BYTES (3 MB by default), and a
# backlog of those (a replay, a worker started again) would otherwise be claimed a thousand
# at a time.
BATCH_BYTES = 32 * 1024 * 1024
# Under load, wait a moment before the next batch: the webhooks stored meanwhile join it, and a
# few large batches cost far less than many small ones. Idle, a message is taken at once; after
# a full batch too, as more than a batch is waiting already.
LINGER_AFTER = 8
LINGER_SECONDS = 0.003
MAX_RETRY_SECONDS = 3600
NOTE_MAX = 2000  # the length of a webhook's note kept (what was ignored in it, and why)
DONE = ("processed", "ignored")
Mark = tuple[list[int], str, str | None]  # webhook ids, the state they reach, a note


# Built once: they run on every batch, and a batch is often one webhook when the load is low.
# Due: pending, or failed and its retry time (`now`) has come.
DUE = or_(
    InboundWebhook.state == "pending",
    (InboundWebhook.state == "failed") & (InboundWebhook.next_attempt_at <= bindparam("now")),
)
# A claim reads the sizes of the next due bodies first (SQLite and PostgreSQL read a value's
# length from its header, not the value), then loads the bodies that fit in `BATCH_BYTES`.
SIZES = (
    select(InboundWebhook.id, func.length(InboundWebhook.body))
    .where(DUE)
    .order_by(InboundWebhook.id)
    .limit(bindparam("limit"))
)
SIZES_LOCKED = SIZES.with_for_update(skip_locked=True)  # PostgreSQL: nodes skip each other's
CLAIM = (
    select(InboundWebhook)
    .where(InboundWebhook.id.in_(bindparam("ids", expanding=True)))
    .order_by(InboundWebhook.id)
)
SET_STATE = (
    update(InboundWebhook)
    .where(InboundWebhook.id.in_(bindparam("ids", expanding=True)))
    .values(
        state=bindparam("state"),
        processed_at=bindparam("processed_at"),
        error=None,
        note=bindparam("note"),
    )
    .execution_options(synchronize_session=False)
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
        phone_number_id: str | None = None,
        prefer_previous: bool = True,
        log: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        """`phone_number_id`: our number; traffic for another number of the app is ignored.
        `prefer_previous`: see `ingest_batch`. `log`: units of work on the webhook log's own
        file (`parley.ingest.log`); without it the log is a table of the database, claimed in
        the transaction that stores its messages."""
        super().__init__()
        self._log = log
        self._phone_number_id = phone_number_id
        self._prefer_previous = prefer_previous
        self._uow = uow
        self._clock = clock
        self._metrics = metrics
        self._on_ingested = on_ingested
        self._busy = False
        self._full = False  # the last claim left due webhooks behind (`_claim`)
        # Clear while the last batch was full (more webhooks wait than one batch takes): the
        # media fetcher of this process lets text go first then.
        self.caught_up = asyncio.Event()
        self.caught_up.set()

    async def run_once(self) -> bool:
        if self._busy:
            await asyncio.sleep(LINGER_SECONDS)
        if self._log is not None:
            return await self._run_beside()
        failed = False
        async with self._uow() as uow:
            rows = await self._claim(uow, BATCH)
            self._note_load(rows)
            if not rows:
                return False
            ids = [row.id for row in rows]
            try:
                created, marks = await self._process(uow, rows)
                await self._mark(uow, marks)
                await uow.commit()
            except Exception as exc:
                await uow.rollback()
                _unless_busy(exc)
                log.warning("ingest.batch_failed", extra={"count": len(ids)}, exc_info=True)
                failed = True
        if failed:
            created = await self._one_by_one(ids)
        return self._done(ids, created)

    async def _run_beside(self) -> bool:
        """The log in its own file: read a batch (no lock: one worker process reads it), store
        its messages, then mark it. A crash between the two commits processes the batch again,
        which changes nothing (messages are keyed by wamid, statuses never go back)."""
        assert self._log is not None
        async with self._log() as reading:
            rows = await self._claim(reading, BATCH)
        self._note_load(rows)
        if not rows:
            return False
        ids = [row.id for row in rows]
        marks: list[Mark] = []
        async with self._uow() as uow:
            try:
                created, marks = await self._process(uow, rows)
                await uow.commit()
            except Exception as exc:
                await uow.rollback()
                _unless_busy(exc)
                log.warning("ingest.batch_failed", extra={"count": len(ids)}, exc_info=True)
                marks = []
        if marks:
            async with self._log() as marking:
                await self._mark(marking, marks)
                await marking.commit()
        else:
            created = await self._one_by_one(ids)
        return self._done(ids, created)

    def _note_load(self, rows: list[InboundWebhook]) -> None:
        """After a claim: whether the next waits a moment, and whether ingest is behind (a
        full batch: more are waiting)."""
        self._busy = len(rows) >= LINGER_AFTER and not self._full
        if self._full:
            self.caught_up.clear()
        else:
            self.caught_up.set()

    def _done(self, ids: list[int], created: int) -> bool:
        self._metrics.webhooks_processed.inc(len(ids))
        self._metrics.messages_ingested.inc(created)
        self._on_ingested()
        return self._full

    async def reprocess(self, ids: Sequence[int]) -> int:
        """Process these stored webhooks now, whatever their state (a replay); returns new messages.

        Safe on webhooks already processed: messages are keyed by wamid, statuses never go back.
        """
        created = 0
        for start in range(0, len(ids), BATCH):
            chunk = list(ids[start : start + BATCH])
            created += await self._one_by_one(chunk, again=True)
        self._metrics.messages_ingested.inc(created)
        self._on_ingested()
        return created

    async def _claim(self, uow: UnitOfWork, limit: int) -> list[InboundWebhook]:
        """The next due webhooks, in order: at most `limit`, and as many as fit in
        `BATCH_BYTES` (at least one). Notes in `_full` whether due ones were left behind."""
        sizes_query = SIZES_LOCKED if uow.dialect == "postgresql" else SIZES
        now = self._clock.now()
        result = await uow.session.execute(sizes_query, {"now": now, "limit": limit})
        sizes = result.all()
        ids: list[int] = next(by_size(sizes, BATCH_BYTES, limit), [])
        self._full = len(sizes) == limit or len(ids) < len(sizes)
        if not ids:
            return []
        return list(await uow.session.scalars(CLAIM, {"ids": ids}))

    def _parse(self, row: InboundWebhook) -> WebhookBatch | str:
        """The webhook's records, or why it is not for Parley at all (then it is ignored)."""
        try:
            batch = parse_webhook(
                _decoded(row.body),
                received_at=row.received_at,
                phone_number_id=self._phone_number_id,
            )
        except (PayloadError, BodyError) as exc:
            return str(exc)
        except RecursionError:
            # Nested deeper than Python can walk: no WhatsApp payload is, and one such body must
            # not hold back every webhook after it (it would fail the same way for ever).
            return "the body nests too deeply to be a WhatsApp payload"
        if batch.empty and batch.not_ours:
            return "; ".join(batch.ignored)[:NOTE_MAX]
        return batch

    async def _process(self, uow: UnitOfWork, rows: list[InboundWebhook]) -> tuple[int, list[Mark]]:
        """Store what these webhooks carry; returns the new messages and how to mark each."""
        parsed = [(row, self._parse(row)) for row in rows]
        batches = [batch for _, batch in parsed if isinstance(batch, WebhookBatch)]
        created = await ingest_batch(
            uow, self._clock, batches, prefer_previous=self._prefer_previous
        )
        # One statement for the whole batch: per-row ORM updates cost more than the ingest itself.
        plain = [r.id for r, b in parsed if isinstance(b, WebhookBatch) and not b.ignored]
        marks: list[Mark] = [(plain, "processed", None)]
        for row, batch in parsed:
            if isinstance(batch, str):
                self._metrics.webhooks_ignored.inc()
                log.info("ingest.webhook_ignored", extra={"webhook_id": row.id, "reason": batch})
                marks.append(([row.id], "ignored", batch))
            elif batch.ignored:
                marks.append(([row.id], "processed", "; ".join(batch.ignored)))
        return created, marks

    async def _mark(self, uow: UnitOfWork, marks: list[Mark]) -> None:
        for ids, state, note in marks:
            await self._set_state(uow, ids, state, note)

    async def _set_state(
        self, uow: UnitOfWork, ids: list[int], state: str, note: str | None
    ) -> None:
        if not ids:
            return
        values = {
            "ids": ids,
            "state": state,
            "processed_at": self._clock.now(),
            "note": note[:NOTE_MAX] if note else None,
        }
        await uow.session.execute(SET_STATE, values)

    async def _one_by_one(self, ids: list[int], *, again: bool = False) -> int:
        """After a failed batch: isolate the webhook(s) at fault, process the rest."""
        created = 0
        for webhook_id in ids:
            error: Exception | None = None
            async with self._log_uow() as reading:
                row = await reading.session.get(InboundWebhook, webhook_id)
            if row is None or (row.state in DONE and not again):
                continue
            marks: list[Mark] = []
            async with self._uow() as uow:
                try:
                    found, marks = await self._process(uow, [row])
                    if self._log is None:
                        await self._mark(uow, marks)
                    await uow.commit()
                    created += found
                except Exception as exc:
                    error = exc
            if error is not None:
                created += await self._record_by_record(webhook_id)
            elif self._log is not None:
                async with self._log() as marking:
                    await self._mark(marking, marks)
                    await marking.commit()
        return created

    def _log_uow(self) -> UnitOfWork:
        return (self._log or self._uow)()

    async def _record_by_record(self, webhook_id: int) -> int:
        """A webhook that fails whole: each message and status in its own transaction, so one
        bad record never holds back the others of the same body (Meta batches customers).
        The webhook stays failed (retried with backoff) while any record fails; the stored
        ones are skipped on the retry (keyed by wamid)."""
        async with self._log_uow() as reading:
            row = await reading.session.get(InboundWebhook, webhook_id)
        try:
            parsed = self._parse(row) if row is not None else "gone"
        except Exception as exc:  # a fault of ours in reading it: set aside, retried later
            await self._mark_failed(webhook_id, exc)
            return 0
        if not isinstance(parsed, WebhookBatch):
            return 0
        created, first_error = 0, None
        for part in _parts(parsed):
            try:
                async with self._uow() as uow:
                    created += await ingest_batch(
                        uow, self._clock, [part], prefer_previous=self._prefer_previous
                    )
                    await uow.commit()
            except Exception as exc:
                log.warning("ingest.record_failed", extra={"webhook_id": webhook_id}, exc_info=True)
                first_error = first_error or exc
        if first_error is not None:
            await self._mark_failed(webhook_id, first_error)
        else:
            async with self._log_uow() as marking:
                note = "; ".join(parsed.ignored)
                await self._set_state(marking, [webhook_id], "processed", note)
                await marking.commit()
        return created

    async def _mark_failed(self, webhook_id: int, exc: Exception) -> None:
        self._metrics.webhooks_failed.inc()
        log.error("ingest.webhook_failed", extra={"webhook_id": webhook_id, "error": repr(exc)})
        async with self._log_uow() as uow:
            row = await uow.session.get(InboundWebhook, webhook_id)
            if row is None:
                return
            row.attempts += 1
            row.state = "failed"
            row.error = f"{type(exc).__name__}: {exc}"[:2000]
            delay = min(MAX_RETRY_SECONDS, 2**row.attempts)
            row.next_attempt_at = self._clock.now() + timedelta(seconds=delay)
            await uow.commit()


def _unless_busy(exc: Exception) -> None:
    """Raise `exc` again when the database was locked elsewhere: the batch is not at fault,
    and taking it apart would only meet the same lock once per webhook; the loop waits and
    tries the batch again (`workers.base`)."""
    if is_busy(exc):
        raise exc


def _parts(batch: WebhookBatch) -> list[WebhookBatch]:
    """One batch per message, echo and status, then the rest (template updates, other changes)."""
    parts = [WebhookBatch(messages=[m]) for m in batch.messages]
    parts += [WebhookBatch(echoes=[e]) for e in batch.echoes]
    parts += [WebhookBatch(statuses=[s]) for s in batch.statuses]
    if batch.template_updates or batch.other:
        parts.append(WebhookBatch(template_updates=batch.template_updates, other=batch.other))
    return parts


def _decoded(body: bytes) -> Any:
    value = jsonbody.loads(body)
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
