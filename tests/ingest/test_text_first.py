"""Text before photos: while ingest is behind, the media fetcher of its process waits for it;
and a worker started again fetches at once what the one before it had claimed."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from parley.clock import FixedClock, SystemClock
from parley.ingest import worker as worker_module
from parley.ingest.models import InboundWebhook
from parley.media import worker as media_worker
from parley.media.inbound import LEASE_SECONDS, claim_due, record_failure, release_claims
from parley.media.models import Attachment
from parley.media.worker import MediaFetcher
from tests.factories import store_webhook, text_webhook
from tests.harness import Node


class Opened(Exception):
    """The fetcher began its round: it opened a unit of work."""


def fetcher(opened: list[float], caught_up: asyncio.Event) -> MediaFetcher:
    loop = asyncio.get_running_loop()

    def uow() -> Any:
        opened.append(loop.time())
        raise Opened

    return MediaFetcher(uow, SystemClock(), None, None, defer_to=caught_up)  # type: ignore[arg-type]


async def test_media_wait_until_ingest_catches_up() -> None:
    opened: list[float] = []
    caught_up = asyncio.Event()
    round_ = asyncio.create_task(fetcher(opened, caught_up).run_once())
    await asyncio.sleep(0.2)
    assert opened == [], "no media fetched while text waits"
    caught_up.set()
    with pytest.raises(Opened):
        await asyncio.wait_for(round_, 1)
    assert len(opened) == 1


async def test_media_are_never_starved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_worker, "DEFER_SECONDS", 0.1)
    opened: list[float] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(Opened):
        await asyncio.wait_for(fetcher(opened, asyncio.Event()).run_once(), 2)
    assert 0.09 <= opened[0] - started < 1.0


async def store_texts(
    node: Node, clock: FixedClock, count: int, tag: str, text: str = "hi"
) -> None:
    """`count` webhooks of one text each, from as many contacts (wamids `wamid.<tag><n>`)."""
    async with node.runtime.uow() as uow:
        for n in range(count):
            body = text_webhook(f"55119000000{n:02d}", text, f"wamid.{tag}{n}")
            await store_webhook(uow, clock, body)


async def test_ingest_is_behind_only_while_its_batches_are_full(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "BATCH", 3)
    await store_texts(node, clock, 4, "T")
    assert node.ingest.caught_up.is_set()
    assert await node.ingest.run_once() is True  # a full batch: more wait
    assert not node.ingest.caught_up.is_set()
    assert await node.ingest.run_once() is False
    assert node.ingest.caught_up.is_set()


async def test_ingest_lingers_after_a_partial_batch_only(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of some size but not full: wait a moment so the next one gathers more. After a
    full one more are waiting already, and the wait would only idle the worker."""
    monkeypatch.setattr(worker_module, "BATCH", 4)
    monkeypatch.setattr(worker_module, "LINGER_AFTER", 2)
    lingered: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        lingered.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(worker_module.asyncio, "sleep", sleep)
    await store_texts(node, clock, 7, "L")
    assert await node.ingest.run_once() is True  # 4 of 7: full
    assert await node.ingest.run_once() is False  # 3 left: partial
    assert lingered == [], "no wait after a full batch"
    assert await node.ingest.run_once() is False  # nothing left
    assert lingered == [worker_module.LINGER_SECONDS], "a wait after the partial one"


async def test_a_new_worker_takes_over_the_claims_of_the_one_it_replaces(
    node: Node, clock: FixedClock
) -> None:
    now = clock.now()

    def photo(state: str, due_in: float, *, claimed: bool = True) -> Attachment:
        return Attachment(direction="in", state=state, kind="image", mime_type="image/jpeg",
                          filename="photo.jpg", attempts=1, created_at=now, updated_at=now,
                          next_attempt_at=now + timedelta(seconds=due_in),
                          claimed_at=now if claimed else None)  # fmt: skip

    async with node.runtime.uow() as uow:
        uow.session.add_all([
            photo("loading", LEASE_SECONDS),
            photo("ready", LEASE_SECONDS),
            photo("loading", 30, claimed=False),  # waiting for a retry after a failed fetch
        ])  # fmt: skip
        await uow.commit()
    async with node.runtime.uow() as uow:
        assert await claim_due(uow, now, 8) == []  # claimed by a worker that died
        assert await release_claims(uow, now) == 1  # the one still loading and claimed
        [due] = await claim_due(uow, now, 8)
    assert due.state == "loading" and due.attempts == 2 and due.claimed_at == now
    async with node.runtime.uow() as uow:
        [retry] = await claim_due(uow, now + timedelta(seconds=30), 8)
    assert retry.attempts == 2, "the retry kept its time, and its attempts"


async def test_a_failed_fetch_ends_its_claim(node: Node, clock: FixedClock) -> None:
    """After a failed fetch the file waits for its retry: a worker starting then leaves it be."""
    now = clock.now()
    async with node.runtime.uow() as uow:
        uow.session.add(Attachment(direction="in", state="loading", kind="image",
                                   mime_type="image/jpeg", filename="photo.jpg", attempts=0,
                                   created_at=now, updated_at=now))  # fmt: skip
        await uow.commit()
    async with node.runtime.uow() as uow:
        [claimed] = await claim_due(uow, now, 8)
        await record_failure(uow, claimed, now, "timed out", retry_in=30)
        await uow.commit()
    async with node.runtime.uow() as uow:
        assert await release_claims(uow, now) == 0
        assert await claim_due(uow, now + timedelta(seconds=29), 8) == []
        [retry] = await claim_due(uow, now + timedelta(seconds=30), 8)
    assert retry.attempts == 2


async def test_a_database_locked_elsewhere_leaves_the_batch_for_later(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked by another process: the batch is not taken apart webhook by webhook (each would
    meet the same lock), nor marked failed; the loop tries it again once the lock is gone."""
    from parley.db.gate import GateTimeout

    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, text_webhook("5511900000001", "hi", "wamid.B1"))

    async def locked(*_args: Any, **_kwargs: Any) -> int:
        raise GateTimeout("parley.db.lock stayed locked for 30 s")

    monkeypatch.setattr(worker_module, "ingest_batch", locked)
    with pytest.raises(GateTimeout):
        await node.ingest.run_once()
    monkeypatch.undo()
    assert await node.ingest.run_once() is False
    async with node.runtime.log_uow() as uow:
        states = list(await uow.session.scalars(select(InboundWebhook.state)))
    assert states == ["processed"]


async def test_a_batch_holds_about_batch_bytes_of_bodies_whatever_came_before(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog of large bodies (a replay, a worker started again) is claimed a few at a time,
    however small the bodies before them were; a body larger than the budget goes alone."""
    monkeypatch.setattr(worker_module, "BATCH", 10)
    await store_texts(node, clock, 4, "S")
    await store_texts(node, clock, 8, "B", text="x" * 3000)
    async with node.runtime.uow() as uow:
        sizes = {len(b) for b in await uow.session.scalars(select(InboundWebhook.body))}
    small, large = min(sizes), max(sizes)
    monkeypatch.setattr(worker_module, "BATCH_BYTES", 4 * small + 3 * large)

    async def processed() -> int:
        async with node.runtime.uow() as uow:
            states = await uow.session.scalars(select(InboundWebhook.state))
            return sum(1 for state in states if state == "processed")

    assert await node.ingest.run_once() is True  # 4 small and 3 large fit; more wait
    assert await processed() == 7
    assert await node.ingest.run_once() is True  # 4 large would not fit: 3
    assert await processed() == 10
    monkeypatch.setattr(worker_module, "BATCH_BYTES", large // 2)
    assert await node.ingest.run_once() is True  # larger than the budget: alone
    assert await processed() == 11
    assert await node.ingest.run_once() is False  # the last: nothing left behind
    assert await processed() == 12
