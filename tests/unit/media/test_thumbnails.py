"""Thumbnails: small, upright, JPEG (WebP with transparency); unreadable images and decompression
bombs refused."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from parley.errors import TooLarge
from parley.media import thumbnails
from parley.media.storage import LocalStorage
from parley.media.thumbnails import (
    EDGE,
    Preview,
    UnreadableImage,
    make_preview,
    preview_type,
    store_preview,
)
from tests.media import files


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_preview_fits_the_edge_and_keeps_the_shape(fmt: str) -> None:
    mime = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    preview = make_preview(files.image(fmt, size=(1000, 500)), mime)
    assert (preview.width, preview.height) == (1000, 500)
    thumb = opened(preview.data)
    assert thumb.format == "JPEG" and preview_type(preview.data) == "image/jpeg"
    # A JPEG is kept at the reduced scale it decodes at (1/2 here); the others are resampled.
    assert thumb.size == ((500, 250) if fmt == "JPEG" else (EDGE, EDGE // 2))
    assert len(preview.data) < 10_000


@pytest.mark.parametrize(
    ("size", "shown"),
    [((1280, 960), (320, 240)), ((1600, 1200), (400, 300)), ((6000, 3000), (EDGE, EDGE // 2))],
)
def test_a_jpeg_is_kept_at_its_reduced_scale_under_twice_the_edge(
    size: tuple[int, int], shown: tuple[int, int]
) -> None:
    """1/4 of 1280 is the edge itself, 1/4 of 1600 is under twice it; 1/8 of 6000 (750 px)
    is over: resampled to the edge."""
    assert opened(make_preview(files.photo(size), "image/jpeg").data).size == shown


def test_a_small_image_is_not_enlarged() -> None:
    preview = make_preview(files.image("PNG", size=(40, 30)), "image/png")
    assert opened(preview.data).size == (40, 30)


def test_a_phone_photo_is_turned_upright() -> None:
    """EXIF orientation 6: stored landscape, shown rotated a quarter clockwise (portrait)."""
    preview = make_preview(files.photo((800, 400), orientation=6), "image/jpeg")
    assert (preview.width, preview.height) == (400, 800)
    thumb = opened(preview.data).convert("RGB")
    assert thumb.size == (200, 400)  # decoded at half its size, then turned
    top, bottom = thumb.getpixel((80, 10)), thumb.getpixel((80, 390))
    assert top[0] > 150 > top[2]  # the red half is on top once turned
    assert bottom[2] > 150 > bottom[0]


def test_transparency_survives() -> None:
    sticker = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    sticker.paste((0, 200, 0, 255), (100, 100, 500, 500))
    out = io.BytesIO()
    sticker.save(out, "PNG")
    preview = make_preview(out.getvalue(), "image/png")
    thumb = opened(preview.data)
    assert thumb.format == "WEBP" and preview_type(preview.data) == "image/webp"
    assert thumb.mode == "RGBA"
    assert thumb.getpixel((2, 2))[3] == 0
    assert thumb.getpixel((160, 160))[3] == 255


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (files.image()[:300], "image/jpeg"),
        (files.image("PNG")[:60], "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\0" * 40, "image/webp"),
        (files.image("PNG"), "image/jpeg"),  # never decoded as another type than sniffed
    ],
    ids=["truncated-jpeg", "truncated-png", "broken-webp", "png-as-jpeg"],
)
def test_an_image_pillow_cannot_read_is_refused(data: bytes, mime: str) -> None:
    with pytest.raises(UnreadableImage) as refused:
        make_preview(data, mime)
    assert refused.value.status == 422
    assert refused.value.message == "This image is damaged or incomplete and cannot be sent."


@pytest.mark.parametrize(
    ("size", "said"),
    [((6000, 6000), "This image is 6000 × 6000 pixels"), ((30_000, 30_000), "too large")],
    ids=["over-ours", "over-pillows"],
)
def test_a_decompression_bomb_is_refused_from_its_header(size: tuple[int, int], said: str) -> None:
    """Over Parley's limit (25 megapixels for a PNG) or Pillow's own: refused before decoding."""
    with pytest.raises(TooLarge) as refused:
        make_preview(files.png_declaring(*size), "image/png")
    assert refused.value.code == "image_too_large"
    assert said in refused.value.message
    assert "at most 25 megapixels" in refused.value.message


def test_a_jpeg_up_to_parleys_limit_is_previewed_past_pillows_own() -> None:
    """Pillow warns from about 89.5 megapixels; Parley takes JPEGs up to 100 (decoded at 1/8)."""
    image = Image.new("L", (10_000, 9_400), 128)  # 94 megapixels, a flat grey: a small file
    out = io.BytesIO()
    image.save(out, "JPEG", quality=50)
    preview = make_preview(out.getvalue(), "image/jpeg")
    assert (preview.width, preview.height) == (10_000, 9_400)
    assert max(opened(preview.data).size) <= EDGE * 2


async def test_previews_are_made_two_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six large photos at once must not hold six decoders' memory at once."""
    busy, most = 0, 0
    lock = threading.Lock()

    def slow(data: bytes, mime: str) -> Preview:
        nonlocal busy, most
        with lock:
            busy += 1
            most = max(most, busy)
        time.sleep(0.1)
        with lock:
            busy -= 1
        return Preview(b"\xff\xd8\xff", 10, 10)

    monkeypatch.setattr(thumbnails, "make_preview", slow)
    storage = LocalStorage(tmp_path)
    stored = await asyncio.gather(*(
        store_preview(storage, "k", "image/jpeg", 3, animated=False, strict=True, data=b"x")
        for _ in range(6)
    ))  # fmt: skip
    assert all(s is not None for s in stored)
    assert most == thumbnails.PREVIEWING.total_tokens == 2
