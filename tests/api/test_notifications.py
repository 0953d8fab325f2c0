"""Templates synced from the simulator's Cloud API, notifications sent, the 24-hour window."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import orjson

from parley.clock import FixedClock, SystemClock
from parley.simulator.templates import seed_templates
from parley.whatsapp.signature import sign
from tests.api import test_with_simulator
from tests.api.conftest import Api
from tests.api.support import ANA, SECRET, customer_says, eventually, held_interactions
from tests.api.test_with_simulator import Stack
from tests.factories import add_agent

stack = test_with_simulator.stack  # the fixture: Parley and the simulator wired together

PAYMENT = {
    "1": "Masha Ivanova",
    "2": "tulips 🌷",
    "3": "$12",
    "4": "debit",
    "5": "Thursday, May 14, 2020",
}


async def admin(api: Api, clock: Any) -> dict[str, str]:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", ready=False, role="admin")
    token = await api.login("root")
    api.client.cookies.clear()
    return {"Authorization": f"Bearer {token}"}


async def names(api: Api, headers: dict[str, str]) -> list[str]:
    response = await api.client.get("/api/v1/templates", headers=headers)
    assert response.status_code == 200
    return [t["name"] for t in response.json()["items"]]


async def test_sync_reads_every_page_and_offers_only_approved(stack: Stack) -> None:
    api = stack.api
    root = await admin(api, SystemClock())
    # 150 more approved templates: the Cloud API lists them over two pages of 100.
    for n in range(150):
        extra = copy.deepcopy(seed_templates()[3])
        extra.update(id=f"99{n:05d}", name=f"bulk_{n:03d}")
        stack.sim.templates.append(extra)
    synced = await api.client.post("/api/v1/templates/sync", headers=root)
    assert synced.status_code == 200, synced.text
    assert synced.json() == {"synced": 160, "approved": 156}
    listed = await names(api, root)
    assert len(listed) == 156
    assert "payment_confirmation" in listed and "bulk_149" in listed
    assert not {"spring_sale", "loyalty_points", "promo_blast", "legacy_offer"} & set(listed)
    agent = await api.agent(SystemClock(), "alice", ready=False)
    refused = await api.client.post("/api/v1/templates/sync", headers=agent)
    assert refused.status_code == 403


async def test_the_payment_notification_reaches_the_phone_with_exactly_its_values(
    stack: Stack,
) -> None:
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Did you get my payment?"}, "profile_name": "Masha"},
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    sent = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/notifications",
        json={"template": "payment_confirmation", "language": "en_US", "parameters": PAYMENT},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert message["type"] == "template"
    assert message["text"].startswith("Hello Masha Ivanova.\nHave you ordered tulips 🌷?")
    assert message["content"]["footer"] == "Parley Store"

    async def on_phone() -> list[dict[str, Any]]:
        return [m for m in await stack.phone_messages() if m["direction"] == "out"]

    [phone] = await eventually(on_phone, "the template reaches the phone")
    assert phone["type"] == "template"
    template = phone["content"]
    assert template["name"] == "payment_confirmation"
    assert template["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": v} for v in PAYMENT.values()]}
    ]
    assert phone["view"]["text"] == message["text"]  # the phone shows what the agent saw
    assert phone["view"]["footer"] == "Parley Store"


async def test_a_status_webhook_takes_a_template_off_the_list_live(stack: Stack) -> None:
    api = stack.api
    alice = await api.agent(SystemClock(), "alice", ready=False)
    await eventually(lambda: names(api, alice), "templates synced at start")
    changed = await stack.phone.post(
        "/_sim/templates/payment_confirmation/status",
        json={"status": "PAUSED", "language": "en_US"},
    )
    assert changed.status_code == 200, changed.text

    async def gone() -> bool:
        return "payment_confirmation" not in await names(api, alice)

    await eventually(gone, "the paused template leaves the list")
    assert "order_shipped" in await names(api, alice)


def template_webhook(event: str, **extra: Any) -> bytes:
    value = {
        "event": event,
        "message_template_id": 1387372356726601,
        "message_template_name": "payment_confirmation",
        "message_template_language": "en-US",
        "reason": "NONE",
        "message_template_category": "UTILITY",
        **extra,
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "880011223344556",
                "time": 1767603600,
                "changes": [{"field": "message_template_status_update", "value": value}],
            }
        ],
    }
    return orjson.dumps(payload)


async def test_status_updates_reach_every_desktop_and_can_approve_again(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    body = template_webhook(
        "REJECTED",
        reason="INVALID_FORMAT",
        rejection_info={"reason": "Two variables are adjacent.", "recommendation": "Add words."},
    )
    response = await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert response.status_code == 200

    def announced() -> list[dict[str, Any]]:
        events = api.events("template.updated")
        return [
            e
            for e in events
            if e["template"]["status"] == "REJECTED"
            and e["template"]["name"] == "payment_confirmation"
        ]

    [event] = await eventually(announced, "template.updated goes out")
    assert event["template"]["status"] == "REJECTED"
    assert event["template"]["reason"] == "INVALID_FORMAT: Two variables are adjacent."
    envelope = next(e for e in api.bus.published if e.event == event)
    assert envelope.roles == {"agent", "supervisor", "admin"}  # every desktop hears it
    assert "payment_confirmation" not in await names(api, alice)

    body = template_webhook("REINSTATED")
    await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )

    async def back() -> bool:
        return "payment_confirmation" in await names(api, alice)

    await eventually(back, "a reinstated template is offered again")


async def test_after_25_silent_hours_text_is_refused_and_a_template_accepted(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    await customer_says(api, "Hello?", "wamid.W1")
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    clock.advance(25 * 3600)
    alice = {"Authorization": f"Bearer {await api.login('alice')}"}  # a new day's login
    api.client.cookies.clear()
    text = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Are you there?", "client_id": "late-1"},
        headers=alice,
    )
    assert text.status_code == 409
    assert text.json()["error"]["code"] == "window_closed"
    assert "24-hour" in text.json()["error"]["message"]
    template = await api.client.post(
        f"/api/v1/interactions/{iid}/notifications",
        json={"template": "service_followup", "language": "en_US", "parameters": {}},
        headers=alice,
    )
    assert template.status_code == 201, template.text
    sent = await api.graph.wait_for(1)
    assert [r["type"] for r in sent] == ["template"]
    assert sent[0]["template"] == {"name": "service_followup", "language": {"code": "en_US"}}


async def test_bad_notifications_are_refused_with_clear_errors(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    await customer_says(api, "Hello?", "wamid.W2")
    [interaction] = await held_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/notifications"

    async def refused(body: dict[str, Any]) -> tuple[int, str]:
        response = await api.client.post(url, json=body, headers=alice)
        return response.status_code, response.json()["error"]["code"]

    payment = {"template": "payment_confirmation", "language": "en_US"}
    assert await refused({**payment, "parameters": {**PAYMENT, "4": ""}}) == (
        422,
        "parameter_missing",
    )
    assert await refused({**payment, "parameters": {**PAYMENT, "9": "x"}}) == (
        422,
        "unknown_parameter",
    )
    assert await refused({**payment, "parameters": {**PAYMENT, "2": "x" * 1000}}) == (
        422,
        "body_too_long",
    )
    paused = {"template": "spring_sale", "language": "en_US", "parameters": {"1": "20%"}}
    assert await refused(paused) == (404, "template_not_approved")
    assert await refused({**payment, "language": "pt_BR", "parameters": PAYMENT}) == (
        404,
        "template_not_approved",
    )
    assert api.graph.requests == [r for r in api.graph.requests if "status" in r]  # none sent


async def test_a_template_meta_refuses_fails_with_its_reason_and_nothing_else_is_lost(
    stack: Stack,
) -> None:
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Hi"}, "profile_name": "Masha"},
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    fault = await stack.phone.post(
        "/_sim/faults", json={"kind": "graph_error", "code": 132015, "count": 1}
    )
    assert fault.status_code in (200, 201), fault.text
    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/notifications",
        json={"template": "payment_confirmation", "language": "en_US", "parameters": PAYMENT},
        headers=alice,
    )
    assert sent.status_code == 201
    after = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Sorry, one moment.", "client_id": "after-1"},
        headers=alice,
    )
    assert after.status_code == 201

    async def settled() -> list[dict[str, Any]] | None:
        response = await api.client.get(f"/api/v1/interactions/{iid}/messages", headers=alice)
        ours = [m for m in response.json()["items"] if m["direction"] == "out"]
        return ours if ours[0]["status"] == "failed" and ours[1]["wamid"] else None

    failed, text = await eventually(settled, "the template fails, the text goes on")
    assert failed["error"]["code"] == 132015
    assert failed["error"]["title"].lower() == "template is paused"  # Meta's own words
    assert text["status"] != "failed"
    phone = [m for m in await stack.phone_messages() if m["direction"] == "out"]
    assert [m["type"] for m in phone] == ["text"]


async def test_order_holds_when_the_first_message_is_retried(stack: Stack) -> None:
    """A response's text, then what follows it, reach the phone in the order sent, even when
    WhatsApp refuses the first one for a moment and the sender retries it."""
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    await eventually(lambda: names(api, alice), "templates synced at start")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Hi"}, "profile_name": "Masha"},
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    fault = await stack.phone.post(
        "/_sim/faults", json={"kind": "graph_error", "code": 131016, "count": 1}
    )
    assert fault.status_code in (200, 201), fault.text
    first = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Here is your confirmation.", "client_id": "order-1"},
        headers=alice,
    )
    assert first.status_code == 201
    second = await api.client.post(
        f"/api/v1/interactions/{iid}/notifications",
        json={"template": "payment_confirmation", "language": "en_US", "parameters": PAYMENT},
        headers=alice,
    )
    assert second.status_code == 201

    for _ in range(300):  # the retry waits out its backoff
        phone = [m for m in await stack.phone_messages() if m["direction"] == "out"]
        if len(phone) == 2:
            break
        await asyncio.sleep(0.05)
    assert [m["type"] for m in phone] == ["text", "template"]
    assert phone[0]["content"]["body"] == "Here is your confirmation."
