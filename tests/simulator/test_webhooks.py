"""Signed webhooks: Meta's envelope, every inbound type, retries, order, batching, faults."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from parley.settings import Settings
from parley.simulator import create_simulator_app, default_retry_schedule, sign, verify
from parley.simulator.service import Simulator

from .support import ANA, BRUNO, WEBHOOK_URL, FakeClock, Receiver, customer_says, send, settle


async def test_inbound_text_has_metas_exact_envelope_and_signature(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver, settings: Settings
) -> None:
    wamid = await customer_says(control, text="Olá! 👋 my order is late", name="Ana Souza")
    await settle(sim)
    [call] = receiver.calls
    user_id = sim.store.customers[ANA].user_id
    assert re.fullmatch(r"BR\.\d{19}", user_id)  # a 2026 business-scoped user id
    assert call.headers["content-type"] == "application/json"
    expected = "sha256=" + hmac.new(b"test-secret", call.body, hashlib.sha256).hexdigest()
    assert call.headers["x-hub-signature-256"] == expected
    assert b"\\u00e1" in call.body and b"\\ud83d\\udc4b" in call.body  # Meta escapes non-ASCII
    assert call.json == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "880011223344556",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550001111",
                                "phone_number_id": "109876543210987",
                            },
                            "contacts": [
                                {"profile": {"name": "Ana Souza"}, "wa_id": ANA, "user_id": user_id}
                            ],
                            "messages": [
                                {
                                    "from": ANA,
                                    "from_user_id": user_id,
                                    "id": wamid,
                                    "timestamp": "1767225600",
                                    "type": "text",
                                    "text": {"body": "Olá! 👋 my order is late"},
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def test_sign_and_verify_helpers() -> None:
    body = b'{"a":"\\u00e9"}'
    header = sign(body, "s3cret")
    assert header == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert verify(body, "s3cret", header)
    assert not verify(body + b" ", "s3cret", header)
    assert not verify(body, "other", header)
    assert not verify(body, "s3cret", None)


INBOUND: list[tuple[str, dict[str, Any]]] = [
    ("location", {"type": "location", "location": {"latitude": -23.56, "longitude": -46.65}}),
    ("contacts", {"type": "contacts", "contacts": [{"name": {"formatted_name": "Bruno"}}]}),
    ("order", {"type": "order", "order": {"catalog_id": "1", "product_items": []}}),
    ("forwarded", {"type": "text", "text": {"body": "fwd"}, "context": {"forwarded": True}}),
    ("referral", {"type": "text", "text": {"body": "ad"}, "referral": {"source_type": "ad"}}),
]


@pytest.mark.parametrize(("name", "body"), INBOUND, ids=[n for n, _ in INBOUND])
async def test_inbound_objects_pass_through_with_from_id_timestamp(
    name: str, body: dict[str, Any], control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    response = await control.post(f"/_sim/customers/{ANA}/messages", json=body)
    assert response.status_code == 201, response.text
    await settle(sim)
    [message] = receiver.messages()
    assert message["id"] == response.json()["id"]
    assert message["from"] == ANA and message["timestamp"] == "1767225600"
    for key, value in body.items():
        assert message[key] == value


async def test_replies_to_business_messages_carry_context(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await customer_says(control)
    out = await send(graph, {"to": ANA, "text": {"body": "Did it arrive?"}})
    business_wamid = out.json()["messages"][0]["id"]
    replies = [
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "btn-yes", "title": "Yes"},
            },
        },
        {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": "r1", "title": "Late"}},
        },
        {"type": "button", "button": {"text": "Talk to an agent", "payload": "HANDOFF"}},
        {"type": "text", "text": {"body": "quoted"}},
    ]
    for reply in replies:
        response = await control.post(
            f"/_sim/customers/{ANA}/messages", json={**reply, "context": {"id": business_wamid}}
        )
        assert response.status_code == 201, response.text
    await settle(sim)
    received = receiver.messages()[1:]
    assert len(received) == 4
    for message in received:
        assert next(iter(message)) == "context"  # Meta puts context first
        assert message["context"] == {"from": "15550001111", "id": business_wamid}
    assert received[2]["button"] == {"text": "Talk to an agent", "payload": "HANDOFF"}


async def test_reaction_and_its_removal(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await customer_says(control)
    out = (await send(graph, {"to": ANA, "text": {"body": "Thanks"}})).json()["messages"][0]["id"]
    url = f"/_sim/customers/{ANA}/messages"
    await control.post(
        url, json={"type": "reaction", "reaction": {"message_id": out, "emoji": "❤️"}}
    )
    phone = (await control.get(url)).json()["messages"]
    assert phone[1]["reactions"] == {"customer": "❤️"}
    await control.post(url, json={"type": "reaction", "reaction": {"message_id": out}})
    phone = (await control.get(url)).json()["messages"]
    assert phone[1]["reactions"] == {}
    await settle(sim)
    reactions = [m["reaction"] for m in receiver.messages() if m["type"] == "reaction"]
    assert reactions == [{"message_id": out, "emoji": "❤️"}, {"message_id": out}]
    bad = await control.post(url, json={"type": "reaction", "reaction": {"message_id": "nope"}})
    assert bad.status_code == 400


async def test_system_message_has_no_contacts_and_unsupported_gets_errors(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    system = {
        "type": "system",
        "system": {
            "body": "User A changed from 1 to 2",
            "wa_id": BRUNO,
            "type": "user_changed_number",
        },
    }
    await control.post(f"/_sim/customers/{ANA}/messages", json=system)
    await control.post(f"/_sim/customers/{ANA}/messages", json={"type": "unsupported"})
    await settle(sim)
    first, second = receiver.values()
    assert "contacts" not in first
    assert first["messages"][0]["system"]["type"] == "user_changed_number"
    unsupported = second["messages"][0]
    assert unsupported["errors"][0]["code"] == 131051
    assert unsupported["unsupported"] == {"type": "unknown"}


async def test_inbound_media_types(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    samples = {
        "image": ("a.jpg", b"\xff\xd8\xff" + b"j" * 20, "image/jpeg"),
        "audio": ("v.ogg", b"OggS" + b"o" * 20, "audio/ogg; codecs=opus"),
        "video": ("v.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        "sticker": ("s.webp", b"RIFF\x00\x00\x00\x00WEBP", "image/webp"),
    }
    for kind, (name, content, mime) in samples.items():
        stored = (await control.post("/_sim/media", files={"file": (name, content, mime)})).json()
        assert stored["kind"] == kind
        extra = {"voice": True} if kind == "audio" else {}
        response = await control.post(
            f"/_sim/customers/{ANA}/messages",
            json={"type": kind, kind: {"id": stored["id"], **extra}},
        )
        assert response.status_code == 201, response.text
    await settle(sim)
    received = receiver.messages()
    assert [m["type"] for m in received] == list(samples)
    assert received[1]["audio"]["voice"] is True
    assert received[1]["audio"]["mime_type"] == "audio/ogg; codecs=opus"
    assert all(len(m[m["type"]]["sha256"]) == 64 for m in received)


@pytest.mark.parametrize(
    ("name", "mime", "limit", "word"),
    [
        ("v.mp4", "video/mp4", 16 * 1024 * 1024, "video"),
        ("a.ogg", "audio/ogg", 16 * 1024 * 1024, "audio file"),
        ("p.jpg", "image/jpeg", 5 * 1024 * 1024, "photo"),
        ("s.webp", "image/webp", 500 * 1024, "sticker"),
    ],
)
async def test_a_phone_cannot_send_media_over_whatsapps_limit(
    control: httpx.AsyncClient, name: str, mime: str, limit: int, word: str
) -> None:
    """WHATSAPP.md §5: the same per-kind limits bind what a customer's phone sends."""
    at_limit = await control.post("/_sim/media", files={"file": (name, b"\0" * limit, mime)})
    assert at_limit.status_code == 201, at_limit.text
    over = await control.post("/_sim/media", files={"file": (name, b"\0" * (limit + 1), mime)})
    assert over.status_code == 413
    error = over.json()["error"]
    assert error["code"] == "too_large"
    assert f"WhatsApp cannot send this {word}" in error["message"]
    assert f"(this one is {limit + 1:,} bytes)" in error["message"]


async def test_retries_a_failing_receiver_with_identical_signed_bytes(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    receiver.answers = [500, 503]
    await customer_says(control)
    log = (await control.get("/_sim/webhooks?wait=5")).json()
    assert log["pending"] == 0
    assert len(receiver.calls) == 3
    assert len({c.body for c in receiver.calls}) == 1
    assert len({c.headers["x-hub-signature-256"] for c in receiver.calls}) == 1
    [delivery] = log["deliveries"]
    assert delivery["state"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    # the customer's phone shows two ticks once the business got it
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[0]["status"] == "delivered"


async def test_gives_up_when_the_schedule_ends(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    receiver.answers = [500] * 10
    await customer_says(control)
    await settle(sim)
    [delivery] = (await control.get("/_sim/webhooks")).json()["deliveries"]
    assert delivery["state"] == "dropped"
    assert len(delivery["attempts"]) == 4  # first try + the 3 retries of the test schedule
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[0]["status"] == "sent"


async def test_connection_errors_and_timeouts_are_retried(settings: Settings) -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        if len(seen) == 1:
            raise httpx.ConnectError("refused")
        if len(seen) == 2:
            raise httpx.ReadTimeout("slow")
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        app = create_simulator_app(settings, WEBHOOK_URL, http=http, retry_schedule=(0, 0))
        sim: Simulator = app.state.simulator
        sim.customer_sends(ANA, {"type": "text", "text": {"body": "hi"}}, "Ana")
        await settle(sim)
        [delivery] = sim.webhooks.log
        assert delivery.state == "delivered"
        assert [a.error for a in delivery.attempts] == ["ConnectError: refused", "timeout", None]
        assert len(set(seen)) == 1
        await sim.aclose()


async def test_order_is_kept_per_customer_while_retrying(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    receiver.answers = [500]
    ids = [await customer_says(control, text=f"m{n}") for n in range(4)]
    await settle(sim)
    delivered = [c.value["messages"][0]["id"] for c in receiver.calls]
    assert delivered == [ids[0], *ids]  # the failed first try, then all in order


async def test_graph_answer_does_not_wait_for_the_webhook(settings: Settings) -> None:
    release = asyncio.Event()

    async def slow(request: Request) -> PlainTextResponse:
        await release.wait()
        return PlainTextResponse("ok")

    receiver = Starlette(routes=[Route("/webhooks/whatsapp", slow, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver)) as http:
        app = create_simulator_app(settings, WEBHOOK_URL, http=http, retry_schedule=())
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://sim.test",
            headers={"Authorization": "Bearer test-token"},
        ) as client:
            await customer_says(client)
            response = await asyncio.wait_for(send(client, {"to": ANA, "text": {"body": "x"}}), 1)
            assert response.status_code == 200
            assert app.state.simulator.webhooks.pending > 0
            release.set()
            await settle(app.state.simulator)
        await app.state.simulator.aclose()


async def test_batching_puts_pending_events_in_one_post(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"batch_webhooks": True})
    ids = [
        sim.customer_sends(ANA, {"type": "text", "text": {"body": f"{n}"}}, "Ana").id
        for n in range(3)
    ]
    await settle(sim)
    [call] = receiver.calls
    value = call.value
    assert [m["id"] for m in value["messages"]] == ids
    assert value["contacts"] == [
        {"profile": {"name": "Ana"}, "wa_id": ANA, "user_id": sim.store.customers[ANA].user_id}
    ]


async def test_one_post_per_event_by_default(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    for n in range(3):
        sim.customer_sends(ANA, {"type": "text", "text": {"body": f"{n}"}}, "Ana")
    await settle(sim)
    assert len(receiver.calls) == 3


async def test_webhook_failure_fault_never_reaches_the_receiver(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/faults", json={"kind": "webhook_failure", "count": 2})
    await customer_says(control)
    await settle(sim)
    assert len(receiver.calls) == 1
    [delivery] = sim.webhooks.log
    assert [a.status_code for a in delivery.attempts] == [500, 500, 200]


async def test_bad_signature_fault_is_caught_by_a_verifying_receiver(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    receiver.secret = "test-secret"
    await control.post("/_sim/faults", json={"kind": "bad_signature"})
    await customer_says(control)
    await settle(sim)
    first, second = receiver.calls
    assert not verify(first.body, "test-secret", first.headers["x-hub-signature-256"])
    assert verify(second.body, "test-secret", second.headers["x-hub-signature-256"])
    assert [a.status_code for a in sim.webhooks.log[0].attempts] == [401, 200]


async def test_timeout_and_duplicate_faults_deliver_twice(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/faults", json={"kind": "webhook_timeout"})
    await customer_says(control)
    await settle(sim)
    assert len(receiver.calls) == 2
    assert sim.webhooks.log[0].attempts[0].error == "timeout (injected)"
    await control.post("/_sim/faults", json={"kind": "duplicate_webhook"})
    await customer_says(control, text="again")
    await settle(sim)
    assert receiver.calls[2].body == receiver.calls[3].body


async def test_without_a_webhook_url_events_are_skipped(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"webhook_url": None})
    await customer_says(control)
    await settle(sim)
    assert receiver.calls == []
    assert sim.webhooks.log[0].state == "skipped"


async def test_template_status_update_webhook(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver, graph: httpx.AsyncClient
) -> None:
    response = await control.post(
        "/_sim/templates/appointment_reminder/status", json={"status": "PAUSED"}
    )
    assert response.status_code == 200
    await settle(sim)
    [call] = receiver.calls
    entry = call.json["entry"][0]
    assert isinstance(entry["time"], int)
    change = entry["changes"][0]
    assert change["field"] == "message_template_status_update"
    assert change["value"]["event"] == "PAUSED"
    assert change["value"]["message_template_name"] == "appointment_reminder"
    assert isinstance(change["value"]["message_template_id"], int)
    await customer_says(control)
    paused = await send(
        graph,
        {
            "to": ANA,
            "type": "template",
            "template": {"name": "appointment_reminder", "language": {"code": "en_US"}},
        },
    )
    assert paused.json()["error"]["code"] == 132015


def test_default_retry_schedule_is_meta_like() -> None:
    schedule = default_retry_schedule()
    assert schedule[:4] == (0.0, 1.0, 2.0, 5.0)
    assert list(schedule) == sorted(schedule)
    assert 6.9 * 86400 < sum(schedule) <= 7 * 86400


async def test_webhook_log_body_is_json(control: httpx.AsyncClient, sim: Simulator) -> None:
    await customer_says(control)
    log = (await control.get("/_sim/webhooks?wait=5")).json()
    assert json.loads(log["deliveries"][0]["body"])["object"] == "whatsapp_business_account"
    assert log["deliveries"][0]["events"][0].startswith("message text wamid.")


async def test_statuses_carry_bsuid_contacts_except_failed(
    graph: httpx.AsyncClient,
    control: httpx.AsyncClient,
    sim: Simulator,
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    await customer_says(control)
    ok = await send(graph, {"to": ANA, "text": {"body": "in window"}})
    clock.advance(25 * 3600)
    late = await send(graph, {"to": ANA, "text": {"body": "too late"}})
    await settle(sim)
    user_id = sim.store.customers[ANA].user_id
    sent = next(
        r.value for r in receiver.calls if r.value.get("statuses", [{}])[0].get("status") == "sent"
    )
    assert sent["contacts"] == [{"wa_id": ANA, "user_id": user_id}]
    assert sent["statuses"][0]["recipient_user_id"] == user_id
    assert sent["statuses"][0]["id"] == ok.json()["messages"][0]["id"]
    failed = next(
        r.value
        for r in receiver.calls
        if r.value.get("statuses", [{}])[0].get("status") == "failed"
    )
    assert failed["statuses"][0]["id"] == late.json()["messages"][0]["id"]
    assert "contacts" not in failed
    assert "recipient_user_id" not in failed["statuses"][0]


async def test_bsuid_fields_can_be_switched_off(
    control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"bsuid": False})
    await customer_says(control)
    await settle(sim)
    value = receiver.calls[0].value
    assert value["contacts"] == [{"profile": {"name": "Ana Souza"}, "wa_id": ANA}]
    assert "from_user_id" not in value["messages"][0]


async def test_late_sent_fault_sends_sent_after_read(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"auto_read": True})
    await control.post("/_sim/faults", json={"kind": "late_sent"})
    await customer_says(control)
    first = (await send(graph, {"to": ANA, "text": {"body": "a"}})).json()["messages"][0]["id"]
    second = (await send(graph, {"to": ANA, "text": {"body": "b"}})).json()["messages"][0]["id"]
    await settle(sim)
    assert [s["status"] for s in receiver.statuses(first)] == ["delivered", "read", "sent"]
    assert [s["status"] for s in receiver.statuses(second)] == ["sent", "delivered", "read"]
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[1]["status"] == "read"  # the phone itself never goes backwards
