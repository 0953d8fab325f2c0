"""The webhook endpoint: Meta's handshake, signatures, size caps, and durable storage before 200."""

from __future__ import annotations

import asyncio

import orjson
from sqlalchemy import func, select

from parley.ingest.models import InboundWebhook
from parley.messages.models import Message
from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.factories import text_webhook

SECRET = "parley-dev-app-secret"


async def stored(api: Api) -> int:
    async with api.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(InboundWebhook)) or 0)


async def post(api: Api, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = await api.client.post("/webhooks/whatsapp", content=body, headers=headers)
    return response.status_code


async def test_verification_handshake_echoes_the_challenge(api: Api) -> None:
    ok = await api.client.get(
        "/webhooks/whatsapp",
        params={
            "hub.mode": "subscribe",
            "hub.challenge": "1158201444",
            "hub.verify_token": "parley-dev-verify-token",
        },
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = await api.client.get(
        "/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "guess"},
    )
    assert wrong.status_code == 403


async def test_unsigned_or_wrongly_signed_webhooks_store_nothing(api: Api) -> None:
    body = orjson.dumps(text_webhook("5511987654321", "Hi", "wamid.S1"))
    assert await post(api, body, None) == 401
    assert await post(api, body, sign(body, "another-secret")) == 401
    assert await post(api, body, "sha256=") == 401
    assert await post(api, body + b" ", sign(body, SECRET)) == 401
    assert await stored(api) == 0


async def test_a_signed_webhook_is_stored_then_processed(api: Api) -> None:
    body = orjson.dumps(text_webhook("5511987654321", "Olá! 👋 <b>hi</b>", "wamid.S2"))
    assert await post(api, body, sign(body, SECRET)) == 200
    async with api.runtime.uow() as uow:
        row = await uow.session.scalar(select(InboundWebhook))
        assert row is not None and row.body == body, "the raw bytes are kept as received"
    for _ in range(100):
        async with api.runtime.uow() as uow:
            text = await uow.session.scalar(select(Message.text))
        if text is not None:
            break
        await asyncio.sleep(0.02)
    assert text == "Olá! 👋 <b>hi</b>"


async def test_meta_escaped_unicode_is_verified_on_the_raw_bytes(api: Api) -> None:
    body = b'{"object":"whatsapp_business_account","entry":[],"note":"Ol\\u00e1"}'
    assert await post(api, body, sign(body, SECRET)) == 200


async def test_oversized_and_malformed_bodies_are_refused(api: Api) -> None:
    huge = b'{"object":"whatsapp_business_account","pad":"' + b"x" * (4 * 1024 * 1024) + b'"}'
    assert await post(api, huge, sign(huge, SECRET)) == 413
    broken = b'{"object": "whatsapp_business_account", "entry": ['
    assert await post(api, broken, sign(broken, SECRET)) == 400
    assert await stored(api) == 0


async def test_many_concurrent_webhooks_are_all_stored(api: Api) -> None:
    bodies = [
        orjson.dumps(text_webhook(f"55119{n:08d}", f"hello {n}", f"wamid.CC{n}")) for n in range(60)
    ]
    codes = await asyncio.gather(*(post(api, b, sign(b, SECRET)) for b in bodies))
    assert codes == [200] * 60
    assert await stored(api) == 60


async def test_operational_endpoints(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "bus": True, "storage": True}
    body = orjson.dumps(text_webhook("5511987654321", "Hi", "wamid.M1"))
    await post(api, body, sign(body, SECRET))
    metrics = (await api.client.get("/metrics")).text
    assert "parley_webhooks_received_total 1.0" in metrics
    assert "parley_connected_agents" in metrics
    spec = (await api.client.get("/openapi.json")).json()
    assert "/api/v1/interactions/{interaction_id}/messages" in spec["paths"]
    missing = await api.client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_signed_json_that_is_not_an_object_is_refused_and_not_stored(api: Api) -> None:
    for body in [b"[1,2,3]", b'"text"', b"42", b"null", b"true"]:
        response = await api.client.post(
            "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
        )
        assert response.status_code == 400, body
        assert response.json()["error"] == {
            "code": "bad_request",
            "message": "The webhook body is not a JSON object.",
        }
    assert await stored(api) == 0


async def test_verification_refusals_say_what_is_wrong(api: Api) -> None:
    token = "parley-dev-verify-token"
    for params, message in [
        ({"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "guess"}, "token"),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "token"),
        ({"hub.mode": "unsubscribe", "hub.challenge": "1", "hub.verify_token": token}, "mode"),
        ({"hub.challenge": "1", "hub.verify_token": token}, "mode"),
        ({"hub.mode": "subscribe", "hub.verify_token": token}, "challenge"),
    ]:
        response = await api.client.get("/webhooks/whatsapp", params=params)
        assert response.status_code == 403, params
        error = response.json()["error"]
        assert error["code"] == "verification_failed"
        assert (
            error["message"]
            == {
                "token": "The verify token does not match.",
                "mode": 'hub.mode must be "subscribe".',
                "challenge": "hub.challenge is missing.",
            }[message]
        ), params
