"""The stored webhook log becomes contacts, interactions and messages: once, whatever Meta repeats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.contacts.models import Contact
from parley.ingest import worker as worker_module
from parley.ingest.models import InboundWebhook
from parley.interactions.models import Interaction, InteractionEvent
from parley.messages.models import Message
from parley.whatsapp.payloads import parse_webhook
from tests.factories import add_agent, envelope, store_webhook, text_webhook
from tests.harness import Node

FIXTURES = Path(__file__).parents[1] / "fixtures" / "whatsapp"


async def count(node: Node, model: type) -> int:
    async with node.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_text_message_creates_contact_interaction_and_message(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        await store_webhook(
            uow, clock, text_webhook("5511987654321", "Hi, my order is late", "wamid.A1")
        )
    assert await node.ingest.run_once() is False
    async with node.runtime.uow() as uow:
        contact = await uow.session.scalar(select(Contact))
        interaction = await uow.session.scalar(select(Interaction))
        message = await uow.session.scalar(select(Message))
        webhook = await uow.session.scalar(select(InboundWebhook))
    assert contact is not None and contact.wa_id == "5511987654321"
    assert contact.profile_name == "Ana Souza"
    assert interaction is not None and interaction.state == "queued"
    assert interaction.pending_since == message.timestamp if message else False
    assert interaction.unread_count == 1
    assert message is not None and message.text == "Hi, my order is late"
    assert message.direction == "in" and message.wamid == "wamid.A1"
    assert webhook is not None and webhook.state == "processed"
    # supervisors hear about the new interaction and its message
    assert node.events("interaction.updated")


async def test_duplicates_and_retries_store_one_message(node: Node, clock: FixedClock) -> None:
    payload = text_webhook("5511987654321", "Hello", "wamid.DUP")
    async with node.runtime.uow() as uow:
        for _ in range(3):
            await store_webhook(uow, clock, payload)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, payload)
    await node.ingest.run_once()
    assert await count(node, Message) == 1
    assert await count(node, Interaction) == 1
    async with node.runtime.uow() as uow:
        states = set(await uow.session.scalars(select(InboundWebhook.state)))
    assert states == {"processed"}


async def test_every_entry_change_and_message_is_read(node: Node, clock: FixedClock) -> None:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            text_webhook("5511900000001", "first", "wamid.M1", name="One")["entry"][0],
            {
                "id": "880011223344556",
                "changes": [
                    text_webhook("5511900000002", "second", "wamid.M2", name="Two")["entry"][0][
                        "changes"
                    ][0],
                    envelope(
                        contacts=[
                            {"profile": {"name": "Four"}, "wa_id": "5511900000004"},
                            {"profile": {"name": "Three"}, "wa_id": "5511900000003"},
                        ],
                        messages=[
                            {
                                "from": "5511900000003",
                                "id": "wamid.M3",
                                "timestamp": "1767603601",
                                "type": "text",
                                "text": {"body": "third"},
                            },
                            {
                                "from": "5511900000004",
                                "id": "wamid.M4",
                                "timestamp": "1767603602",
                                "type": "text",
                                "text": {"body": "fourth"},
                            },
                        ],
                    )["entry"][0]["changes"][0],
                ],
            },
        ],
    }
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, payload)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        names = dict((await uow.session.execute(select(Contact.wa_id, Contact.profile_name))).all())
    assert names == {
        "5511900000001": "One",
        "5511900000002": "Two",
        "5511900000003": "Three",
        "5511900000004": "Four",
    }
    assert await count(node, Interaction) == 4


async def test_every_documented_message_type_is_stored(node: Node, clock: FixedClock) -> None:
    expected: set[str] = set()
    async with node.runtime.uow() as uow:
        for path in sorted(FIXTURES.glob("*.json")):
            payload = json.loads(path.read_text())
            if payload["object"] == "whatsapp_business_account":
                batch = parse_webhook(payload, phone_number_id="109876543210987")
                expected |= {m.wamid for m in [*batch.messages, *batch.echoes]}
            await store_webhook(uow, clock, payload)
    while await node.ingest.run_once():
        pass
    async with node.runtime.uow() as uow:
        rows = (await uow.session.execute(select(Message.wamid, Message.type, Message.raw))).all()
        failed = list(
            await uow.session.scalars(
                select(InboundWebhook.note).where(InboundWebhook.state != "processed")
            )
        )
    # only the other number's and the other product's bodies are left out, with their reason
    assert len(failed) == 2
    assert any("174600000000001" in (note or "") for note in failed)
    assert any("'object' is not" in (note or "") for note in failed)
    assert {w for w, _, _ in rows} == expected
    types = {t for _, t, _ in rows}
    assert {
        "text",
        "image",
        "audio",
        "location",
        "contacts",
        "interactive",
        "button",
        "reaction",
        "order",
        "system",
        "unsupported",
    } <= types
    assert all(raw for _, _, raw in rows), "the raw message is kept for every message"


async def test_a_body_not_for_whatsapp_is_ignored_with_its_reason_never_retried(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        page = await store_webhook(uow, clock, {"object": "page", "entry": []})
        bad = await store_webhook(
            uow, clock, b'{"object": "whatsapp_business_account", "entry": 5}'
        )
        await store_webhook(uow, clock, text_webhook("5511987654321", "still here", "wamid.OK"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        for wid, reason in ((page, "'object' is not"), (bad, "'entry' is not a list")):
            row = await uow.session.get(InboundWebhook, wid)
            assert row is not None
            assert row.state == "ignored" and row.attempts == 0 and row.next_attempt_at is None
            assert row.note is not None and reason in row.note
    assert await count(node, Message) == 1
    clock.advance(3600)
    assert await node.ingest.run_once() is False, "nothing is due again"


async def test_a_failed_webhook_succeeds_on_retry_once_fixed(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = worker_module.ingest_batch
    broken = True

    async def flaky(uow: Any, clock_: Any, batches: Any, **options: Any) -> int:
        if broken and any(m.wamid == "wamid.FIX" for b in batches for m in b.messages):
            raise RuntimeError("database hiccup")
        return await real(uow, clock_, batches, **options)

    monkeypatch.setattr(worker_module, "ingest_batch", flaky)
    async with node.runtime.uow() as uow:
        wid = await store_webhook(uow, clock, text_webhook("5511987654321", "fixed", "wamid.FIX"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        row = await uow.session.get(InboundWebhook, wid)
        assert row is not None and row.state == "failed" and row.attempts == 1 and row.error
        assert row.next_attempt_at is not None and row.next_attempt_at > clock.now()
    broken = False
    clock.advance(10)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        row = await uow.session.get(InboundWebhook, wid)
        assert row is not None and row.state == "processed"
    assert await count(node, Message) == 1


async def test_one_failing_message_never_holds_back_the_others_of_its_body(
    node: Node, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = worker_module.ingest_batch

    async def flaky(uow: Any, clock_: Any, batches: Any, **options: Any) -> int:
        if any(m.wamid == "wamid.BAD" for b in batches for m in b.messages):
            raise RuntimeError("this one message cannot be stored")
        return await real(uow, clock_, batches, **options)

    monkeypatch.setattr(worker_module, "ingest_batch", flaky)
    payload = envelope(
        messages=[
            {
                "from": "5511987654321",
                "id": "wamid.BAD",
                "timestamp": "1767603600",
                "type": "text",
                "text": {"body": "bad"},
            },
            {
                "from": "5521998765432",
                "id": "wamid.GOOD",
                "timestamp": "1767603600",
                "type": "text",
                "text": {"body": "good"},
            },
        ],
        contacts=[
            {"profile": {"name": "A"}, "wa_id": "5511987654321"},
            {"profile": {"name": "B"}, "wa_id": "5521998765432"},
        ],
    )
    async with node.runtime.uow() as uow:
        wid = await store_webhook(uow, clock, payload)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        texts = list(await uow.session.scalars(select(Message.text)))
        row = await uow.session.get(InboundWebhook, wid)
    assert texts == ["good"]
    assert row is not None and row.state == "failed", "kept for a retry of the bad message"


async def test_routing_gives_the_interaction_to_a_ready_agent(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        await store_webhook(uow, clock, text_webhook("5511987654321", "Hi", "wamid.R1"))
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        interaction = await uow.session.scalar(select(Interaction))
        history = list(await uow.session.scalars(select(InteractionEvent.to_state)))
    assert interaction is not None
    assert interaction.agent_id == alice.id and interaction.state == "active"
    assert history == ["active"]
    offered = node.events("interaction.offered")
    assert offered and offered[-1]["interaction"]["agent_id"] == alice.id  # type: ignore[index]
    assert any(
        alice.id in e.user_ids for e in node.published if e.event["type"] == "interaction.offered"
    )


async def test_nobody_ready_means_the_interaction_waits(node: Node, clock: FixedClock) -> None:
    async with node.runtime.uow() as uow:
        await add_agent(uow, clock, "bob", ready=False)
        await store_webhook(uow, clock, text_webhook("5511987654321", "Hi", "wamid.W1"))
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        interaction = await uow.session.scalar(select(Interaction))
    assert (
        interaction is not None and interaction.state == "queued" and interaction.agent_id is None
    )


async def test_capacity_limits_concurrent_interactions(node: Node, clock: FixedClock) -> None:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        for n in range(5):
            await store_webhook(
                uow, clock, text_webhook(f"55119000000{n:02d}", "Hi", f"wamid.C{n}")
            )
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        held = await uow.session.scalar(
            select(func.count()).where(Interaction.agent_id == alice.id)
        )
        queued = await uow.session.scalar(select(func.count()).where(Interaction.state == "queued"))
    assert held == 3 and queued == 2


async def test_oversized_names_are_cut_and_oversized_ids_set_aside(
    node: Node, clock: FixedClock
) -> None:
    """Longer than any of Meta's: stored within the columns' sizes on both databases, not failed."""
    long_name = "N" * 300
    quoted = "wamid." + "Q" * 300
    payload = text_webhook("5511987654321", "Hi", "wamid." + "X" * 300, name=long_name)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["context"] = {"id": quoted}
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, payload)
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        contact = await uow.session.scalar(select(Contact))
        message = await uow.session.scalar(select(Message))
        webhook = await uow.session.scalar(select(InboundWebhook))
    assert webhook is not None and webhook.state == "processed", webhook and webhook.error
    assert contact is not None and contact.profile_name == long_name[:200]
    assert message is not None and message.text == "Hi"
    assert message.wamid is not None and message.wamid.startswith("parley.")
    assert message.reply_to_wamid is None


async def test_a_body_nested_too_deeply_is_ignored_and_holds_nothing_back(
    node: Node, clock: FixedClock
) -> None:
    """A signed body with a value nested a thousand levels deep (and a NUL to walk for) is set
    aside with its reason; the message behind it is stored."""
    deep = b"[" * 1000 + b'"\\u0000"' + b"]" * 1000  # within orjson's limit, past Python's
    body = orjson.dumps(text_webhook("5511987654321", "first", "wamid.DEEP"))
    poison = body.replace(b'"type":"text"', b'"extra":' + deep + b',"type":"text"', 1)
    assert poison != body
    async with node.runtime.uow() as uow:
        poisoned = await store_webhook(uow, clock, poison)
        await store_webhook(uow, clock, text_webhook("5511987654321", "second", "wamid.NEXT"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        row = await uow.session.get(InboundWebhook, poisoned)
        assert row is not None and row.state == "ignored"
        assert "nests too deeply" in (row.note or "")
        stored = await uow.session.scalar(select(Message).where(Message.wamid == "wamid.NEXT"))
        assert stored is not None
