"""A customer's reaction processed before the message it reacts to still lands on it."""

from __future__ import annotations

from sqlalchemy import select

from parley.clock import FixedClock
from parley.messages.models import Message
from tests.factories import envelope, store_webhook, text_webhook
from tests.harness import Node

ANA = "5511987654321"


def reaction_webhook(target: str, emoji: str, wamid: str, timestamp: int) -> dict[str, object]:
    message = {
        "from": ANA,
        "id": wamid,
        "timestamp": str(timestamp),
        "type": "reaction",
        "reaction": {"message_id": target, "emoji": emoji},
    }
    return envelope(messages=[message], contacts=[{"profile": {"name": "Ana"}, "wa_id": ANA}])


async def test_a_reaction_that_comes_first_waits_for_its_message(
    node: Node, clock: FixedClock
) -> None:
    async with node.runtime.uow() as uow:
        await store_webhook(
            uow, clock, reaction_webhook("wamid.LATE", "👍", "wamid.R1", 1767603601)
        )
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, reaction_webhook("wamid.LATE", "❤️", "wamid.R2", 1767603602))
        await store_webhook(uow, clock, text_webhook(ANA, "Here is the photo", "wamid.OTHER"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, text_webhook(ANA, "My order", "wamid.LATE"))
    await node.ingest.run_once()

    async with node.runtime.uow() as uow:
        target = await uow.session.scalar(select(Message).where(Message.wamid == "wamid.LATE"))
        other = await uow.session.scalar(select(Message).where(Message.wamid == "wamid.OTHER"))
    assert target is not None and other is not None
    assert (target.reactions or {})["in"]["emoji"] == "❤️", "the latest reaction wins"
    assert not other.reactions
    created = [
        e["message"]
        for e in node.events("message.created")
        if e["message"]["wamid"] == "wamid.LATE"
    ]
    assert [m["reactions"][0]["emoji"] for m in created] == ["❤️"]
