"""An independent check: pywa 4.5 (a third-party WhatsApp Cloud API client) drives the
simulator as if it were Meta, and parses the webhooks the simulator sends."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pywa_async import WhatsApp, errors, types
from pywa_async.types.templates import BodyText, TemplateLanguage, TemplateStatus
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from parley.settings import Settings
from parley.simulator import create_simulator_app
from parley.simulator.service import Simulator
from parley.whatsapp.payloads import parse_webhook

from .support import ANA, WEBHOOK_URL, customer_says, settle


@dataclass
class PywaWorld:
    wa: WhatsApp
    sim: Simulator
    control: httpx.AsyncClient
    updates: list[Any] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[PywaWorld]:
    holder: dict[str, PywaWorld] = {}

    async def webhook(request: Request) -> PlainTextResponse:
        """Parley's place, played by pywa: validate the signature, then parse the update."""
        wa = holder["world"].wa
        body = await request.body()
        holder["world"].bodies.append(body)
        problem = await wa.webhook_update_validator(
            body, request.headers.get("x-hub-signature-256")
        )
        if problem is not None:
            holder["world"].rejected.append(problem[1])
            return PlainTextResponse(problem[0], status_code=problem[1])
        text, status = await wa.webhook_update_handler(body)
        return PlainTextResponse(text, status_code=status)

    receiver = Starlette(routes=[Route("/webhooks/whatsapp", webhook, methods=["POST"])])
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver)) as http,
    ):
        app = create_simulator_app(settings, WEBHOOK_URL, http=http, retry_schedule=(0,))
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as session,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://sim.test"
            ) as control,
        ):
            wa = WhatsApp(
                phone_id=settings.whatsapp_phone_number_id,
                token=settings.whatsapp_access_token,
                session=session,
                api_version="23.0",
                app_secret=settings.whatsapp_app_secret,
                waba_id=settings.whatsapp_business_account_id,
            )
            world = PywaWorld(wa, app.state.simulator, control)
            holder["world"] = world

            @wa.on_message()
            async def on_message(_: WhatsApp, message: types.Message) -> None:
                world.updates.append(message)

            @wa.on_message_status()
            async def on_status(_: WhatsApp, status: types.MessageStatus) -> None:
                world.updates.append(status)

            @wa.on_callback_button()
            async def on_button(_: WhatsApp, button: types.CallbackButton) -> None:
                world.updates.append(button)

            yield world
        await app.state.simulator.aclose()


async def test_pywa_sends_text_and_parses_the_status_webhooks(world: PywaWorld) -> None:
    await customer_says(world.control)
    sent = await world.wa.send_message(to=ANA, text="Hello from pywa", tracker="outbox:42")
    await settle(world.sim)
    phone = (await world.control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["id"] == sent.id
    assert phone[-1]["content"]["body"] == "Hello from pywa"
    statuses = [u for u in world.updates if isinstance(u, types.MessageStatus)]
    assert [s.status for s in statuses] == [
        types.MessageStatusType.SENT,
        types.MessageStatusType.DELIVERED,
    ]
    assert all(s.id == sent.id and s.tracker == "outbox:42" for s in statuses)
    assert statuses[0].from_user.wa_id == ANA
    assert statuses[0].pricing is not None
    assert world.rejected == []


async def test_pywa_parses_an_inbound_message_webhook(world: PywaWorld) -> None:
    wamid = await customer_says(world.control, text="Olá, my order is late", name="Ana Souza")
    await settle(world.sim)
    [message] = [u for u in world.updates if isinstance(u, types.Message)]
    assert message.id == wamid
    assert message.type == types.MessageType.TEXT
    assert message.text == "Olá, my order is late"
    assert message.from_user.wa_id == ANA
    assert message.from_user.name == "Ana Souza"
    assert message.metadata.phone_number_id == "109876543210987"
    assert message.waba_id == "880011223344556"


async def test_pywa_parses_a_button_reply_to_its_interactive_message(world: PywaWorld) -> None:
    await customer_says(world.control)
    sent = await world.wa.send_message(
        to=ANA, text="Did it arrive?", buttons=[types.Button(title="Yes", callback_data="btn-yes")]
    )
    phone = (await world.control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["view"]["buttons"] == [{"kind": "reply", "id": "btn-yes", "title": "Yes"}]
    reply = {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "btn-yes", "title": "Yes"}},
        "context": {"id": sent.id},
    }
    assert (
        await world.control.post(f"/_sim/customers/{ANA}/messages", json=reply)
    ).status_code == 201
    await settle(world.sim)
    [button] = [u for u in world.updates if isinstance(u, types.CallbackButton)]
    assert button.data == "btn-yes"
    assert button.reply_to_message is not None
    assert button.reply_to_message.id == sent.id


async def test_pywa_sends_a_template_and_maps_template_errors(world: PywaWorld) -> None:
    await customer_says(world.control)
    sent = await world.wa.send_template(
        to=ANA,
        name="payment_confirmation",
        language=TemplateLanguage.ENGLISH_US,
        params=[BodyText.params("Masha Ivanova", "flowers", "$10", "credit", "Friday")],
    )
    phone = (await world.control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["id"] == sent.id
    assert "confirm $10 payment issued to your credit card" in phone[-1]["view"]["text"]
    with pytest.raises(errors.TemplatePaused):
        await world.wa.send_template(
            to=ANA,
            name="spring_sale",
            language=TemplateLanguage.ENGLISH_US,
            params=[BodyText.params("20%")],
        )
    with pytest.raises(errors.TemplateParamCountMismatch):
        await world.wa.send_template(
            to=ANA,
            name="payment_confirmation",
            language=TemplateLanguage.ENGLISH_US,
            params=[BodyText.params("only one")],
        )


async def test_pywa_lists_templates_across_pages(world: PywaWorld) -> None:
    first = await world.wa.get_templates(
        statuses=[TemplateStatus.APPROVED], pagination=types.Pagination(limit=4)
    )
    assert len(first) == 4 and first.has_next
    assert first.total_count == 6
    second = await first.next()
    assert len(second) == 2 and not second.has_next
    names = {t.name for t in [*first, *second]}
    assert {"payment_confirmation", "order_shipped", "delivery_photo"} <= names
    assert all(t.status == TemplateStatus.APPROVED for t in [*first, *second])


async def test_pywa_uploads_and_downloads_media(world: PywaWorld) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x02" * 50
    media = await world.wa.upload_media(media=png, mime_type="image/png", filename="a.png")
    url = await world.wa.get_media_url(media.id)
    assert url.mime_type == "image/png"
    assert url.file_size == len(png)
    assert await world.wa.get_media_bytes(url.url) == png
    assert await world.wa.delete_media(media.id)


async def test_pywa_rejects_a_badly_signed_webhook(world: PywaWorld) -> None:
    await world.control.post("/_sim/faults", json={"kind": "bad_signature"})
    await customer_says(world.control)
    await settle(world.sim)
    assert world.rejected == [403]  # pywa answers 403 to a wrong signature
    # the retry is signed correctly and parsed once
    assert len([u for u in world.updates if isinstance(u, types.Message)]) == 1


async def test_every_webhook_the_simulator_sends_parses_in_pywa_and_in_parley(
    world: PywaWorld, caplog: pytest.LogCaptureFixture
) -> None:
    """One of each message type the simulated customer can send, every status, a template
    status change: pywa builds a typed update from each (a `failed` status aside: Meta sends it
    without `contacts`, which pywa 4.5 requires), and Parley's parser reads each whole."""
    control, wa = world.control, world.wa
    first = await customer_says(control, text="Hi", name="Ana Souza")
    sent = await wa.send_message(to=ANA, text="How can I help?")
    await settle(world.sim)
    png = b"\x89PNG\r\n\x1a\n" + b"\x02" * 50
    upload = await control.post("/_sim/media", files={"file": ("a.png", png, "image/png")})
    media_id = upload.json()["id"]
    inbound: list[dict[str, Any]] = [
        {"type": "image", "image": {"id": media_id, "caption": "the box"}},
        {"type": "location", "location": {"latitude": -23.56, "longitude": -46.65}},
        {
            "type": "contacts",
            "contacts": [
                {"name": {"formatted_name": "Bruno"}, "phones": [{"phone": "+55 21 99876-5432"}]}
            ],
        },
        {
            "type": "interactive",
            "context": {"id": sent.id},
            "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}},
        },
        {
            "type": "interactive",
            "context": {"id": sent.id},
            "interactive": {"type": "list_reply", "list_reply": {"id": "row", "title": "Express"}},
        },
        {
            "type": "interactive",
            "context": {"id": sent.id},
            "interactive": {
                "type": "nfm_reply",
                "nfm_reply": {
                    "name": "flow",
                    "body": "Sent",
                    "response_json": '{"flow_token":"t","a":"b"}',
                },
            },
        },
        {
            "type": "button",
            "context": {"id": sent.id},
            "button": {"payload": "HANDOFF", "text": "Talk to an agent"},
        },
        {"type": "reaction", "reaction": {"message_id": sent.id, "emoji": "👍"}},
        {
            "type": "order",
            "order": {
                "catalog_id": "1",
                "product_items": [
                    {
                        "product_retailer_id": "SKU-1",
                        "quantity": 1,
                        "item_price": 10,
                        "currency": "USD",
                    }
                ],
            },
        },
        {
            "type": "text",
            "text": {"body": "from the ad"},
            "referral": {
                "source_url": "https://fb.me/x",
                "source_id": "1",
                "source_type": "ad",
                "headline": "Sale",
                "ctwa_clid": "clid",
            },
        },
        {"type": "text", "text": {"body": "fwd"}, "context": {"forwarded": True}},
        {"type": "unsupported"},
    ]
    for message in inbound:
        response = await control.post(f"/_sim/customers/{ANA}/messages", json=message)
        assert response.status_code == 201, response.text
    await control.post(f"/_sim/customers/{ANA}/read")
    # to a number not on WhatsApp: answered 200, then a `failed` status (131026)
    await wa.send_message(to="5599000000001", text="Anyone there?")
    changed = await control.post("/_sim/templates/spring_sale/status", json={"status": "APPROVED"})
    assert changed.status_code == 200, changed.text
    await settle(world.sim)

    bodies = [json.loads(body) for body in world.bodies]
    kinds: set[str] = set()
    failed = 0
    for body in bodies:
        batch = parse_webhook(body, phone_number_id=world.sim.settings.whatsapp_phone_number_id)
        assert not batch.empty and not batch.ignored, body
        kinds |= {m.type for m in batch.messages} | {s.status for s in batch.statuses}
        kinds |= {"template:" + t.event for t in batch.template_updates}
        failed += sum(s.status == "failed" for s in batch.statuses)
    assert {
        "text",
        "image",
        "location",
        "contacts",
        "interactive",
        "button",
        "reaction",
        "order",
        "unsupported",
        "sent",
        "delivered",
        "read",
        "failed",
        "template:APPROVED",
    } <= kinds
    assert first in {m.wamid for b in bodies for m in parse_webhook(b).messages}
    # pywa: every body answered 200, and a typed update built for each but `failed` statuses
    broken = [r for r in caplog.records if "construct update" in r.getMessage()]
    assert len(broken) == failed == 1
    assert world.rejected == []
    statuses = [u for u in world.updates if isinstance(u, types.MessageStatus)]
    assert {s.status for s in statuses} >= {
        types.MessageStatusType.SENT,
        types.MessageStatusType.DELIVERED,
        types.MessageStatusType.READ,
    }
    assert all(s.from_user.wa_id == ANA and s.from_user.bsuid for s in statuses)
