"""An agent's reply and the contact's next message at the same moment, on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from parley.auth.models import User
from parley.clock import FixedClock
from parley.interactions.models import Interaction
from parley.interactions.sending import send_message
from parley.interactions.service import access_interaction
from parley.messages.content import TextContent
from parley.messages.models import Message
from tests.conftest import START
from tests.factories import add_agent, store_webhook, text_webhook
from tests.harness import Node

ANA = "5511987654321"


# SQLite runs one writer at a time: there is no race to lose there.
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_reply_racing_a_new_message_loses_neither(node: Node, clock: FixedClock) -> None:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        await store_webhook(uow, clock, text_webhook(ANA, "Hi", "wamid.IN1"))
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        await store_webhook(
            uow, clock, text_webhook(ANA, "Hello?", "wamid.IN2", timestamp=1767603605)
        )
    clock.advance(10)

    async with node.runtime.uow() as uow:
        user = await uow.session.get(User, alice.id)
        held = await uow.session.scalar(select(Interaction.id))
        assert user is not None and held is not None
        interaction = await access_interaction(uow, user, held, for_update=True)
        ingest = asyncio.create_task(node.ingest.run_once())
        await asyncio.sleep(0.3)  # the ingest now waits for the interaction's row lock
        assert not ingest.done()
        await send_message(
            uow, clock, user, interaction, TextContent(body="Here"), client_id="c1", reply_to=None
        )
        await uow.commit()
    await ingest

    async with node.runtime.uow() as uow:
        after = await uow.session.get(Interaction, held)
        assert after is not None
        assert after.pending_since == START + timedelta(seconds=5), "Hello? is still unanswered"
        assert after.unread_count == 1
        order = await uow.session.scalars(select(Message.text).order_by(Message.id))
        assert list(order) == ["Hi", "Here", "Hello?"], "ids follow commit order"
