"""The sender delivers outbox rows to the Cloud API and obeys Meta's error codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.auth.models import User
from parley.clock import FixedClock
from parley.interactions.models import Interaction
from parley.interactions.sending import send_message
from parley.messages.content import TextContent
from parley.messages.models import Message, OutboxItem
from parley.outbox.worker import OutboxWorker
from parley.whatsapp.graph import GraphClient
from tests.factories import add_agent, store_webhook, text_webhook
from tests.harness import Node

Handler = Callable[[httpx.Request], httpx.Response]


def ok(wamid: str = "wamid.SENT1") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": "+5511987654321", "wa_id": "5511987654321"}],
            "messages": [{"id": wamid}],
        },
    )


def meta_error(code: int, status: int = 400, details: str = "details") -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "error": {
                "message": f"(#{code}) Something",
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details},
                "fbtrace_id": "Atrace",
            }
        },
    )


class Graph:
    """A scripted Graph API: answers in turn, records every request."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content))
        answer = self.answers.pop(0) if self.answers else ok()
        if isinstance(answer, Exception):
            raise answer
        return answer


def sender(node: Node, clock: FixedClock, graph: Graph) -> OutboxWorker:
    http = httpx.AsyncClient(transport=httpx.MockTransport(graph))
    client = GraphClient.from_settings(node.runtime.settings, http)
    return OutboxWorker(node.runtime.uow, clock, client, node.runtime.metrics, rate=1000)


async def queue_reply(node: Node, clock: FixedClock, text: str = "Your parcel ships today") -> int:
    async with node.runtime.uow() as uow:
        alice = await add_agent(uow, clock, "alice")
        await store_webhook(uow, clock, text_webhook("5511987654321", "Hi", "wamid.IN1"))
    await node.ingest.run_once()
    await node.routing.run_once()
    async with node.runtime.uow() as uow:
        interaction = await uow.session.scalar(select(Interaction))
        user = await uow.session.get(type(alice), alice.id)
        assert interaction is not None and user is not None
        message = await send_message(
            uow, clock, user, interaction, TextContent(body=text), client_id="c-1", reply_to=None
        )
        await uow.commit()
        return message.id


async def load(node: Node, message_id: int) -> tuple[Message, OutboxItem]:
    async with node.runtime.uow() as uow:
        message = await uow.session.get(Message, message_id)
        item = await uow.session.scalar(
            select(OutboxItem).where(OutboxItem.message_id == message_id)
        )
        assert message is not None and item is not None
        return message, item


async def test_a_reply_is_sent_with_metas_shape_and_its_id_recorded(
    node: Node, clock: FixedClock
) -> None:
    message_id = await queue_reply(node, clock)
    graph = Graph(ok("wamid.OUT9"))
    await sender(node, clock, graph).run_once()
    body = graph.requests[0]
    assert body["to"] == "+5511987654321"
    assert body["type"] == "text" and body["text"]["body"] == "Your parcel ships today"
    assert body["biz_opaque_callback_data"].startswith("parley:outbox:")
    message, item = await load(node, message_id)
    assert message.wamid == "wamid.OUT9" and message.status == "sent"
    assert item.state == "sent"


@pytest.mark.parametrize(
    "failure",
    [
        meta_error(131000, 500),
        meta_error(130429),
        meta_error(131056),
        httpx.Response(503, text="<html>"),
    ],
)
async def test_transient_errors_are_retried_later(
    node: Node, clock: FixedClock, failure: httpx.Response
) -> None:
    message_id = await queue_reply(node, clock)
    graph = Graph(failure, ok("wamid.RETRIED"))
    worker = sender(node, clock, graph)
    await worker.run_once()
    message, item = await load(node, message_id)
    assert item.state == "pending" and item.attempts == 1 and item.last_error
    assert message.status == "queued"
    await worker.run_once()
    assert len(graph.requests) == 1, "not retried before its time"
    clock.advance(3 * 3600)
    await worker.run_once()
    message, item = await load(node, message_id)
    assert item.state == "sent" and message.wamid == "wamid.RETRIED"
    assert len(graph.requests) == 2


@pytest.mark.parametrize(("code", "status"), [(131026, 400), (100, 400), (190, 401), (132001, 404)])
async def test_permanent_errors_fail_with_the_reason_shown(
    node: Node, clock: FixedClock, code: int, status: int
) -> None:
    message_id = await queue_reply(node, clock)
    graph = Graph(meta_error(code, status, details="Why it failed"))
    await sender(node, clock, graph).run_once()
    message, item = await load(node, message_id)
    assert item.state == "failed"
    assert message.status == "failed" and message.error_code == code
    assert message.error_details == "Why it failed"
    clock.advance(24 * 3600)
    await sender(node, clock, graph).run_once()
    assert len(graph.requests) == 1, "a permanent failure is never sent again"


async def test_a_timeout_is_reconciled_before_sending_again(node: Node, clock: FixedClock) -> None:
    message_id = await queue_reply(node, clock)
    graph = Graph(httpx.ReadTimeout("slow"), ok("wamid.SECOND"))
    worker = sender(node, clock, graph)
    await worker.run_once()
    _message, item = await load(node, message_id)
    assert item.state == "pending"
    # Meta had accepted it: its status webhook (naming our outbox row) arrives meanwhile.
    async with node.runtime.uow() as uow:
        from tests.factories import status_webhook

        await store_webhook(
            uow,
            clock,
            status_webhook(
                "wamid.FIRST", "delivered", biz_opaque_callback_data=f"parley:outbox:{item.id}"
            ),
        )
    await node.ingest.run_once()
    clock.advance(60)
    await worker.run_once()
    message, item = await load(node, message_id)
    assert len(graph.requests) == 1, "not sent twice"
    assert item.state == "sent" and message.wamid == "wamid.FIRST" and message.status == "delivered"


async def test_a_timeout_without_news_is_sent_again(node: Node, clock: FixedClock) -> None:
    message_id = await queue_reply(node, clock)
    graph = Graph(httpx.ConnectError("refused"), ok("wamid.AGAIN"))
    worker = sender(node, clock, graph)
    await worker.run_once()
    clock.advance(60)
    await worker.run_once()
    message, item = await load(node, message_id)
    assert item.state == "sent" and message.wamid == "wamid.AGAIN"
    assert graph.requests[0] == graph.requests[1], "the same request, same callback data"


async def test_a_retried_message_keeps_its_place_before_later_ones(
    node: Node, clock: FixedClock
) -> None:
    first = await queue_reply(node, clock, "First")
    async with node.runtime.uow() as uow:
        interaction = await uow.session.scalar(select(Interaction))
        assert interaction is not None and interaction.agent_id is not None
        user = await uow.session.get(User, interaction.agent_id)
        assert user is not None
        for n, text in enumerate(("Second", "Third"), start=2):
            await send_message(
                uow,
                clock,
                user,
                interaction,
                TextContent(body=text),
                client_id=f"c-{n}",
                reply_to=None,
            )
        await uow.commit()
    graph = Graph(meta_error(131000, 500), ok("wamid.A"), ok("wamid.B"), ok("wamid.C"))
    worker = sender(node, clock, graph)
    await worker.run_once()
    assert [r["text"]["body"] for r in graph.requests] == ["First"]
    await worker.run_once()
    assert len(graph.requests) == 1, "later messages overtook the one waiting for its retry"
    _, item = await load(node, first)
    assert item.state == "pending" and item.attempts == 1
    clock.advance(3 * 3600)
    while await worker.run_once():
        pass
    await worker.run_once()
    assert [r["text"]["body"] for r in graph.requests] == ["First", "First", "Second", "Third"]
    async with node.runtime.uow() as uow:
        attempts = list(await uow.session.scalars(select(OutboxItem.attempts)))
    assert sorted(attempts) == [1, 1, 2], "a released message counted an attempt it never made"
