"""Graph API sends that succeed: every message type, Meta's answer, and the status webhooks."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from parley.simulator.service import Simulator

from .support import ANA, MESSAGES, Receiver, customer_says, send, settle

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def upload(graph: httpx.AsyncClient, content: bytes = PNG, mime: str = "image/png") -> str:
    response = await graph.post(
        "/v23.0/109876543210987/media",
        data={"messaging_product": "whatsapp", "type": mime},
        files={"file": ("photo.png", content, mime)},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


INTERACTIVE_BUTTON = {
    "type": "button",
    "header": {"type": "text", "text": "Your order"},
    "body": {"text": "Did the courier arrive?"},
    "footer": {"text": "Parley Store"},
    "action": {
        "buttons": [
            {"type": "reply", "reply": {"id": "btn-yes", "title": "Yes"}},
            {"type": "reply", "reply": {"id": "btn-no", "title": "No"}},
        ]
    },
}
INTERACTIVE_LIST = {
    "type": "list",
    "body": {"text": "Pick a topic"},
    "action": {
        "button": "Topics",
        "sections": [
            {
                "title": "Orders",
                "rows": [{"id": "row-late", "title": "Late delivery", "description": "Where?"}],
            }
        ],
    },
}
INTERACTIVE_CTA = {
    "type": "cta_url",
    "body": {"text": "Track your parcel"},
    "action": {
        "name": "cta_url",
        "parameters": {"display_text": "Track", "url": "https://shop.example/t/1"},
    },
}

BODIES: dict[str, dict[str, Any]] = {
    "text": {"type": "text", "text": {"body": "Your parcel ships today", "preview_url": False}},
    "image_link": {
        "type": "image",
        "image": {"link": "https://shop.example/a.jpg", "caption": "A"},
    },
    "video_link": {"type": "video", "video": {"link": "https://shop.example/a.mp4"}},
    "audio_link": {"type": "audio", "audio": {"link": "https://shop.example/a.ogg"}},
    "document_link": {
        "type": "document",
        "document": {"link": "https://shop.example/i.pdf", "filename": "invoice.pdf"},
    },
    "sticker_link": {"type": "sticker", "sticker": {"link": "https://shop.example/s.webp"}},
    "location": {
        "type": "location",
        "location": {"latitude": "-23.56", "longitude": "-46.65", "name": "Loja", "address": "Av"},
    },
    "contacts": {
        "type": "contacts",
        "contacts": [
            {"name": {"formatted_name": "Bruno Lima"}, "phones": [{"phone": "+5521998765432"}]}
        ],
    },
    "interactive_button": {"type": "interactive", "interactive": INTERACTIVE_BUTTON},
    "interactive_list": {"type": "interactive", "interactive": INTERACTIVE_LIST},
    "interactive_cta": {"type": "interactive", "interactive": INTERACTIVE_CTA},
}


@pytest.mark.parametrize("name", sorted(BODIES))
async def test_each_type_is_accepted_and_reaches_the_phone(
    name: str, graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator
) -> None:
    await customer_says(control)
    response = await send(graph, {"to": "+55 11 98765-4321", **BODIES[name]})
    assert response.status_code == 200, response.text
    body = response.json()
    wamid = body["messages"][0]["id"]
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "+55 11 98765-4321", "wa_id": ANA}]
    assert wamid.startswith("wamid.HBg")
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["id"] == wamid
    assert phone[-1]["direction"] == "out"
    assert phone[-1]["type"] == BODIES[name]["type"]
    assert phone[-1]["status"] == "delivered"


async def test_uploaded_media_can_be_sent_by_id(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    media_id = await upload(graph)
    response = await send(graph, {"to": ANA, "type": "image", "image": {"id": media_id}})
    assert response.status_code == 200, response.text
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["view"]["media"]["url"] == f"/_sim/media/{media_id}/content"


async def test_wamids_are_unique_and_encode_the_recipient(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    ids = set()
    for n in range(20):
        response = await send(graph, {"to": ANA, "type": "text", "text": {"body": f"n{n}"}})
        ids.add(response.json()["messages"][0]["id"])
    assert len(ids) == 20
    raw = base64.b64decode(next(iter(ids)).removeprefix("wamid."))
    assert ANA.encode() in raw


async def test_statuses_go_sent_then_delivered_then_read_with_callback_data(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await customer_says(control)
    response = await send(
        graph,
        {"to": ANA, "type": "text", "text": {"body": "Hello"}, "biz_opaque_callback_data": "ob:7"},
    )
    wamid = response.json()["messages"][0]["id"]
    await settle(sim)
    read = await control.post(f"/_sim/customers/{ANA}/read")
    assert read.json() == {"read": 1}
    await settle(sim)
    statuses = receiver.statuses(wamid)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert all(s["biz_opaque_callback_data"] == "ob:7" for s in statuses)
    assert all(s["recipient_id"] == ANA and isinstance(s["timestamp"], str) for s in statuses)
    assert statuses[0]["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "type": "free_customer_service",
        "category": "service",
    }
    assert "pricing" not in statuses[2]
    # reading again changes nothing
    assert (await control.post(f"/_sim/customers/{ANA}/read")).json() == {"read": 0}


async def test_auto_read_sends_read_at_once(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"auto_read": True})
    await customer_says(control)
    response = await send(graph, {"to": ANA, "type": "text", "text": {"body": "Hello"}})
    await settle(sim)
    wamid = response.json()["messages"][0]["id"]
    assert [s["status"] for s in receiver.statuses(wamid)] == ["sent", "delivered", "read"]


async def test_without_auto_deliver_read_skips_delivered_and_carries_pricing(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"auto_deliver": False})
    await customer_says(control)
    wamid = (await send(graph, {"to": ANA, "text": {"body": "Hi"}})).json()["messages"][0]["id"]
    await control.post(f"/_sim/customers/{ANA}/read")
    await settle(sim)
    statuses = receiver.statuses(wamid)
    assert [s["status"] for s in statuses] == ["sent", "read"]
    assert "pricing" in statuses[1]


async def test_reaction_targets_a_message_and_only_produces_sent(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    inbound = await customer_says(control)
    response = await send(
        graph, {"to": ANA, "type": "reaction", "reaction": {"message_id": inbound, "emoji": "👍"}}
    )
    assert response.status_code == 200, response.text
    await settle(sim)
    wamid = response.json()["messages"][0]["id"]
    assert [s["status"] for s in receiver.statuses(wamid)] == ["sent"]
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[0]["reactions"] == {"business": "👍"}
    await send(
        graph, {"to": ANA, "type": "reaction", "reaction": {"message_id": inbound, "emoji": ""}}
    )
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[0]["reactions"] == {}


async def test_reply_context_is_kept_and_quoted(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    inbound = await customer_says(control, text="Where is my order?")
    await send(
        graph, {"to": ANA, "text": {"body": "On its way"}, "context": {"message_id": inbound}}
    )
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["context"] == {"id": inbound}
    assert phone[-1]["view"]["quote"]["text"] == "Where is my order?"


async def test_mark_as_read_and_typing_indicator(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    first = await customer_says(control, text="one")
    second = await customer_says(control, text="two")
    response = await graph.post(
        MESSAGES,
        json={
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": second,
            "typing_indicator": {"type": "text"},
        },
    )
    assert response.status_code == 200
    assert response.json() == {"success": True}
    data = (await control.get(f"/_sim/customers/{ANA}/messages")).json()
    assert [m["status"] for m in data["messages"]] == ["read", "read"]
    assert data["messages"][0]["id"] == first
    assert data["customer"]["typing"] is True
    assert 0 < data["customer"]["typing_seconds_left"] <= 25  # the phone page lets it lapse
    # the business replying clears the typing indicator
    await send(graph, {"to": ANA, "text": {"body": "here"}})
    data = (await control.get(f"/_sim/customers/{ANA}/messages")).json()
    assert data["customer"]["typing"] is False


async def test_brazil_ninth_digit_maps_to_the_registered_wa_id(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control, wa_id="551187654321")
    response = await send(graph, {"to": "+5511987654321", "text": {"body": "Oi"}})
    assert response.json()["contacts"] == [{"input": "+5511987654321", "wa_id": "551187654321"}]


async def test_wa_id_map_from_config(graph: httpx.AsyncClient, control: httpx.AsyncClient) -> None:
    await customer_says(control, wa_id="5215512345678")
    await control.post("/_sim/config", json={"wa_id_map": {"525512345678": "5215512345678"}})
    response = await send(graph, {"to": "+52 55 1234 5678", "text": {"body": "Hola"}})
    assert response.json()["contacts"][0]["wa_id"] == "5215512345678"
