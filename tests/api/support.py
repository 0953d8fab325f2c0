"""Helpers for API tests: the customer writing through signed webhooks, waiting for the agent."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.factories import envelope

SECRET = "parley-dev-app-secret"
ANA = "5511987654321"
BRUNO = "5521998765432"
T0 = 1767603600  # 2026-01-05T09:00:00Z, the tests' clock start


async def customer_sends(
    api: Api,
    wamid: str,
    message: dict[str, Any],
    *,
    wa_id: str = ANA,
    name: str = "Ana Souza",
    timestamp: int = T0,
) -> None:
    """A signed webhook carrying one message object (`type` and its payload, maybe `context`)."""
    item = {"from": wa_id, "id": wamid, "timestamp": str(timestamp), **message}
    payload = envelope(messages=[item], contacts=[{"profile": {"name": name}, "wa_id": wa_id}])
    body = orjson.dumps(payload)
    response = await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert response.status_code == 200, response.text


async def customer_says(api: Api, text: str, wamid: str, **kwargs: Any) -> None:
    await customer_sends(api, wamid, {"type": "text", "text": {"body": text}}, **kwargs)


async def eventually(check: Any, what: str) -> Any:
    """Poll `check()` (sync or async) until it returns something truthy."""
    for _ in range(300):
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def held_interactions(api: Api, headers: dict[str, str], n: int = 1) -> list[Any]:
    async def listed() -> list[Any] | None:
        response = await api.client.get("/api/v1/interactions", headers=headers)
        items: list[Any] = response.json()["items"]
        return items if len(items) >= n else None

    result: list[Any] = await eventually(listed, f"{n} interaction(s) reach the agent")
    return result


async def transcript(
    api: Api, headers: dict[str, str], interaction_id: int, **params: Any
) -> dict[str, Any]:
    response = await api.client.get(
        f"/api/v1/interactions/{interaction_id}/messages", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def message_wamid_known(api: Api, headers: dict[str, str], iid: int, text: str) -> Any:
    """The outbound message with `text` once the sender has recorded Meta's wamid for it."""

    async def sent() -> Any:
        items = (await transcript(api, headers, iid))["items"]
        return next((m for m in items if m["text"] == text and m["wamid"]), None)

    return await eventually(sent, f"{text!r} is sent")
