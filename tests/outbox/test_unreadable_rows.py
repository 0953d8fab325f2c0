"""A row the sender cannot read fails once; it never holds back the contact's later messages."""

from __future__ import annotations

from sqlalchemy import select

from parley.clock import FixedClock
from parley.messages.content import TextContent
from parley.messages.models import OutboxItem
from parley.outbox.worker import OutboxWorker
from tests.harness import Node
from tests.outbox.test_content_types import CUSTOMER, Recorder, conversation, queue_to_customer
from tests.outbox.test_content_types import graph as graph  # the fixture


async def test_an_unreadable_row_fails_and_the_next_message_still_goes(
    node: Node, clock: FixedClock, graph: tuple[object, Recorder]
) -> None:
    client, recorder = graph
    interaction = await conversation(node, clock)
    async with node.runtime.uow() as uow:
        old = OutboxItem(
            kind="message",
            to_wa_id=CUSTOMER,
            payload={"type": "text", "body": {"body": "from an older node"}},
            state="pending",
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )
        uow.session.add(old)
        await uow.session.flush()
        await queue_to_customer(uow, interaction, TextContent(body="Still here"), clock)
        await uow.commit()
    sender = OutboxWorker(node.runtime.uow, clock, client, node.runtime.metrics, rate=1000)  # type: ignore[arg-type]
    for _ in range(3):
        await sender.run_once()
    async with node.runtime.uow() as uow:
        states = list(await uow.session.scalars(select(OutboxItem.state).order_by(OutboxItem.id)))
    assert states == ["failed", "sent"]
    assert [r["text"]["body"] for r in recorder.requests] == ["Still here"]
