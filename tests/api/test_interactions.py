"""An agent's interactions through the REST API: see, read, reply, mark done; nobody else's."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from parley.clock import FixedClock
from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.factories import text_webhook

SECRET = "parley-dev-app-secret"


async def customer_writes(api: Api, text: str, wamid: str, wa_id: str = "5511987654321") -> None:
    body = orjson.dumps(text_webhook(wa_id, text, wamid, timestamp=1767603600))
    response = await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert response.status_code == 200


async def wait_for_interactions(api: Api, headers: dict[str, str], n: int = 1) -> list[Any]:
    for _ in range(200):
        items: list[Any] = (await api.client.get("/api/v1/interactions", headers=headers)).json()[
            "items"
        ]
        if len(items) >= n:
            return items
        await asyncio.sleep(0.02)
    raise AssertionError("the interaction never reached the agent")


async def test_the_agent_sees_reads_replies_and_marks_done(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_writes(api, "Hi, my order is late", "wamid.I1")
    [interaction] = await wait_for_interactions(api, alice)
    assert interaction["state"] == "active"
    assert interaction["contact"]["name"] == "Ana Souza"
    assert interaction["contact"]["wa_id"] == "5511987654321"
    assert interaction["pending_since"] == "2026-01-05T09:00:00Z"
    assert interaction["unread_count"] == 1
    iid = interaction["id"]

    page = (await api.client.get(f"/api/v1/interactions/{iid}/messages", headers=alice)).json()
    assert [m["text"] for m in page["items"]] == ["Hi, my order is late"]
    assert page["has_more"] is False

    read = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert read.json()["unread_count"] == 0

    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Let me check that for you.", "client_id": "k-1"},
        headers=alice,
    )
    assert sent.status_code == 201
    message = sent.json()
    assert message["direction"] == "out" and message["status"] == "queued"
    assert message["author"]["name"] == "Alice"
    again = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Let me check that for you.", "client_id": "k-1"},
        headers=alice,
    )
    assert again.json()["id"] == message["id"], "the same client_id never sends twice"
    reused = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Something else", "client_id": "k-1"},
        headers=alice,
    )
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "client_id_reused"

    after = (await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)).json()
    assert after["pending_since"] is None

    done = await api.client.post(
        f"/api/v1/interactions/{iid}/done", json={"disposition": "Resolved"}, headers=alice
    )
    assert done.json()["state"] == "done"
    assert (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"] == []
    twice = await api.client.post(f"/api/v1/interactions/{iid}/done", json={}, headers=alice)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "interaction_done"


async def test_another_agent_cannot_see_or_touch_it(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    bob = await api.agent(clock, "bob", ready=False)
    await customer_writes(api, "Hi", "wamid.I2")
    [interaction] = await wait_for_interactions(api, alice)
    iid = interaction["id"]
    for method, path, body in [
        ("GET", f"/api/v1/interactions/{iid}", None),
        ("GET", f"/api/v1/interactions/{iid}/messages", None),
        ("POST", f"/api/v1/interactions/{iid}/messages", {"text": "x", "client_id": "b1"}),
        ("POST", f"/api/v1/interactions/{iid}/done", {}),
    ]:
        response = await api.client.request(method, path, json=body, headers=bob)
        assert response.status_code == 404, path
    assert (await api.client.get("/api/v1/interactions", headers=bob)).json()["items"] == []


async def test_bad_replies_are_refused_and_nothing_is_stored(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_writes(api, "Hi", "wamid.I3")
    [interaction] = await wait_for_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/messages"
    for body in [
        {"text": "", "client_id": "a"},
        {"text": "x" * 4097, "client_id": "b"},
        {"text": "hi", "client_id": ""},
        {"text": "hi", "client_id": "<script>"},
        {"text": "hi"},
        {"text": "hi", "client_id": "c", "reply_to": 999999},
    ]:
        response = await api.client.post(url, json=body, headers=alice)
        assert response.status_code in (404, 422), body
        assert "error" in response.json()
    page = (await api.client.get(url, headers=alice)).json()
    assert [m["direction"] for m in page["items"]] == ["in"]


async def test_a_reply_outside_the_24_hour_window_is_refused(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_writes(api, "Hi", "wamid.I4")
    [interaction] = await wait_for_interactions(api, alice)
    clock.advance(25 * 3600)
    alice = {"Authorization": "Bearer " + await api.login("alice")}  # the old session expired
    response = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={"text": "Still there?", "client_id": "late"},
        headers=alice,
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "window_closed"


async def test_quoted_replies_keep_the_quoted_message(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_writes(api, "Where is order 2291?", "wamid.Q1")
    [interaction] = await wait_for_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/messages"
    inbound = (await api.client.get(url, headers=alice)).json()["items"][0]
    sent = await api.client.post(
        url,
        json={"text": "It ships today", "client_id": "q", "reply_to": inbound["id"]},
        headers=alice,
    )
    assert sent.status_code == 201
    quoted = sent.json()["reply_to"]
    assert quoted == {
        "id": inbound["id"],
        "wamid": "wamid.Q1",
        "text": "Where is order 2291?",
        "direction": "in",
        "type": "text",
    }


async def test_a_reply_posted_late_keeps_when_the_agent_wrote_it(
    api: Api, clock: FixedClock
) -> None:
    """The desktop posts a reply again once its connection is back, with the time the agent
    pressed Send: the message keeps it, the transcript shows it there."""
    alice = await api.agent(clock, "alice")
    await customer_writes(api, "Hi", "wamid.L1")
    [interaction] = await wait_for_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/messages"
    written = clock.now()
    clock.advance(40)
    late = await api.client.post(
        url,
        json={
            "text": "Sorry, I was offline",
            "client_id": "l-1",
            "composed_at": written.isoformat(),
        },
        headers=alice,
    )
    assert late.status_code == 201, late.text
    assert late.json()["composed_at"] == "2026-01-05T09:00:00Z"
    assert late.json()["created_at"] == "2026-01-05T09:00:40Z"
    page = (await api.client.get(url, headers=alice)).json()
    assert [m["composed_at"] for m in page["items"]] == [None, "2026-01-05T09:00:00Z"]

    # a browser clock ahead of the server's is not a late reply
    ahead = await api.client.post(
        url,
        json={"text": "On time", "client_id": "l-2", "composed_at": "2026-01-05T09:05:00Z"},
        headers=alice,
    )
    assert ahead.status_code == 201 and ahead.json()["composed_at"] is None
    for bad, status, code in [
        ("2026-01-05T09:00:00", 422, "validation_error"),  # no time zone
        ("yesterday", 422, "validation_error"),
        ("2026-01-04T08:00:00Z", 422, "composed_too_long_ago"),
    ]:
        refused = await api.client.post(
            url, json={"text": "x", "client_id": "l-3", "composed_at": bad}, headers=alice
        )
        assert refused.status_code == status, (bad, refused.text)
        assert refused.json()["error"]["code"] == code
    page = (await api.client.get(url, headers=alice)).json()
    assert [m["text"] for m in page["items"]] == ["Hi", "Sorry, I was offline", "On time"]
