"""`GraphClient` against `httpx.MockTransport`: request shapes, answers, error mapping."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from parley.settings import Settings
from parley.whatsapp.errors import UNKNOWN_CODE, GraphError, GraphTransportError, Retry
from parley.whatsapp.graph import (
    GraphClient,
    MediaInfo,
    OutboundMessage,
    SendResult,
    WhatsAppGateway,
    build_send_payload,
)

BASE = "https://graph.test/v23.0"
PNID, WABA, TOKEN = "109876543210987", "880011223344556", "tok-123"
ANA = "5511987654321"
Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]
ACCEPTED = {
    "messaging_product": "whatsapp",
    "contacts": [{"input": "+5511987654321", "wa_id": ANA}],
    "messages": [{"id": "wamid.SIM_OUT_0104"}],
}
SYNC_ERROR = {
    "error": {
        "message": "(#131009) Parameter value is not valid",
        "type": "OAuthException",
        "code": 131009,
        "error_data": {"messaging_product": "whatsapp", "details": "Row title too long"},
        "fbtrace_id": "AbCdEf0123456789",
    }
}


class Recorder:
    """A MockTransport handler answering from a script and keeping every request."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0)
        return reply(request) if callable(reply) else reply

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


@asynccontextmanager
async def graph(*replies: Reply) -> AsyncIterator[tuple[GraphClient, Recorder]]:
    recorder = Recorder(list(replies))
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http:
        client = GraphClient(
            http,
            base_url=BASE,
            phone_number_id=PNID,
            business_account_id=WABA,
            access_token=TOKEN,
        )
        yield client, recorder


def ok(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def raise_(exc: type[httpx.RequestError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    return handler


async def test_graph_client_is_a_gateway() -> None:
    async with graph() as (client, _):
        gateway: WhatsAppGateway = client
        assert isinstance(gateway, GraphClient)
        assert TOKEN not in repr(client)


async def test_send_text() -> None:
    async with graph(ok(ACCEPTED)) as (client, rec):
        result = await client.send(
            OutboundMessage(ANA, "text", {"body": "Your parcel ships today"})
        )
    assert result == SendResult("wamid.SIM_OUT_0104", ANA, "+5511987654321")
    request = rec.last
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/{PNID}/messages")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert rec.last_json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+5511987654321",
        "type": "text",
        "text": {"body": "Your parcel ships today"},
    }


async def test_send_reply_with_context_and_callback_data() -> None:
    msg = OutboundMessage(
        ANA,
        "text",
        {"body": "On it", "preview_url": False},
        context_wamid="wamid.SIM_IN_0002",
        callback_data="parley:outbox:8841",
    )
    async with graph(ok(ACCEPTED)) as (client, rec):
        await client.send(msg)
    body = rec.last_json()
    assert body["context"] == {"message_id": "wamid.SIM_IN_0002"}
    assert body["biz_opaque_callback_data"] == "parley:outbox:8841"


async def test_send_template() -> None:
    template = {
        "name": "order_delay_notice",
        "language": {"code": "pt_BR"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}],
    }
    accepted = {**ACCEPTED, "messages": [{"id": "wamid.T1", "message_status": "accepted"}]}
    async with graph(ok(accepted)) as (client, rec):
        result = await client.send(OutboundMessage(ANA, "template", template))
    assert result.message_status == "accepted"
    body = rec.last_json()
    assert (body["type"], body["template"]) == ("template", template)
    assert "context" not in body and "biz_opaque_callback_data" not in body


async def test_send_result_trusts_meta_wa_id() -> None:
    mexico = {**ACCEPTED, "contacts": [{"input": "+525512345678", "wa_id": "5215512345678"}]}
    async with graph(ok(mexico)) as (client, _):
        result = await client.send(OutboundMessage("525512345678", "text", {"body": "Hola"}))
    assert (result.wa_id, result.input) == ("5215512345678", "+525512345678")


@pytest.mark.parametrize(
    ("to", "fields"),
    [
        ("5511987654321", {"to": "+5511987654321"}),
        ("+55 (11) 98765-4321", {"to": "+5511987654321"}),
        ("US.13491208655302741918", {"recipient": "US.13491208655302741918"}),
    ],
)
def test_recipient_forms(to: str, fields: dict[str, str]) -> None:
    payload = build_send_payload(OutboundMessage(to, "text", {"body": "x"}))
    assert {k: payload[k] for k in fields} == fields
    assert not ({"to", "recipient"} - set(fields)) & set(payload)


@pytest.mark.parametrize(
    ("to", "type_"),
    [("", "text"), ("ana", "text"), ("12", "text"), (ANA, "to"), (ANA, "Text"), (ANA, "a b")],
)
async def test_bad_outbound_is_refused_before_any_request(to: str, type_: str) -> None:
    async with graph() as (client, rec):
        with pytest.raises(ValueError):
            await client.send(OutboundMessage(to, type_, {}))
    assert rec.requests == []


@pytest.mark.parametrize("typing", [False, True])
async def test_mark_read(typing: bool) -> None:
    async with graph(ok({"success": True})) as (client, rec):
        await client.mark_read("wamid.SIM_IN_0002", typing=typing)
    expected: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.SIM_IN_0002",
    }
    if typing:
        expected["typing_indicator"] = {"type": "text"}
    assert str(rec.last.url) == f"{BASE}/{PNID}/messages"
    assert rec.last_json() == expected


async def test_mark_read_without_success_is_an_error() -> None:
    async with graph(ok({"success": False})) as (client, _):
        with pytest.raises(GraphError) as caught:
            await client.mark_read("wamid.X")
    assert caught.value.code == UNKNOWN_CODE


async def test_upload_media_is_multipart() -> None:
    async with graph(ok({"id": "1037543291543636"})) as (client, rec):
        media_id = await client.upload_media(b"\x89PNG-bytes", "image/png", "box.png")
    assert media_id == "1037543291543636"
    request = rec.last
    assert str(request.url) == f"{BASE}/{PNID}/media"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    body = request.content
    assert b'name="messaging_product"\r\n\r\nwhatsapp\r\n' in body
    assert b'name="type"\r\n\r\nimage/png\r\n' in body
    assert (
        b'name="file"; filename="box.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG-bytes' in body
    )


@pytest.mark.parametrize("size", [303833, "303833"])
async def test_media_info(size: object) -> None:
    url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037"
    answer = {
        "messaging_product": "whatsapp",
        "url": url,
        "mime_type": "image/jpeg",
        "sha256": "abc",
        "file_size": size,
        "id": "1037543291543636",
    }
    async with graph(ok(answer)) as (client, rec):
        info = await client.media_info("1037543291543636")
    assert info == MediaInfo(url, "image/jpeg", "abc", 303833, "1037543291543636")
    assert str(rec.last.url) == f"{BASE}/1037543291543636?phone_number_id={PNID}"


async def test_media_id_cannot_escape_the_path() -> None:
    async with graph(ok({"success": True})) as (client, rec):
        await client.delete_media("../me/accounts")
    assert rec.last.method == "DELETE"
    assert rec.last.url.raw_path.startswith(b"/v23.0/..%2Fme%2Faccounts?")


async def test_download_media_sends_the_bearer_token() -> None:
    url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037&ext=1&hash=x"
    reply = httpx.Response(200, content=b"JPEG", headers={"content-type": "image/jpeg"})
    async with graph(reply) as (client, rec):
        data, kind = await client.download_media(url)
    assert (data, kind) == (b"JPEG", "image/jpeg")
    assert str(rec.last.url) == url
    assert rec.last.headers["authorization"] == f"Bearer {TOKEN}"


async def test_expired_media_url_is_a_404_graph_error() -> None:
    async with graph(httpx.Response(404, text="Not Found")) as (client, _):
        with pytest.raises(GraphError) as caught:
            await client.download_media("https://lookaside.fbsbx.com/x")
    assert (caught.value.http_status, caught.value.retry) == (404, Retry.FIX)


async def test_list_templates_follows_cursors() -> None:
    def page(names: list[str], after: str | None) -> httpx.Response:
        paging: dict[str, Any] = {"cursors": {"before": "B", "after": after or "END"}}
        if after:
            paging["next"] = (
                f"https://graph.facebook.com/v25.0/{WABA}/message_templates?after={after}"
            )
        return ok({"data": [{"name": n, "status": "APPROVED"} for n in names], "paging": paging})

    async with graph(page(["a", "b"], "C1"), page(["c"], "C2"), page(["d"], None)) as (client, rec):
        templates = await client.list_templates(status="APPROVED")
    assert [t["name"] for t in templates] == ["a", "b", "c", "d"]
    assert [r.url.params.get("after") for r in rec.requests] == [None, "C1", "C2"]
    first = rec.requests[0]
    assert first.url.path == f"/v23.0/{WABA}/message_templates"
    assert first.url.params["status"] == "APPROVED"
    assert "quality_score" in first.url.params["fields"]


async def test_list_templates_stops_on_a_repeated_cursor() -> None:
    looping = {"data": [{"name": "x"}], "paging": {"cursors": {"after": "SAME"}, "next": "n"}}
    async with graph(ok(looping), ok(looping)) as (client, rec):
        templates = await client.list_templates()
    assert len(templates) == 2 and len(rec.requests) == 2
    assert "status" not in rec.requests[0].url.params


@pytest.mark.parametrize(
    ("reply", "code", "retry"),
    [
        (ok(SYNC_ERROR, 400), 131009, Retry.FIX),
        (ok(SYNC_ERROR, 200), 131009, Retry.FIX),  # an error object even on 200
        (ok({"error": {"message": "(#131056) pair", "code": 131056}}, 400), 131056, Retry.RETRY),
        (ok({"error": {"message": "Invalid OAuth", "code": 190}}, 401), 190, Retry.NEVER),
        (httpx.Response(503, text="<html><b>Unavailable</b></html>"), UNKNOWN_CODE, Retry.RETRY),
        (httpx.Response(500, content=b""), UNKNOWN_CODE, Retry.RETRY),
    ],
)
async def test_send_errors_become_graph_errors(
    reply: httpx.Response, code: int, retry: Retry
) -> None:
    async with graph(reply) as (client, _):
        with pytest.raises(GraphError) as caught:
            await client.send(OutboundMessage(ANA, "text", {"body": "x"}))
    assert (caught.value.code, caught.value.retry) == (code, retry)
    assert caught.value.http_status == reply.status_code


@pytest.mark.parametrize(
    ("exc", "maybe_sent"),
    [
        (httpx.ReadTimeout, True),
        (httpx.WriteTimeout, True),
        (httpx.RemoteProtocolError, True),
        (httpx.ReadError, True),
        (httpx.ConnectTimeout, False),
        (httpx.ConnectError, False),
        (httpx.PoolTimeout, False),
    ],
)
async def test_transport_failures(exc: type[httpx.RequestError], maybe_sent: bool) -> None:
    async with graph(raise_(exc)) as (client, _):
        with pytest.raises(GraphTransportError) as caught:
            await client.send(OutboundMessage(ANA, "text", {"body": "x"}))
    assert caught.value.maybe_sent is maybe_sent
    assert isinstance(caught.value.__cause__, exc)


@pytest.mark.parametrize("body", [{}, {"messages": []}, {"messages": [{"id": ""}]}, "OK"])
async def test_accepted_without_wamid_is_ambiguous(body: object) -> None:
    reply = ok(body) if isinstance(body, dict) else httpx.Response(200, text=str(body))
    async with graph(reply) as (client, _):
        with pytest.raises(GraphTransportError) as caught:
            await client.send(OutboundMessage(ANA, "text", {"body": "x"}))
    assert caught.value.maybe_sent


async def test_from_settings_builds_urls_and_timeout() -> None:
    settings = Settings(
        whatsapp_api_base_url="http://simulator.local:9000/",
        whatsapp_api_version="v25.0",
        whatsapp_phone_number_id="42",
        whatsapp_business_account_id="43",
        whatsapp_access_token="sim-token",
        whatsapp_timeout_seconds=2.5,
    )
    recorder = Recorder([ok(ACCEPTED), ok({"data": []})])
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http:
        client = GraphClient.from_settings(settings, http)
        await client.send(OutboundMessage(ANA, "text", {"body": "x"}))
        await client.list_templates()
    send, templates = recorder.requests
    assert str(send.url) == "http://simulator.local:9000/v25.0/42/messages"
    assert templates.url.path == "/v25.0/43/message_templates"
    assert send.headers["authorization"] == "Bearer sim-token"
    assert send.extensions["timeout"]["read"] == 2.5
