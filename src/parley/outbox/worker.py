"""The sender: claims due outbox rows and delivers them to the Cloud API.

Sends to one contact go out one after another, in order; different contacts in parallel, all
under the number's rate limit. Meta's error codes decide between retrying, waiting and failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.typing_indicator import typing_stale
from parley.interactions.pending import reply_failed
from parley.media.sender import MediaSender
from parley.messages.content import MediaContent, OutboundContent, graph_body, load_content
from parley.messages.models import Message, OutboxItem
from parley.messages.outbound import OutboxKind, callback_data
from parley.messages.statuses import record_wamid, set_status
from parley.metrics import Metrics
from parley.outbox import service
from parley.outbox.ratelimit import RateLimiter, TokenBucket
from parley.whatsapp.errors import (
    GraphError,
    GraphTransportError,
    Retry,
    WhatsAppError,
    backoff_seconds,
)
from parley.whatsapp.graph import OutboundMessage, WhatsAppGateway
from parley.workers.base import Worker
from parley.workers.wake import Wake

log = logging.getLogger("parley.outbox")
BATCH = 100
MAX_ATTEMPTS = 8
# After a timeout Meta may have taken the message: wait this long for its status webhook
# (which names our outbox row) before sending again.
RECONCILE_SECONDS = 20


class OutboxWorker(Worker):
    name = Wake.OUTBOX

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        gateway: WhatsAppGateway,
        metrics: Metrics,
        rate: float,
        limiter: RateLimiter | None = None,
        media: MediaSender | None = None,
        lease_seconds: float = service.CLAIM_SECONDS,
        confirm_claims: bool = False,
    ) -> None:
        """`lease_seconds`: how long a claim holds without renewal (see `service.claim_due`);
        claims in hand are renewed every third of it, so only a dead node's run out.
        `confirm_claims`: other nodes share the outbox, so each claim is confirmed still ours
        right before its call to Meta (a node that stalled past its lease sends nothing)."""
        super().__init__()
        self._confirm = confirm_claims
        self._media = media
        self._lease = lease_seconds
        self._in_hand: set[int] = set()  # claimed items not yet sent, rescheduled or released
        self._uow = uow
        self._clock = clock
        self._gateway = gateway
        self._metrics = metrics
        self._bucket = limiter or TokenBucket(rate)
        self._held: set[int] = set()  # items of this round that will be sent again later

    async def run_once(self) -> bool:
        async with self._uow() as uow:
            claimed = await service.claim_due(uow, self._clock.now(), BATCH, self._lease)
            await uow.commit()
        if not claimed:
            await self._update_depth()
            return False
        by_contact: dict[str, list[service.Claimed]] = defaultdict(list)
        for item in claimed:
            by_contact[item.to_wa_id].append(item)
        self._in_hand = {item.id for item in claimed}
        renewing = asyncio.create_task(self._renew_claims())
        try:
            await asyncio.gather(*(self._send_in_order(items) for items in by_contact.values()))
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            self._in_hand.clear()
        await self._update_depth()
        return len(claimed) == BATCH

    async def _renew_claims(self) -> None:
        """While this round sends (a batch at a rate shared by many nodes can outlast a lease),
        keep its claims: another node takes over only the claims of a sender that died."""
        while True:
            await asyncio.sleep(self._lease / 3)
            held = sorted(self._in_hand)
            if not held:
                continue
            until = self._clock.now() + timedelta(seconds=self._lease)
            try:
                async with self._uow() as uow:
                    await service.renew(uow, held, until)
                    await uow.commit()
            except Exception:  # the next renewal tries again; the lease has room for it
                log.warning("outbox.renew_failed", extra={"count": len(held)}, exc_info=True)

    async def _update_depth(self) -> None:
        async with self._uow() as uow:
            depth = await uow.session.scalar(
                select(func.count()).where(OutboxItem.state.in_(("pending", "sending")))
            )
        self._metrics.outbox_depth.set(depth or 0)

    async def _send_in_order(self, items: list[service.Claimed]) -> None:
        for position, item in enumerate(items):
            try:
                await self._send(item)
            except Exception as exc:  # a bug in one send must not strand the others' claims
                log.exception("outbox.send_crashed", extra={"outbox_id": item.id})
                if item.attempts >= MAX_ATTEMPTS:
                    # Crashing every time: give it up, or it holds back the contact's later
                    # messages for ever.
                    await self._on_graph_error(item, _unsendable(f"could not be sent: {exc!r}"))
                else:
                    self._held.add(item.id)
            self._in_hand.discard(item.id)
            if item.id in self._held:
                self._held.discard(item.id)
                # It will go again later: what follows it to this contact waits for it, so the
                # customer never reads the second message before the first.
                await self._release(items[position + 1 :])
                return

    async def _release(self, items: list[service.Claimed]) -> None:
        if not items:
            return
        self._in_hand.difference_update(item.id for item in items)
        async with self._uow() as uow:
            await service.release(uow, [item.id for item in items])
            await uow.commit()

    async def _send(self, item: service.Claimed) -> None:
        try:
            kind = OutboxKind(item.kind)
        except ValueError:
            await self._on_graph_error(item, _unsendable(f"unknown outbox kind {item.kind!r}"))
            return
        if kind is OutboxKind.MESSAGE and await self._already_accepted(item):
            return
        if kind is OutboxKind.TYPING and typing_stale(item.created_at, self._clock.now()):
            await self._drop(item, "typing indicator too old to show")
            return
        await self._bucket.acquire()
        if self._confirm and not await self._still_ours(item):
            log.warning("outbox.claim_lost", extra={"outbox_id": item.id})
            return
        try:
            with self._metrics.send_seconds.time():
                wamid = await self._deliver(kind, item)
        except GraphError as exc:
            self._metrics.outbox_errors.labels(str(exc.code)).inc()
            await self._on_graph_error(item, exc)
            return
        except (ValueError, KeyError, TypeError) as exc:
            # A request Meta could never accept (or a row the sender cannot read): fail it, once.
            await self._on_graph_error(item, _unsendable(str(exc)))
            return
        except GraphTransportError as exc:
            self._metrics.outbox_errors.labels("transport").inc()
            # A request that never left can go again at once; one that may have been
            # accepted waits for its status webhook first.
            delay = RECONCILE_SECONDS if exc.maybe_sent else backoff_seconds(0, item.attempts)
            await self._reschedule(item, delay, f"no answer: {exc}")
            return
        self._metrics.outbox_sent.labels(item.kind).inc()
        await self._on_sent(item, wamid)

    async def _still_ours(self, item: service.Claimed) -> bool:
        until = self._clock.now() + timedelta(seconds=self._lease)
        async with self._uow() as uow:
            ours = await service.confirm(uow, item.id, item.attempts, until)
            await uow.commit()
        return ours

    async def _deliver(self, kind: OutboxKind, item: service.Claimed) -> str | None:
        """One call to the Cloud API for the item; the new message's wamid, if it is one."""
        match kind:
            case OutboxKind.MARK_READ | OutboxKind.TYPING:
                typing = kind is OutboxKind.TYPING
                await self._gateway.mark_read(item.payload["wamid"], typing)
                return None
            case OutboxKind.MESSAGE:
                content = await self._prepared(load_content(item.payload["content"]))
                result = await self._gateway.send(self._outbound(item, content))
                return result.wamid

    async def _prepared(self, content: OutboundContent) -> OutboundContent:
        """The content as the Cloud API takes it: an agent's attachment is uploaded first."""
        if isinstance(content, MediaContent) and content.media_id is None and content.link is None:
            if self._media is None or content.attachment_id is None:
                raise ValueError("media needs a media id, a link or a stored attachment")
            media_id = await self._media.upload(
                self._uow, self._gateway, content.attachment_id, self._clock.now()
            )
            return content.model_copy(update={"media_id": media_id})
        return content

    def _outbound(self, item: service.Claimed, content: OutboundContent) -> OutboundMessage:
        type_, body = graph_body(content)
        return OutboundMessage(
            to=item.to_wa_id,
            type=type_,
            body=body,
            context_wamid=item.payload.get("context"),
            callback_data=callback_data(item.id),
        )

    async def _already_accepted(self, item: service.Claimed) -> bool:
        """A retry after a timeout: did a status webhook already show Meta has the message?"""
        if item.attempts <= 1 or item.message_id is None:
            return False
        async with self._uow() as uow:
            message = await uow.session.get(Message, item.message_id)
            if message is None or message.wamid is None:
                return False
            await service.finish(uow, item.id, self._clock.now())
            await uow.commit()
        return True

    async def _on_sent(self, item: service.Claimed, wamid: str | None) -> None:
        async with self._uow() as uow:
            await service.finish(uow, item.id, self._clock.now())
            if item.message_id is not None and wamid is not None:
                message = await uow.session.get(Message, item.message_id)
                if message is not None:
                    failed = await record_wamid(uow, self._clock, message, wamid)
                    if failed is not None:
                        await reply_failed(uow, failed, self._clock.now())
            await uow.commit()
        log.info("outbox.sent", extra={"outbox_id": item.id, "wamid": wamid})

    async def _drop(self, item: service.Claimed, reason: str) -> None:
        async with self._uow() as uow:
            await service.drop(uow, item.id, reason)
            await uow.commit()
        log.info("outbox.dropped", extra={"outbox_id": item.id, "reason": reason})

    async def _on_graph_error(self, item: service.Claimed, exc: GraphError) -> None:
        retryable = exc.retry in (Retry.RETRY, Retry.LATER) and item.attempts < MAX_ATTEMPTS
        if retryable:
            await self._reschedule(item, backoff_seconds(exc.code, item.attempts), str(exc))
            return
        log.warning("outbox.failed", extra={"outbox_id": item.id, "code": exc.code})
        # Some errors (190, an expired token) carry no details, only Meta's message: show that.
        reason = exc.details or exc.message
        async with self._uow() as uow:
            await service.give_up(uow, item.id, f"{exc.code}: {reason}")
            if item.message_id is not None:
                message = await uow.session.get(Message, item.message_id)
                if message is not None:
                    error = WhatsAppError(exc.code, exc.title, exc.title, reason, None)
                    failed = await set_status(uow, message, "failed", self._clock.now(), error)
                    if failed is not None:
                        await reply_failed(uow, failed, self._clock.now())
            await uow.commit()

    async def _reschedule(self, item: service.Claimed, delay: float, error: str) -> None:
        if item.attempts >= MAX_ATTEMPTS:
            await self._on_graph_error(
                item, GraphError(code=131000, message=error, http_status=0, details=error)
            )
            return
        at = self._clock.now() + timedelta(seconds=delay)
        async with self._uow() as uow:
            await service.retry_later(uow, item.id, at, error)
            await uow.commit()
        self._held.add(item.id)
        self._loop_wake_at(delay)

    def _loop_wake_at(self, delay: float) -> None:
        asyncio.get_running_loop().call_later(delay, self.wake)


def _unsendable(reason: str) -> GraphError:
    """An error for a request that can never succeed as it is: failed at once, not retried."""
    return GraphError(100, reason, details=reason)
