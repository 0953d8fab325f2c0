"""Media: upload rules, URL lookup, bearer-protected 5-minute downloads, delete, inbound media."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from parley.simulator.service import Simulator

from .support import ANA, FakeClock, Receiver, settle
from .test_send_errors import assert_meta_error

UPLOAD = "/v23.0/109876543210987/media"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 100
PDF = b"%PDF-1.4\n" + b"x" * 100


async def upload(
    client: httpx.AsyncClient,
    content: bytes = PNG,
    mime: str = "image/png",
    *,
    name: str = "photo.png",
    part_type: str | None = None,
    product: str = "whatsapp",
) -> httpx.Response:
    return await client.post(
        UPLOAD,
        data={"messaging_product": product, "type": mime},
        files={"file": (name, content, part_type or mime)},
    )


async def test_upload_get_download_and_delete(graph: httpx.AsyncClient) -> None:
    response = await upload(graph)
    assert response.status_code == 200, response.text
    media_id = response.json()["id"]
    assert media_id.isdigit()
    info = (await graph.get(f"/v23.0/{media_id}")).json()
    assert info == {
        "messaging_product": "whatsapp",
        "url": info["url"],
        "mime_type": "image/png",
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "file_size": len(PNG),
        "id": media_id,
    }
    download = await graph.get(info["url"])
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    deleted = await graph.delete(f"/v23.0/{media_id}")
    assert deleted.json() == {"success": True}
    gone = await graph.get(f"/v23.0/{media_id}")
    assert gone.json()["error"]["code"] == 100
    assert (await graph.get(info["url"])).status_code == 404
    assert (await graph.delete(f"/v23.0/{media_id}")).status_code == 400


async def test_download_needs_the_bearer_token(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    media_id = (await upload(graph)).json()["id"]
    url = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    anonymous = await control.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == 190


async def test_download_url_expires_after_five_minutes(
    graph: httpx.AsyncClient, clock: FakeClock
) -> None:
    media_id = (await upload(graph)).json()["id"]
    url = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    clock.advance(299)
    assert (await graph.get(url)).status_code == 200
    clock.advance(2)
    assert (await graph.get(url)).status_code == 404
    fresh = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    assert fresh != url
    assert (await graph.get(fresh)).status_code == 200


async def test_uploaded_media_lives_30_days(graph: httpx.AsyncClient, clock: FakeClock) -> None:
    media_id = (await upload(graph)).json()["id"]
    clock.advance(30 * 24 * 3600 + 1)
    assert (await graph.get(f"/v23.0/{media_id}")).status_code == 400


async def test_phone_number_id_filter(graph: httpx.AsyncClient) -> None:
    media_id = (await upload(graph)).json()["id"]
    assert (
        await graph.get(f"/v23.0/{media_id}?phone_number_id=109876543210987")
    ).status_code == 200
    assert (await graph.get(f"/v23.0/{media_id}?phone_number_id=1")).status_code == 400


@pytest.mark.parametrize(
    ("content", "mime", "part_type"),
    [
        (b"GIF89a" + b"x" * 10, "image/gif", None),  # not a WhatsApp type
        (b"x" * (5 * 1024 * 1024 + 1), "image/jpeg", None),  # over the image limit
        (b"RIFF\x00\x00\x00\x00WEBP" + b"x" * (500 * 1024), "image/webp", None),  # big sticker
        (b"not a png at all", "image/png", None),  # bytes do not match the type
        (PNG, "image/png", "image/jpeg"),  # part type disagrees with `type`
        (b"", "text/plain", None),
    ],
    ids=["gif", "big-image", "big-sticker", "sniff", "mismatch", "empty"],
)
async def test_upload_rules_give_131053(
    content: bytes, mime: str, part_type: str | None, graph: httpx.AsyncClient
) -> None:
    response = await upload(graph, content, mime, part_type=part_type)
    assert_meta_error(response, 131053, 400)


async def test_upload_accepts_every_documented_family(graph: httpx.AsyncClient) -> None:
    samples = [
        (b"\xff\xd8\xff\xe0" + b"x" * 10, "image/jpeg"),
        (b"\x00\x00\x00\x18ftypmp42" + b"x" * 10, "video/mp4"),
        (b"OggS" + b"x" * 10, "audio/ogg; codecs=opus"),
        (b"ID3" + b"x" * 10, "audio/mpeg"),
        (PDF, "application/pdf"),
        (b"plain words", "text/plain"),
        (b"RIFF\x00\x00\x00\x00WEBP" + b"x" * 10, "image/webp"),
    ]
    for content, mime in samples:
        response = await upload(graph, content, mime, part_type="application/octet-stream")
        assert response.status_code == 200, (mime, response.text)


async def test_upload_needs_messaging_product_and_a_file(graph: httpx.AsyncClient) -> None:
    assert_meta_error(await upload(graph, product="sms"), 100, 400)
    no_file = await graph.post(UPLOAD, data={"messaging_product": "whatsapp", "type": "image/png"})
    assert_meta_error(no_file, 100, 400)
    as_json = await graph.post(UPLOAD, json={"messaging_product": "whatsapp"})
    assert_meta_error(as_json, 100, 400)


async def test_sending_media_of_the_wrong_kind_is_131053(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await control.post(
        f"/_sim/customers/{ANA}/messages", json={"type": "text", "text": {"body": "hi"}}
    )
    pdf_id = (await upload(graph, PDF, "application/pdf", name="a.pdf")).json()["id"]
    response = await graph.post(
        "/v23.0/109876543210987/messages",
        json={"messaging_product": "whatsapp", "to": ANA, "type": "image", "image": {"id": pdf_id}},
    )
    assert_meta_error(response, 131053, 400)


async def test_sending_a_vanished_media_id_fails_by_webhook(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post(
        f"/_sim/customers/{ANA}/messages", json={"type": "text", "text": {"body": "hi"}}
    )
    response = await graph.post(
        "/v23.0/109876543210987/messages",
        json={"messaging_product": "whatsapp", "to": ANA, "type": "image", "image": {"id": "404"}},
    )
    assert response.status_code == 200
    await settle(sim)
    [failed] = receiver.statuses(response.json()["messages"][0]["id"])
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131053


async def test_customer_media_reaches_the_business_and_can_be_fetched(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    stored = await control.post(
        "/_sim/media", files={"file": ("invoice-2291.pdf", PDF, "application/pdf")}
    )
    assert stored.status_code == 201
    assert stored.json()["kind"] == "document"
    media_id = stored.json()["id"]
    sent = await control.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "document", "document": {"id": media_id, "caption": "my invoice"}},
    )
    assert sent.status_code == 201, sent.text
    await settle(sim)
    [message] = receiver.messages()
    assert message["document"] == {
        "id": media_id,
        "caption": "my invoice",
        "mime_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "filename": "invoice-2291.pdf",
    }
    info = (await graph.get(f"/v23.0/{media_id}")).json()
    assert (await graph.get(info["url"])).content == PDF
    # the phone page shows it without a token
    assert (await control.get(f"/_sim/media/{media_id}/content")).content == PDF


async def test_customer_media_must_exist(control: httpx.AsyncClient) -> None:
    response = await control.post(
        f"/_sim/customers/{ANA}/messages", json={"type": "image", "image": {"id": "123"}}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
