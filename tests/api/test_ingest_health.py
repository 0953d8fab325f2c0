"""The ingest health view: supervisors and admins see the webhook log's counts and backlog age."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import orjson
from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.ingest.models import InboundWebhook
from parley.messages.models import Message
from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.factories import add_agent, text_webhook

SECRET = "parley-dev-app-secret"


async def deliver(api: Api, payload: object) -> None:
    body = orjson.dumps(payload)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)}
    response = await api.client.post("/webhooks/whatsapp", content=body, headers=headers)
    assert response.status_code == 200


async def supervisor(api: Api, clock: FixedClock) -> dict[str, str]:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    return {"Authorization": f"Bearer {await api.login('sam')}"}


async def test_supervisors_see_received_processed_failed_and_backlog_age(
    api: Api, clock: FixedClock
) -> None:
    headers = await supervisor(api, clock)
    await deliver(api, text_webhook("5511987654321", "Hi", "wamid.IH1"))
    await deliver(api, text_webhook("5511987654321", "Hi", "wamid.IH1"))
    for _ in range(200):
        body = (await api.client.get("/api/v1/ingest/health", headers=headers)).json()
        if body["processed"] == 2:
            break
        await asyncio.sleep(0.01)
    assert body == {
        "received": 2,
        "processed": 2,
        "failed": 0,
        "pending": 0,
        "oldest_unprocessed_at": None,
        "oldest_unprocessed_age_seconds": None,
    }
    metrics = (await api.client.get("/metrics")).text
    assert 'parley_ingest_webhooks{state="processed"} 2.0' in metrics
    assert "parley_ingest_oldest_unprocessed_seconds 0.0" in metrics
    assert "parley_webhook_backlog 0.0" in metrics


async def test_agents_and_strangers_are_refused(api: Api, clock: FixedClock) -> None:
    agent = await api.agent(clock, "alice")
    refused = await api.client.get("/api/v1/ingest/health", headers=agent)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    anonymous = await api.client.get("/api/v1/ingest/health")
    assert anonymous.status_code == 401


async def wait_until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(300):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(what)


async def test_admins_replay_through_the_running_node(api: Api, clock: FixedClock) -> None:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", role="admin", ready=False)
        # A webhook that failed and waits for its next attempt an hour away.
        failed = InboundWebhook(
            received_at=clock.now(),
            body=orjson.dumps(text_webhook("5511987654321", "Still there?", "wamid.RP1")),
            state="failed",
            attempts=3,
            next_attempt_at=clock.now() + timedelta(hours=1),
            error="RuntimeError('database was away')",
        )
        uow.session.add(failed)
        await uow.commit()
    admin = {"Authorization": f"Bearer {await api.login('root')}"}
    await deliver(api, text_webhook("5511987654321", "Hi", "wamid.RP0"))

    async def counts() -> dict[str, int]:
        body = (await api.client.get("/api/v1/ingest/health", headers=admin)).json()
        return {k: body[k] for k in ("processed", "failed", "pending")}

    async def settled() -> bool:
        return await counts() == {"processed": 2, "failed": 0, "pending": 0}

    assert (await counts())["failed"] == 1
    answer = await api.client.post(
        "/api/v1/ingest/replay", json={"failed_only": True}, headers=admin
    )
    assert answer.status_code == 202 and answer.json() == {"queued": 1}
    await wait_until(settled, "the failed webhook was processed on the node")
    assert [e["message"]["wamid"] for e in api.events("message.created")][-1] == "wamid.RP1"

    # Everything again: idempotent, nothing stored twice, no new message announced.
    announced = len(api.events("message.created"))
    everything = {"since": "2026-01-01T00:00:00Z"}
    answer = await api.client.post("/api/v1/ingest/replay", json=everything, headers=admin)
    assert answer.json() == {"queued": 2}
    await wait_until(settled, "the replayed webhooks were processed again")
    async with api.runtime.uow() as uow:
        stored = await uow.session.scalar(select(func.count()).select_from(Message))
    assert stored == 2 and len(api.events("message.created")) == announced


async def test_replay_is_for_admins_and_needs_a_choice(api: Api, clock: FixedClock) -> None:
    headers = await supervisor(api, clock)
    refused = await api.client.post(
        "/api/v1/ingest/replay", json={"failed_only": True}, headers=headers
    )
    assert refused.status_code == 403
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", role="admin", ready=False)
    admin = {"Authorization": f"Bearer {await api.login('root')}"}
    for body in ({}, {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}):
        answer = await api.client.post("/api/v1/ingest/replay", json=body, headers=admin)
        assert answer.status_code == 422, answer.text
    naive = await api.client.post(
        "/api/v1/ingest/replay", json={"since": "2026-01-01T00:00:00"}, headers=admin
    )
    assert naive.status_code == 422
