"""The ingest health view: supervisors and admins see the webhook log's counts and backlog age."""

from __future__ import annotations

import asyncio

import orjson

from parley.clock import FixedClock
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
