"""Every outbound content goes through `queue_outbound` and the sender to the simulator, which
checks it as the Cloud API would; the request has Meta's shape for its type."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.clock import FixedClock
from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction
from parley.messages.content import (
    MediaContent,
    OutboundContent,
    ReactionContent,
    TemplateContent,
    TextContent,
)
from parley.messages.models import Message, OutboxItem
from parley.messages.outbound import queue_outbound
from parley.outbox.worker import OutboxWorker
from parley.settings import Settings
from parley.simulator import create_simulator_app
from parley.whatsapp.graph import GraphClient
from tests.factories import store_webhook, text_webhook
from tests.harness import Node

CUSTOMER = "5511987654321"


class Recorder:
    """Forwards the sender's calls to the simulator and keeps each message request's JSON."""

    def __init__(self, app: Any) -> None:
        self.requests: list[dict[str, Any]] = []
        self._inner = httpx.ASGITransport(app=app)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/messages"):
            self.requests.append(json.loads(request.content))
        return await self._inner.handle_async_request(request)


@pytest.fixture
async def graph(settings: Settings) -> AsyncIterator[tuple[GraphClient, Recorder]]:
    simulator = create_simulator_app(settings, None)
    recorder = Recorder(simulator)
    transport = httpx.MockTransport(recorder.handle)
    async with httpx.AsyncClient(transport=transport) as http:
        yield GraphClient.from_settings(settings, http), recorder
    await simulator.state.simulator.aclose()


async def conversation(node: Node, clock: FixedClock) -> Interaction:
    """The customer writes first (the simulator then knows them and their window is open)."""
    async with node.runtime.uow() as uow:
        await store_webhook(uow, clock, text_webhook(CUSTOMER, "Hi", "wamid.IN1"))
    await node.ingest.run_once()
    async with node.runtime.uow() as uow:
        interaction = await uow.session.scalar(select(Interaction))
        assert interaction is not None
        return interaction


async def queue_to_customer(
    uow: UnitOfWork, interaction: Interaction, content: OutboundContent, clock: FixedClock
) -> Message:
    """`queue_outbound` for the test customer's interaction, written by nobody in particular."""
    return await queue_outbound(
        uow,
        interaction_id=interaction.id,
        session_id=interaction.session_id,
        contact_id=interaction.contact_id,
        to=CUSTOMER,
        author_id=None,
        content=content,
        now=clock.now(),
    )


async def test_each_content_type_reaches_the_simulator_in_metas_shape(
    node: Node, clock: FixedClock, graph: tuple[GraphClient, Recorder]
) -> None:
    client, recorder = graph
    interaction = await conversation(node, clock)
    media_id = await client.upload_media(b"%PDF-1.4 tiny\n", "application/pdf", "bill.pdf")
    contents: list[OutboundContent] = [
        TextContent(body="Your parcel ships today"),
        MediaContent(type="document", media_id=media_id, caption="Your bill", filename="bill.pdf"),
        TemplateContent(
            name="payment_confirmation",
            language="en_US",
            components=[
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": v}
                        for v in ("Ana", "flowers", "$10", "credit", "Friday")
                    ],
                }
            ],
        ),
        ReactionContent(message_id="wamid.IN1", emoji="👍"),
    ]
    async with node.runtime.uow() as uow:
        for content in contents:
            await queue_to_customer(uow, interaction, content, clock)
        await uow.commit()
    sender = OutboxWorker(node.runtime.uow, clock, client, node.runtime.metrics, rate=1000)
    await sender.run_once()

    text, document, template, reaction = recorder.requests
    assert [r["type"] for r in recorder.requests] == ["text", "document", "template", "reaction"]
    assert all(r["to"] == "+" + CUSTOMER for r in recorder.requests)
    assert text["text"] == {"body": "Your parcel ships today", "preview_url": True}
    assert document["document"] == {"id": media_id, "caption": "Your bill", "filename": "bill.pdf"}
    assert template["template"]["name"] == "payment_confirmation"
    assert template["template"]["language"] == {"code": "en_US"}
    assert template["template"]["components"][0]["parameters"][0] == {"type": "text", "text": "Ana"}
    assert reaction["reaction"] == {"message_id": "wamid.IN1", "emoji": "👍"}
    async with node.runtime.uow() as uow:
        states = set(await uow.session.scalars(select(OutboxItem.state)))
        statuses = list(
            await uow.session.scalars(select(Message.status).where(Message.direction == "out"))
        )
    assert states == {"sent"}, "the simulator accepted every one"
    assert statuses == ["sent"] * 4


async def test_a_media_content_without_a_file_fails_with_a_reason(
    node: Node, clock: FixedClock, graph: tuple[GraphClient, Recorder]
) -> None:
    client, recorder = graph
    interaction = await conversation(node, clock)
    async with node.runtime.uow() as uow:
        message = await queue_to_customer(uow, interaction, MediaContent(type="image"), clock)
        await uow.commit()
    await OutboxWorker(node.runtime.uow, clock, client, node.runtime.metrics, rate=1000).run_once()
    assert recorder.requests == []
    async with node.runtime.uow() as uow:
        stored = await uow.session.get(Message, message.id)
        assert stored is not None and stored.status == "failed"
        assert "media id" in (stored.error_details or "")
