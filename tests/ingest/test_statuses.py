"""Delivery statuses apply in any order, never go backwards, and wait for unknown messages."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.ingest.models import InboundWebhook
from parley.interactions.sending import send_message
from parley.messages.content import TextContent
from parley.messages.models import Message, PendingStatus
from parley.messages.statuses import record_wamid
from tests.factories import add_agent, status_webhook, store_webhook, text_webhook
from tests.harness import Node


async def reply(node: Node, clock: FixedClock, text: str = "On its way") -> int:
    """Alice answers Ana; returns the id of the outbound message (not yet sent)."""
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, f"alice{clock.now().microsecond}")
        await store_webhook(uow, clock, text_webhook("5511987654321", "Hi", "wamid.IN1"))
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        from parley.interactions.models import Interaction

        interaction = await uow.session.scalar(select(Interaction))
        user = await uow.session.get(type(alice), alice.id)
        assert interaction is not None and user is not None
        message = await send_message(
            uow, clock, user, interaction, TextContent(body=text), client_id="c1", reply_to=None
        )
        await uow.commit()
        return message.id


async def accepted_as(node: Node, clock: FixedClock, message_id: int, wamid: str) -> None:
    """The Cloud API took the message and answered with `wamid`."""
    async with node.runtime.uow() as uow:
        message = await uow.session.get(Message, message_id)
        assert message is not None
        await record_wamid(uow, clock, message, wamid)
        await uow.commit()


async def statuses_of(node: Node, message_id: int) -> Message:
    async with node.runtime.uow() as uow:
        message = await uow.session.get(Message, message_id)
        assert message is not None
        return message


@pytest.mark.parametrize(
    "order",
    [
        p
        for p in itertools.permutations(["sent", "delivered", "read"])
        if p != ("sent", "delivered", "read")
    ][:3],
)
async def test_statuses_in_any_order_end_at_read(
    node: Node, clock: FixedClock, order: tuple[str, ...]
) -> None:
    message_id = await reply(node, clock)
    await accepted_as(node, clock, message_id, "wamid.OUT1")
    async with node.runtime.uow() as uow:
        for status in order:
            await store_webhook(uow, clock, status_webhook("wamid.OUT1", status))
    await node.ingest.run_once()
    assert (await statuses_of(node, message_id)).status == "read"
    updates = node.events("message.updated")
    assert updates and updates[-1]["message"]["status"] == "read"  # type: ignore[index]


async def test_a_failure_is_stored_with_metas_reason(node: Node, clock: FixedClock) -> None:
    message_id = await reply(node, clock)
    error = {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {
            "details": "More than 24 hours have passed since the customer last replied."
        },
    }
    await accepted_as(node, clock, message_id, "wamid.OUT2")
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, status_webhook("wamid.OUT2", "failed", errors=[error]))
        await store_webhook(uow, clock, status_webhook("wamid.OUT2", "sent"))
    await node.ingest.run_once()
    message = await statuses_of(node, message_id)
    assert message.status == "failed"
    assert message.error_code == 131047
    assert message.error_title == "Re-engagement message"
    assert message.error_details is not None and "24 hours" in message.error_details


async def test_a_status_for_an_unknown_message_waits_for_it(node: Node, clock: FixedClock) -> None:
    message_id = await reply(node, clock)
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, status_webhook("wamid.LATE", "delivered"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        waiting = await uow.session.scalar(select(func.count()).select_from(PendingStatus))
        assert waiting == 1
        message = await uow.session.get(Message, message_id)
        assert message is not None
        await record_wamid(uow, clock, message, "wamid.LATE")
        await uow.commit()
    assert (await statuses_of(node, message_id)).status == "delivered"
    async with node.runtime.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(PendingStatus)) == 0


async def test_a_status_naming_our_outbox_row_finds_the_message(
    node: Node, clock: FixedClock
) -> None:
    """Meta can report a send before its HTTP answer reaches us: the callback data links them."""
    message_id = await reply(node, clock)
    async with node.runtime.uow() as uow:
        from parley.messages.models import OutboxItem

        item = await uow.session.scalar(
            select(OutboxItem).where(OutboxItem.message_id == message_id)
        )
        assert item is not None
        await store_webhook(
            uow,
            clock,
            status_webhook(
                "wamid.EARLY", "sent", biz_opaque_callback_data=f"parley:outbox:{item.id}"
            ),
        )
    await node.ingest.run_once()
    message = await statuses_of(node, message_id)
    assert message.wamid == "wamid.EARLY" and message.status == "sent"


async def test_oversized_error_fields_and_ids_stay_within_bounds(
    node: Node, clock: FixedClock
) -> None:
    message_id = await reply(node, clock)
    error = {"code": 2**40, "title": "T" * 500, "message": "M" * 500}
    await accepted_as(node, clock, message_id, "wamid.OUT3")
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, status_webhook("wamid.OUT3", "failed", errors=[error]))
        await store_webhook(uow, clock, status_webhook("wamid." + "L" * 300, "delivered"))
    await node.ingest.run_once()
    message = await statuses_of(node, message_id)
    assert message.status == "failed"
    assert message.error_code == -1  # not a code Meta could send: unknown
    assert message.error_title == "T" * 200
    async with node.runtime.uow() as uow:
        states = set(await uow.session.scalars(select(InboundWebhook.state)))
        assert await uow.session.scalar(select(func.count()).select_from(PendingStatus)) == 0
    assert states == {"processed"}


async def test_statuses_in_one_batch_are_applied_in_order_and_kept_once(
    node: Node, clock: FixedClock
) -> None:
    """One batch read of the messages and waiting statuses still applies each status in order,
    keeps a status repeated within the batch once, and finds the message a later status names."""
    known = await reply(node, clock)
    await accepted_as(node, clock, known, "wamid.KNOWN")
    async with node.runtime.uow() as uow:
        for wamid, status in [
            ("wamid.KNOWN", "delivered"),
            ("wamid.GONE", "delivered"),
            ("wamid.GONE", "delivered"),  # Meta repeats
            ("wamid.KNOWN", "read"),
            ("wamid.GONE", "read"),
        ]:
            await store_webhook(uow, clock, status_webhook(wamid, status))
    await node.ingest.run_once()  # the five webhooks are one batch
    async with node.runtime.uow() as uow:
        waiting = await uow.session.execute(
            select(PendingStatus.wamid, PendingStatus.status).order_by(PendingStatus.id)
        )
        assert [tuple(row) for row in waiting] == [
            ("wamid.GONE", "delivered"),
            ("wamid.GONE", "read"),
        ]
    assert (await statuses_of(node, known)).status == "read"
