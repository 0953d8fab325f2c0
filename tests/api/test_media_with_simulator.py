"""Media both ways through the Cloud API simulator: fetched inbound, uploaded and sent outbound."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from parley.clock import SystemClock
from tests.api import test_with_simulator
from tests.api.support import ANA, eventually, held_interactions, transcript
from tests.api.test_with_simulator import Stack
from tests.factories import add_agent
from tests.media import files

stack = test_with_simulator.stack  # Parley and the simulator wired to each other


@pytest.fixture
async def sim(stack: Stack) -> AsyncIterator[Stack]:
    """The stack, left only once the simulator has delivered every webhook (statuses still on
    their way would reach a Parley that has shut down)."""
    yield stack
    await stack.phone.get("/_sim/webhooks", params={"wait": 10, "limit": 0})


async def phone_sends(stack: Stack, kind: str, data: bytes, mime: str, **extra: Any) -> str:
    """The customer's phone uploads a file and sends it as a `kind` message; returns the wamid."""
    media = await stack.phone.post(
        "/_sim/media", files={"file": ("f", data, mime)}, data={"type": mime}
    )
    assert media.status_code == 201, media.text
    body = {"id": media.json()["id"], **extra}
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": kind, kind: body, "profile_name": "Ana Souza"},
    )
    assert said.status_code == 201, said.text
    wamid: str = said.json()["id"]
    return wamid


async def attachment_settled(
    stack: Stack, headers: dict[str, str], iid: int, count: int = 1
) -> dict[str, Any]:
    """The attachment of the `count`-th message once it is ready or failed."""

    async def settled() -> dict[str, Any] | None:
        items = (await transcript(stack.api, headers, iid))["items"]
        if len(items) < count:
            return None
        attachment: dict[str, Any] = items[count - 1]["content"].get("attachment") or {}
        return attachment if attachment.get("state") in ("ready", "failed") else None

    result: dict[str, Any] = await eventually(settled, "the media is fetched or given up")
    return result


async def test_a_voice_note_video_and_docx_are_fetched_and_served(sim: Stack) -> None:
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    cases = [
        ("audio", files.ogg_opus(), "audio/ogg; codecs=opus", {"voice": True}),
        ("video", files.mp4(), "video/mp4", {"caption": "see this"}),
        ("document", files.office("word"), files_docx(), {"filename": "contrato.docx"}),
    ]
    iid = None
    for count, (kind, data, mime, extra) in enumerate(cases, 1):
        await phone_sends(stack, kind, data, mime, **extra)
        if iid is None:
            [interaction] = await held_interactions(api, alice)
            iid = interaction["id"]
        attachment = await attachment_settled(stack, alice, iid, count)
        assert attachment["state"] == "ready", attachment
        assert attachment["size"] == len(data)
        served = await api.client.get(f"/api/v1/attachments/{attachment['id']}", headers=alice)
        assert served.content == data
        if kind == "audio":
            assert attachment["voice"] is True
        if kind == "document":
            assert attachment["filename"] == "contrato.docx"


def files_docx() -> str:
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_a_fetch_that_fails_is_retried_and_succeeds(sim: Stack) -> None:
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    fault = await stack.phone.post(
        "/_sim/faults", json={"kind": "graph_error", "code": 131000, "count": 1, "match": "/"}
    )
    assert fault.status_code in (200, 201), fault.text
    data = files.image()
    await phone_sends(stack, "image", data, "image/jpeg", caption="box broken")
    [interaction] = await held_interactions(api, alice)
    attachment = await attachment_settled(stack, alice, interaction["id"])
    assert attachment["state"] == "ready", attachment
    served = await api.client.get(f"/api/v1/attachments/{attachment['id']}", headers=alice)
    assert served.content == data


async def test_a_slow_download_holds_back_no_other_file(sim: Stack) -> None:
    """One file's download stalls (up to the request's timeout against the real API): the
    photos sent after it are fetched and shown meanwhile."""
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    stall = {"kind": "delay", "delay_seconds": 3, "count": 1, "match": "_media"}
    assert (await stack.phone.post("/_sim/faults", json=stall)).status_code in (200, 201)
    await phone_sends(stack, "image", files.image(), "image/jpeg", caption="slow")
    [interaction] = await held_interactions(api, alice)
    await asyncio.sleep(0.3)  # its download has begun, and stalls
    for n in range(3):
        await phone_sends(stack, "image", files.image(size=(200 + n, 100)), "image/jpeg")
    later = [await attachment_settled(stack, alice, interaction["id"], n) for n in (2, 3, 4)]
    assert [a["state"] for a in later] == ["ready"] * 3, later
    first = (await transcript(api, alice, interaction["id"]))["items"][0]["content"]["attachment"]
    assert first["state"] == "loading", "still on its way: the others did not wait for it"
    await asyncio.sleep(2)  # the rest of its stall
    assert (await attachment_settled(stack, alice, interaction["id"], 1))["state"] == "ready"


async def test_a_contacts_photo_gets_a_preview_and_a_broken_one_shows_as_a_file(
    sim: Stack,
) -> None:
    """A photo Pillow cannot read is still kept (the contact sent it): it has no preview."""
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    photo, broken = files.photo((1280, 960)), files.image(size=(400, 300))[:500]
    await phone_sends(stack, "image", photo, "image/jpeg")
    [interaction] = await held_interactions(api, alice)
    await phone_sends(stack, "image", broken, "image/jpeg")
    first = await attachment_settled(stack, alice, interaction["id"], 1)
    second = await attachment_settled(stack, alice, interaction["id"], 2)
    assert (first["state"], first["thumbnail"], first["width"]) == ("ready", True, 1280)
    thumb = await api.client.get(f"/api/v1/attachments/{first['id']}/thumbnail", headers=alice)
    assert thumb.headers["content-type"] == "image/jpeg"
    assert (second["state"], second["thumbnail"], second["size"]) == ("ready", False, len(broken))
    served = await api.client.get(f"/api/v1/attachments/{second['id']}", headers=alice)
    assert served.content == broken


async def test_a_contacts_file_is_named_and_kinded_by_its_content(sim: Stack) -> None:
    """Declared type and name lie: the name gets the content's extension, bidi overrides go,
    and an "image" holding HTML is a document."""
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    await phone_sends(stack, "document", exe, "application/pdf", filename="Fatura\u202efdp.exe")
    [interaction] = await held_interactions(api, alice)
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    await phone_sends(stack, "image", page, "image/jpeg")
    first = await attachment_settled(stack, alice, interaction["id"], 1)
    second = await attachment_settled(stack, alice, interaction["id"], 2)
    assert first["state"] == "ready", first
    assert first["mime_type"] != "application/pdf"
    assert "\u202e" not in first["filename"]
    assert not first["filename"].endswith(".pdf"), first["filename"]
    assert first["filename"].startswith("Faturafdp.")
    assert (second["mime_type"], second["kind"], second["filename"]) == (
        "text/html",
        "document",
        "photo.html",
    )
    saved = await api.client.get(f"/api/v1/attachments/{second['id']}?download=1", headers=alice)
    assert 'filename="photo.html"' in saved.headers["content-disposition"]


async def test_a_wrong_checksum_is_not_kept(sim: Stack) -> None:
    stack = sim
    api = stack.api
    api.runtime.workers["media"]._attempts = 1  # type: ignore[attr-defined]
    alice = await api.agent(SystemClock(), "alice")
    await phone_sends(stack, "image", files.image(), "image/jpeg", sha256="0" * 64)
    [interaction] = await held_interactions(api, alice)
    attachment = await attachment_settled(stack, alice, interaction["id"])
    assert attachment["state"] == "failed"
    assert "checksum" in attachment["error"]
    assert [p for p in api.runtime.settings.attachments_dir.rglob("*") if p.is_file()] == []


async def test_an_agents_image_and_pdf_reach_the_phone(sim: Stack) -> None:
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Photo please"}, "profile_name": "Ana Souza"},
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    image, pdf = files.image(), files.pdf()
    ids = []
    for name, data in (("box.jpg", image), ("Fatura.pdf", pdf)):
        up = await api.client.post(
            "/api/v1/attachments", files={"file": (name, data, "")}, headers=alice
        )
        assert up.status_code == 201, up.text
        ids.append(up.json()["id"])
    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Here you go", "attachment_ids": ids, "client_id": "c-media"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["type"] == "text"  # text first, then one message per file

    async def on_phone() -> list[dict[str, Any]] | None:
        messages = [m for m in await stack.phone_messages() if m["direction"] == "out"]
        return messages if len(messages) == 3 else None

    out = await eventually(on_phone, "three messages reach the phone")
    assert [m["type"] for m in out] == ["text", "image", "document"]
    document = out[2]["content"]
    assert document["filename"] == "Fatura.pdf"
    content = await stack.phone.get(f"/_sim/media/{document['id']}/content")
    assert content.content == pdf
    again = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Here you go", "attachment_ids": ids, "client_id": "c-media"},
        headers=alice,
    )
    assert again.status_code == 201 and again.json()["id"] == sent.json()["id"]


async def test_a_single_image_takes_the_text_as_caption(sim: Stack) -> None:
    stack = sim
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Photo please"}, "profile_name": "Ana Souza"},
    )
    [interaction] = await held_interactions(api, alice)
    up = await api.client.post(
        "/api/v1/attachments", files={"file": ("box.png", files.image("PNG"), "")}, headers=alice
    )
    sent = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={
            "text": "The box",
            "attachment_ids": [up.json()["id"]],
            "client_id": "c2",
            "caption": True,
        },
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    assert (sent.json()["type"], sent.json()["text"]) == ("image", "The box")

    async def on_phone() -> dict[str, Any] | None:
        out = [m for m in await stack.phone_messages() if m["direction"] == "out"]
        return out[0] if out else None

    message = await eventually(on_phone, "the image reaches the phone")
    assert message["content"]["caption"] == "The box"


async def test_a_standard_response_sends_its_text_first_then_each_attachment(sim: Stack) -> None:
    """The help page's order: the response's text as its own message, then every attachment
    as its own, in order; an attachment the agent removed is not sent."""
    api = sim.api
    async with api.runtime.uow() as uow:
        await add_agent(uow, SystemClock(), "root", role="admin", ready=False)
    root = {"Authorization": f"Bearer {await api.login('root')}"}
    uploads = []
    for name, data in (("box.png", files.image("PNG")), ("terms.pdf", files.pdf())):
        up = await api.client.post(
            "/api/v1/attachments", files={"file": (name, data, "")}, headers=root
        )
        assert up.status_code == 201, up.text
        uploads.append(up.json()["id"])
    category = await api.client.post(
        "/api/v1/response-categories", json={"name": "Returns"}, headers=root
    )
    response = await api.client.post(
        "/api/v1/responses",
        json={
            "name": "Return label",
            "category_id": category.json()["id"],
            "text": "Here is your return label and our terms.",
            "attachment_ids": uploads,
        },
        headers=root,
    )
    assert response.status_code == 201, response.text
    alice = await api.agent(SystemClock(), "alice")
    await sim.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "How do I return it?"}, "profile_name": "Ana"},
    )
    [interaction] = await held_interactions(api, alice)
    filled = await api.client.get(
        f"/api/v1/responses/{response.json()['id']}/filled",
        params={"interaction_id": interaction["id"]},
        headers=alice,
    )
    assert filled.status_code == 200, filled.text

    async def send(attachment_ids: list[int], client_id: str) -> None:
        body = {"text": filled.json()["text"], "attachment_ids": attachment_ids}
        sent = await api.client.post(
            f"/api/v1/interactions/{interaction['id']}/messages",
            json={**body, "client_id": client_id},
            headers=alice,
        )
        assert sent.status_code == 201, sent.text

    async def phone_out(n: int) -> list[dict[str, Any]] | None:
        out = [m for m in await sim.phone_messages() if m["direction"] == "out"]
        return out if len(out) >= n else None

    await send(uploads, "r1")
    whole = await eventually(lambda: phone_out(3), "three messages reach the phone")
    assert [m["type"] for m in whole] == ["text", "image", "document"]
    assert whole[0]["content"]["body"] == "Here is your return label and our terms."
    await send(uploads[:1], "r2")  # the agent removed the PDF's chip
    both = await eventually(lambda: phone_out(5), "two more messages reach the phone")
    assert [m["type"] for m in both[3:]] == ["text", "image"]
