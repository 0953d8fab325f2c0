"""The pending response follows the transcript: a reply that failed for good answers nobody, and
a reply written before the customer's newest message (posted late) does not answer that one."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from parley.clock import FixedClock, SystemClock
from parley.whatsapp.signature import sign
from tests.api import test_with_simulator
from tests.api.conftest import Api
from tests.api.support import ANA, eventually, held_interactions
from tests.api.test_interactions import SECRET, wait_for_interactions
from tests.api.test_with_simulator import Stack
from tests.factories import text_webhook

stack = test_with_simulator.stack  # the fixture: Parley and the simulator wired together


async def test_a_reply_meta_refuses_for_good_brings_the_wait_back(stack: Stack) -> None:
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages", json={"type": "text", "text": {"body": "Hi"}}
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    waiting = interaction["pending_since"]
    assert waiting is not None
    fault = await stack.phone.post(
        "/_sim/faults", json={"kind": "graph_error", "code": 131021, "count": 1}
    )
    assert fault.status_code in (200, 201), fault.text
    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Hello!", "client_id": "f-1"},
        headers=alice,
    )
    assert sent.status_code == 201
    assert sent.json()["status"] != "failed"

    async def failed() -> dict[str, Any] | None:
        got = await api.client.get(f"/api/v1/interactions/{iid}/messages", headers=alice)
        [reply] = [m for m in got.json()["items"] if m["direction"] == "out"]
        return reply if reply["status"] == "failed" else None

    await eventually(failed, "Meta refuses the reply")
    [again] = (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"]
    assert again["pending_since"] == waiting  # from the customer's message, as before


async def customer_writes(api: Api, text: str, wamid: str, at: int) -> None:
    body = orjson.dumps(text_webhook("5511987654321", text, wamid, timestamp=at))
    response = await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert response.status_code == 200


async def test_a_customer_message_after_a_late_reply_was_written_stays_pending(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    start = 1767603600  # 2026-01-05T09:00:00Z, the clock's start
    await customer_writes(api, "Hi", "wamid.P1", start)
    [interaction] = await wait_for_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/messages"
    clock.advance(10)
    written = clock.now()  # the agent presses Send while offline
    clock.advance(20)
    await customer_writes(api, "Anyone there?", "wamid.P2", start + 30)
    for _ in range(200):
        [item] = (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"]
        if (item["last_message"] or {}).get("text") == "Anyone there?":
            break
        await asyncio.sleep(0.02)
    clock.advance(30)
    late = await api.client.post(
        url,
        json={"text": "Happy to help", "client_id": "p-1", "composed_at": written.isoformat()},
        headers=alice,
    )
    assert late.status_code == 201, late.text
    [item] = (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"]
    assert item["pending_since"] == "2026-01-05T09:00:30Z"  # the unanswered message
    assert item["last_message"]["text"] == "Anyone there?"

    # a reply written after it answers it
    on_time = await api.client.post(
        url, json={"text": "Yes, here", "client_id": "p-2"}, headers=alice
    )
    assert on_time.status_code == 201
    [item] = (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"]
    assert item["pending_since"] is None and item["last_message"]["text"] == "Yes, here"
