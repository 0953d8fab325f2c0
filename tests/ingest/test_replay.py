"""Replaying stored webhooks is idempotent, retries failed ones now, and the health view counts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from parley import cli
from parley.clock import FixedClock
from parley.contacts.models import Contact
from parley.ingest import worker as ingest_worker
from parley.ingest.health import ingest_health
from parley.ingest.models import InboundWebhook
from parley.ingest.replay import ReplayFilter, webhooks_to_replay
from parley.interactions.models import Interaction, InteractionEvent
from parley.messages.models import Message, PendingStatus
from parley.settings import Settings
from tests.conftest import START
from tests.factories import status_webhook, store_webhook, text_webhook
from tests.harness import Node

TABLES = (Contact, Interaction, InteractionEvent, Message, PendingStatus)


async def snapshot(node: Node) -> dict[str, int]:
    async with node.runtime.uow() as uow:
        return {
            model.__name__: int(
                await uow.session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in TABLES
        }


async def store(node: Node, clock: FixedClock, *payloads: dict[str, Any]) -> list[int]:
    async with node.runtime.uow() as uow:
        return [await store_webhook(uow, clock, payload) for payload in payloads]


async def states(node: Node) -> dict[int, str]:
    async with node.runtime.uow() as uow:
        rows = await uow.session.execute(select(InboundWebhook.id, InboundWebhook.state))
        return {webhook_id: state for webhook_id, state in rows}


def failing_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next batch ingest raises (a bug, a lost connection), later ones work."""
    real = ingest_worker.ingest_batch
    calls = {"n": 0}

    async def flaky(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] <= 2:  # the batch, then the same webhook alone
            raise RuntimeError("database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(ingest_worker, "ingest_batch", flaky)


async def test_replaying_processed_webhooks_changes_nothing(node: Node, clock: FixedClock) -> None:
    ids = await store(
        node,
        clock,
        text_webhook("5511987654321", "Hi", "wamid.R1"),
        text_webhook("5511987654321", "Hi", "wamid.R1"),  # Meta's duplicate
        text_webhook("5521998765432", "Olá", "wamid.R2", name="Bruno"),
        status_webhook("wamid.NOT_OURS_YET", "delivered"),
    )
    await node.ingest.run_once()
    await node.routing.run_once()
    before = await snapshot(node)
    assert before["Message"] == 2 and before["PendingStatus"] == 1
    for _ in range(2):
        assert await node.ingest.reprocess(ids) == 0
    assert await snapshot(node) == before
    assert set((await states(node)).values()) == {"processed"}


async def test_failed_webhooks_are_replayed_now(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_once(monkeypatch)
    [webhook_id] = await store(node, clock, text_webhook("5511987654321", "Hi", "wamid.F1"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        health = await ingest_health(uow)
        row = await uow.session.get(InboundWebhook, webhook_id)
        assert row is not None and row.error and "database went away" in row.error
        assert row.next_attempt_at is not None and row.next_attempt_at > clock.now()
        assert await webhooks_to_replay(uow, ReplayFilter(failed_only=True)) == [webhook_id]
    assert (health.failed, health.pending, health.processed, health.received) == (1, 0, 0, 1)
    assert await node.ingest.run_once() is False, "its backoff has not passed"
    assert await node.ingest.reprocess([webhook_id]) == 1
    assert await states(node) == {webhook_id: "processed"}
    assert (await snapshot(node))["Message"] == 1


async def test_a_time_range_selects_by_arrival(node: Node, clock: FixedClock) -> None:
    first = await store(node, clock, text_webhook("5511987654321", "a", "wamid.T1"))
    clock.advance(3600)
    second = await store(node, clock, text_webhook("5511987654321", "b", "wamid.T2"))
    clock.advance(3600)
    third = await store(node, clock, text_webhook("5511987654321", "c", "wamid.T3"))
    middle = ReplayFilter(since=START + timedelta(minutes=30), until=START + timedelta(minutes=90))
    async with node.runtime.uow() as uow:
        assert await webhooks_to_replay(uow, middle) == second
        assert await webhooks_to_replay(uow, ReplayFilter(since=START)) == first + second + third
        assert await webhooks_to_replay(uow, ReplayFilter(failed_only=True, since=START)) == []


async def test_the_health_counts_and_ages_the_backlog(node: Node, clock: FixedClock) -> None:
    async with node.runtime.uow() as uow:
        empty = await ingest_health(uow)
    assert (empty.received, empty.oldest_unprocessed_age(clock.now())) == (0, None)
    await store(node, clock, text_webhook("5511987654321", "a", "wamid.H1"))
    await node.ingest.run_once()
    await store(node, clock, text_webhook("5511987654321", "b", "wamid.H2"))
    clock.advance(42)
    await store(node, clock, text_webhook("5511987654321", "c", "wamid.H3"))
    async with node.runtime.uow() as uow:
        health = await ingest_health(uow)
    assert (health.received, health.processed, health.pending, health.failed) == (3, 1, 2, 0)
    assert health.oldest_unprocessed_age(clock.now()) == 42


def test_the_command_replays_failed_webhooks_and_says_what_it_did(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def prepare() -> None:
        from tests.harness import start_node

        clock = FixedClock(START)
        async for node in start_node(settings, clock):
            failing_once(monkeypatch)
            await store(node, clock, text_webhook("5511987654321", "Hi", "wamid.C1"))
            await node.ingest.run_once()
            assert set((await states(node)).values()) == {"failed"}
            monkeypatch.undo()

    asyncio.run(prepare())
    monkeypatch.setenv("PARLEY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PARLEY_DATA_DIR", str(Path(settings.data_dir)))
    assert cli.main(["webhooks", "replay", "--failed"]) == 0
    assert (
        "replayed 1 webhook(s): 1 processed, 0 failed; 1 new message(s)" in capsys.readouterr().out
    )
    assert cli.main(["webhooks", "replay", "--failed"]) == 0
    assert "replayed 0 webhook(s)" in capsys.readouterr().out
    assert cli.main(["webhooks", "replay", "--since", "2000-01-01"]) == 0
    assert (
        "replayed 1 webhook(s): 1 processed, 0 failed; 0 new message(s)" in capsys.readouterr().out
    )
    assert cli.main(["webhooks", "replay"]) == 1
    assert "choose what to replay" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["webhooks", "replay", "--until", "soon"])
    assert "not an ISO 8601 time" in capsys.readouterr().err
