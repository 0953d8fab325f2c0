"""POST/GET /api/v1/attachments: types from content, limits at their edges, safe serving."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from parley.clock import FixedClock
from parley.domain.attachments import KB, MB
from tests.api.conftest import Api, ApiFactory
from tests.api.support import customer_says, held_interactions
from tests.factories import add_agent
from tests.media import files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


async def upload(
    api: Api, headers: dict[str, str], name: str, data: bytes, claimed: str = "application/pdf"
) -> Any:
    return await api.client.post(
        "/api/v1/attachments", files={"file": (name, data, claimed)}, headers=headers
    )


TYPES = [
    ("photo.jpg", files.image, "image/jpeg", "image"),
    ("screen.png", lambda: files.image("PNG"), "image/png", "image"),
    ("sticker.webp", lambda: files.image("WEBP"), "image/webp", "sticker"),
    ("invoice.pdf", files.pdf, "application/pdf", "document"),
    ("report.docx", lambda: files.office("word"), DOCX, "document"),
    ("sheet.xlsx", lambda: files.office("xl"), XLSX, "document"),
    ("deck.pptx", lambda: files.office("ppt"), PPTX, "document"),
    ("notes.txt", lambda: "Olá, tudo bem?\n".encode(), "text/plain", "document"),
    ("note.amr", files.amr, "audio/amr", "audio"),
    ("voice.ogg", files.ogg_opus, "audio/ogg", "audio"),
    ("song.mp3", files.mp3, "audio/mpeg", "audio"),
    ("memo.m4a", files.m4a, "audio/mp4", "audio"),
    ("clip.aac", files.aac, "audio/aac", "audio"),
    ("movie.mp4", files.mp4, "video/mp4", "video"),
]


@pytest.mark.parametrize(("name", "make", "mime", "kind"), TYPES, ids=[t[0] for t in TYPES])
async def test_each_type_is_told_by_its_content_and_served_back(
    api: Api, clock: FixedClock, name: str, make: Any, mime: str, kind: str
) -> None:
    alice = await api.agent(clock, "alice")
    data = make()
    response = await upload(api, alice, name, data, claimed="application/octet-stream")
    assert response.status_code == 201, response.text
    out = response.json()
    assert (out["filename"], out["mime_type"], out["kind"], out["size"]) == (
        name,
        mime,
        kind,
        len(data),
    )
    served = await api.client.get(out["url"], headers=alice)
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in served.headers["content-security-policy"]


async def test_a_lying_name_is_renamed_for_the_content(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    response = await upload(api, alice, "invoice.pdf", files.image("PNG"), "application/pdf")
    assert response.status_code == 201
    out = response.json()
    assert (out["filename"], out["mime_type"], out["kind"]) == ("invoice.png", "image/png", "image")
    served = await api.client.get(out["url"], headers=alice)
    assert served.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("tool.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64),
        ("archive.zip", files.padded(b"PK\x03\x04", 64)),
    ],
    ids=["html", "svg", "exe", "zip"],
)
async def test_types_whatsapp_does_not_carry_are_refused_and_not_stored(
    api: Api, clock: FixedClock, name: str, data: bytes
) -> None:
    alice = await api.agent(clock, "alice")
    response = await upload(api, alice, name, data)
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_type"
    assert error["message"].startswith(f"{name} can’t be sent: ")  # named, in words
    assert "Files of type" not in error["message"]
    stored = [p for p in (api.runtime.settings.attachments_dir).rglob("*") if p.is_file()]
    assert stored == []


async def test_an_empty_file_or_no_file_is_a_clear_error(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    empty = await upload(api, alice, "a.pdf", b"")
    assert (empty.status_code, empty.json()["error"]["code"]) == (400, "empty_file")
    missing = await api.client.post("/api/v1/attachments", data={"x": "1"}, headers=alice)
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "no_file")


async def test_whatsapp_limits_apply_at_their_edges(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    at_limit = files.padded(files.image(), 5 * MB)
    assert (await upload(api, alice, "big.jpg", at_limit)).status_code == 201
    over = await upload(api, alice, "big.jpg", at_limit + b"\0")
    assert over.status_code == 413
    assert over.json()["error"] == {
        "code": "too_large",
        "message": "This photo is over 5 MB; a photo can be at most 5 MB.",
    }
    sticker = files.image("WEBP")
    assert (await upload(api, alice, "s.webp", files.padded(sticker, 100 * KB))).status_code == 201
    static_over = await upload(api, alice, "s.webp", files.padded(sticker, 100 * KB + 1))
    assert static_over.status_code == 413
    assert "a sticker can be at most 100 KB" in static_over.json()["error"]["message"]
    animated = files.padded(files.animated_webp(), 500 * KB)
    assert (await upload(api, alice, "a.webp", animated)).status_code == 201
    assert (await upload(api, alice, "a.webp", animated + b"\0")).status_code == 413
    assert [p for p in api.runtime.settings.attachments_dir.rglob(".*.part")] == []


async def test_admins_narrow_types_and_sizes(api_with: ApiFactory, clock: FixedClock) -> None:
    async with api_with(
        attachment_types="image/jpeg,application/pdf", attachment_limits="image=2000"
    ) as api:
        alice = await api.agent(clock, "alice")
        jpeg = files.padded(files.image(), 2000)
        assert (await upload(api, alice, "a.jpg", jpeg)).status_code == 201
        assert (await upload(api, alice, "a.jpg", jpeg + b"\0")).status_code == 413
        png = await upload(api, alice, "a.png", files.image("PNG"))
        assert png.status_code == 415
        config = (await api.client.get("/api/v1/config", headers=alice)).json()["attachments"]
        assert sorted(config["types"]) == ["application/pdf", "image/jpeg"]
        assert config["types"]["image/jpeg"]["max_bytes"] == 2000


async def test_the_upload_cap_is_its_own_not_the_json_cap(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(attachment_max_bytes=3 * MB) as api:
        alice = await api.agent(clock, "alice")
        two_mb = files.padded(files.pdf(), 2 * MB)  # over the 1 MiB JSON cap, under the file cap
        assert (await upload(api, alice, "a.pdf", two_mb)).status_code == 201
        huge = await upload(api, alice, "a.pdf", files.padded(files.pdf(), 4 * MB))
        assert (huge.status_code, huge.json()["error"]["code"]) == (413, "too_large")
        big_json = await api.client.post(
            "/api/v1/interactions/1/messages", content=b"{" + b" " * 2 * MB, headers=alice
        )
        assert big_json.status_code == 413


async def test_downloads_name_the_file_safely(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    name = "Orçamento final|2026.pdf"
    out = (await upload(api, alice, name, files.pdf())).json()
    assert out["filename"] == "Orçamento final_2026.pdf"
    inline = await api.client.get(out["url"], headers=alice)
    assert inline.headers["content-disposition"].startswith("inline;")
    saved = await api.client.get(out["download_url"], headers=alice)
    disposition = saved.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Orcamento final_2026.pdf"')
    assert disposition.endswith("filename*=UTF-8''" + quote(out["filename"], safe=""))
    assert saved.headers["content-type"] == "application/octet-stream"


async def test_documents_other_than_pdf_and_text_are_never_inline(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    out = (await upload(api, alice, "r.docx", files.office("word"))).json()
    served = await api.client.get(out["url"], headers=alice)
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-type"] == "application/octet-stream"


async def test_a_range_is_served_for_players_to_seek(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    data = files.mp4()
    out = (await upload(api, alice, "m.mp4", data)).json()
    part = await api.client.get(out["url"], headers={**alice, "Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    tail = await api.client.get(out["url"], headers={**alice, "Range": "bytes=-5"})
    assert tail.content == data[-5:]
    beyond = await api.client.get(out["url"], headers={**alice, "Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    # RFC 9110 §14.1.1: a range that is not valid (last before first) is ignored, not refused.
    backwards = await api.client.get(out["url"], headers={**alice, "Range": "bytes=100-50"})
    assert (backwards.status_code, backwards.content) == (200, data)


async def test_head_answers_like_get_without_the_body(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    data = files.pdf()
    out = (await upload(api, alice, "a.pdf", data)).json()
    got = await api.client.get(out["url"], headers=alice)
    head = await api.client.head(out["url"], headers=alice)
    assert (head.status_code, head.content) == (200, b"")
    for name in ("content-type", "content-length", "content-disposition", "accept-ranges"):
        assert head.headers[name] == got.headers[name], name
    assert head.headers["content-length"] == str(len(data))
    part = await api.client.head(out["url"], headers={**alice, "Range": "bytes=0-9"})
    assert (part.status_code, part.headers["content-length"]) == (206, "10")


async def test_every_api_answer_is_nosniff(api: Api, clock: FixedClock) -> None:
    """docs/api.md: not only the file, its /meta, JSON errors and other answers too."""
    alice = await api.agent(clock, "alice")
    out = (await upload(api, alice, "a.pdf", files.pdf())).json()
    answers = [
        await api.client.get(f"/api/v1/attachments/{out['id']}/meta", headers=alice),
        await api.client.get("/api/v1/attachments/999999", headers=alice),
        await api.client.get("/api/v1/no-such-route", headers=alice),
        await api.client.get("/api/v1/config", headers=alice),
    ]
    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 4
    assert answers[1].status_code == 404


async def test_a_txt_holding_html_is_sent_as_plain_text(api: Api, clock: FixedClock) -> None:
    """A log excerpt with `<script>` in it is what its name says: text, served as text."""
    alice = await api.agent(clock, "alice")
    data = b"<html><head><script>alert(1)</script></head><body>error at line 3</body></html>\n"
    out = (await upload(api, alice, "crash.txt", data, "text/plain")).json()
    assert (out["mime_type"], out["kind"], out["filename"]) == (
        "text/plain",
        "document",
        "crash.txt",
    )
    served = await api.client.get(out["url"], headers=alice)
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["x-content-type-options"] == "nosniff"
    named_html = await upload(api, alice, "crash.html", data, "text/html")
    assert named_html.status_code == 415  # named for what it is: still not sent


async def test_bidi_characters_leave_an_uploads_name(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    out = (await upload(api, alice, "evil\u202egnp.pdf", files.pdf())).json()
    assert out["filename"] == "evilgnp.pdf"


async def test_only_the_uploader_its_contacts_agents_and_supervisors_see_a_file(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    bob = await api.agent(clock, "bob", ready=False)
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    sam = {"Authorization": f"Bearer {await api.login('sam')}"}
    api.client.cookies.clear()
    out = (await upload(api, alice, "a.pdf", files.pdf())).json()
    assert (await api.client.get(out["url"], headers=bob)).status_code == 404
    assert (await api.client.get(out["url"], headers=sam)).status_code == 200
    assert (await api.client.get(out["url"])).status_code == 401
    # Sent to Ana: her agent sees it, and still nobody else.
    await customer_says(api, "Send me the invoice", "wamid.A1")
    [interaction] = await held_interactions(api, alice)
    sent = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={"attachment_ids": [out["id"]], "client_id": "c1"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    assert (await api.client.get(out["url"], headers=bob)).status_code == 404
    assert (await api.client.get("/api/v1/attachments/999999", headers=alice)).status_code == 404
