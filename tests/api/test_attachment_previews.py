"""GET /api/v1/attachments/{id}/thumbnail: a photo's small preview, made when it is stored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from parley.clock import FixedClock
from tests.api.conftest import Api
from tests.api.support import customer_says, held_interactions, transcript
from tests.factories import add_agent
from tests.media import files


async def upload(api: Api, headers: dict[str, str], name: str, data: bytes) -> Any:
    return await api.client.post(
        "/api/v1/attachments", files={"file": (name, data, "image/jpeg")}, headers=headers
    )


def stored_files(api: Api) -> list[str]:
    return [str(p) for p in api.runtime.settings.attachments_dir.rglob("*") if p.is_file()]


async def test_a_photo_gets_a_small_upright_preview(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    photo = files.photo((1600, 1200), orientation=6)
    out = (await upload(api, alice, "box.jpg", photo)).json()
    assert (out["width"], out["height"]) == (1200, 1600)
    assert out["thumbnail_url"] == f"/api/v1/attachments/{out['id']}/thumbnail"
    thumb = await api.client.get(out["thumbnail_url"], headers=alice)
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in thumb.headers["content-security-policy"]
    assert thumb.headers["content-disposition"] == 'inline; filename="box.jpg"'
    assert len(thumb.content) < len(photo) / 5
    head = await api.client.head(out["thumbnail_url"], headers=alice)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(thumb.content))
    assert head.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (300, 400)  # 1/4, turned upright
    full = await api.client.get(out["url"], headers=alice)
    assert full.content == photo  # the full view is still the original
    assert len(stored_files(api)) == 2


async def test_a_transparent_image_keeps_its_transparency_in_a_webp_preview(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    sticker = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    sticker.paste((0, 200, 0, 255), (100, 100, 500, 300))
    out = io.BytesIO()
    sticker.save(out, "PNG")
    stored = (await upload(api, alice, "logo.png", out.getvalue())).json()
    thumb = await api.client.get(stored["thumbnail_url"], headers=alice)
    assert thumb.headers["content-type"] == "image/webp"
    assert thumb.headers["content-disposition"] == 'inline; filename="logo.webp"'
    shown = Image.open(io.BytesIO(thumb.content))
    assert (shown.format, shown.mode, shown.getpixel((2, 2))[3]) == ("WEBP", "RGBA", 0)


async def test_the_preview_goes_with_the_message(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    out = (await upload(api, alice, "s.png", files.image("PNG", size=(900, 300)))).json()
    await customer_says(api, "Send me a photo", "wamid.P1")
    [interaction] = await held_interactions(api, alice)
    sent = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={"attachment_ids": [out["id"]], "client_id": "c-prev"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    shown = (await transcript(api, alice, interaction["id"]))["items"][-1]["content"]
    assert shown["attachment"]["thumbnail"] is True
    assert (shown["attachment"]["width"], shown["attachment"]["height"]) == (900, 300)


async def test_files_that_are_not_photos_have_no_preview(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    for name, data in (("a.pdf", files.pdf()), ("a.webp", files.animated_webp())):
        out = (await upload(api, alice, name, data)).json()
        assert out["thumbnail_url"] is None
        none = await api.client.get(f"/api/v1/attachments/{out['id']}/thumbnail", headers=alice)
        assert (none.status_code, none.json()["error"]["code"]) == (404, "no_thumbnail")


async def test_the_preview_is_only_for_those_who_may_see_the_file(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    bob = await api.agent(clock, "bob", ready=False)
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    sam = {"Authorization": f"Bearer {await api.login('sam')}"}
    api.client.cookies.clear()
    out = (await upload(api, alice, "a.jpg", files.image())).json()
    assert (await api.client.get(out["thumbnail_url"], headers=bob)).status_code == 404
    assert (await api.client.get(out["thumbnail_url"], headers=sam)).status_code == 200
    assert (await api.client.get(out["thumbnail_url"])).status_code == 401


async def test_an_image_pillow_cannot_read_is_refused_and_not_kept(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    broken = await upload(api, alice, "half.jpg", files.image(size=(400, 300))[:400])
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "unreadable_image"
    assert (
        broken.json()["error"]["message"]
        == "This image is damaged or incomplete and cannot be sent."
    )
    bomb = await upload(api, alice, "bomb.png", files.png_declaring(40_000, 40_000))
    assert (bomb.status_code, bomb.json()["error"]["code"]) == (413, "image_too_large")
    assert stored_files(api) == []


async def test_a_file_gone_from_storage_is_a_clear_404(api: Api, clock: FixedClock) -> None:
    """Not a 200 that breaks off: the answer waits for storage's first bytes."""
    alice = await api.agent(clock, "alice")
    out = (await upload(api, alice, "a.jpg", files.image())).json()
    for path in stored_files(api):
        Path(path).unlink()  # noqa: ASYNC240
    for url in (out["url"], out["thumbnail_url"]):
        gone = await api.client.get(url, headers=alice)
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "attachment_missing")
