"""Thumbnails: a small preview of every stored photo and still sticker, made by Pillow in a
worker thread (never on the event loop) and kept beside the file in storage.

`store_preview(storage, intake, strict=…)` reads the stored image back (at most
`SOURCE_MAX_BYTES`), checks its declared size in pixels before decoding anything (a
decompression bomb is refused from its header, never expanded), decodes it (JPEGs at a reduced
scale: `draft`), turns it upright (EXIF orientation), shrinks it to fit a square of `EDGE` px
(a JPEG is kept at the scale it decoded at when that is at most `KEPT_SCALE_EDGE`) and stores
it: a JPEG, or a WebP when it has transparency (`preview_type` tells them apart). With `strict`
(an agent's upload) an image that cannot be read or has too many pixels is refused; without it
(a contact's media, kept whatever it holds) it simply has no preview and the desktop shows it
as a file.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
from PIL import Image, ImageOps, UnidentifiedImageError

from parley.errors import Invalid, ParleyError, TooLarge
from parley.media.storage import Storage, new_key

EDGE = 320  # the longest side of a preview, in pixels (bubbles show them at up to 260 CSS px)
QUALITY = 80
# An opaque preview is a JPEG: libjpeg-turbo encodes a 320 px photo in about 0.25 ms, libwebp
# (even at method 1, its fastest but one) in 3 to 4 ms for files only a tenth smaller, and a
# preview is made for every photo a contact sends. Only transparency needs WebP.
# libwebp's speed/size trade-off (0 fastest, 6 smallest): at 4 (Pillow's default) the encoding
# was half of a preview's CPU; at 1 the files came out within a few per cent of its size. The
# same reasoning picks bicubic over Lanczos for the shrinking (a third less CPU; the difference
# is not visible at 320 px).
WEBP_METHOD = 1
# A JPEG decodes at 1/1, 1/2, 1/4 or 1/8 of its size: the smallest of these that covers EDGE is
# kept as it is when its longest side is at most this (a 720 px photo's preview is 360 px).
# Resampling 360 px to 320 cost a real photo 2.3 ms, as much as decoding it; and the larger
# preview is the sharper one on a high-density screen, for a few more kilobytes.
KEPT_SCALE_EDGE = 2 * EDGE
# What Pillow decodes each sniffed type as; nothing else is ever handed to it.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# A larger file is not previewed (WhatsApp's images are at most 5 MB).
SOURCE_MAX_BYTES = 16 * 1024 * 1024
# Pixels an image may declare: a JPEG is decoded at 1/2 to 1/8 scale, so it may have more than
# a PNG or WebP, which are decoded whole (4 bytes a pixel).
MAX_PIXELS = {"JPEG": 100_000_000, "PNG": 25_000_000, "WEBP": 25_000_000}
# Pillow warns past its own limit (about 89.5 million pixels), which `make_preview` treats as a
# refusal: it would refuse JPEGs that MAX_PIXELS allows. Ours are checked from the header.
Image.MAX_IMAGE_PIXELS = max(MAX_PIXELS.values())


# At most this many previews are made at once in a process: a large progressive JPEG holds its
# whole image's coefficients while it decodes (about 260 MB for 81 megapixels), and six such
# uploads at once took a node from 386 MB to 1.6 GB. Two keep both cores busy.
PREVIEWING = anyio.CapacityLimiter(2)


class UnreadableImage(Invalid):
    code = "unreadable_image"


@dataclass(frozen=True)
class Preview:
    """A JPEG (or a WebP with transparency) of at most `EDGE` px a side (`KEPT_SCALE_EDGE` for a
    JPEG kept at a reduced scale); `width` and `height`: the original's, upright."""

    data: bytes
    width: int
    height: int


EXTENSIONS = {"image/jpeg": "jpg", "image/webp": "webp"}  # a preview's file name ends so


def preview_type(data: bytes) -> str:
    """The MIME type of a stored preview, from its first bytes: `image/webp` (transparent
    images, and every preview stored before JPEG ones were made) or `image/jpeg`."""
    return "image/webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "image/jpeg"


@dataclass(frozen=True)
class StoredPreview:
    key: str
    width: int
    height: int


def previewable(mime: str, animated: bool) -> bool:
    return mime in FORMATS and not animated


def make_preview(data: bytes, mime: str) -> Preview:
    """The preview of an image file (CPU-bound: run it in a thread). `UnreadableImage` when
    Pillow cannot decode it, `TooLarge` (`image_too_large`) for too many pixels."""
    fmt = FORMATS[mime]
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit, raises) for huge images: both are refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                return _shrunk(image, fmt)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(None, fmt) from None
        except ParleyError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            # Pillow's words ("Truncated File Read") mean nothing to an agent.
            raise UnreadableImage(
                "This image is damaged or incomplete and cannot be sent."
            ) from None


def _shrunk(image: Image.Image, fmt: str) -> Preview:
    width, height = image.size
    if width * height > MAX_PIXELS[fmt]:
        raise _too_many_pixels((width, height), fmt)
    if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # turned a quarter: the sides swap
        width, height = height, width
    # JPEG only: decode at the smallest scale that still gives the preview its size (the
    # longest side EDGE, the other in proportion; Pillow keeps both sides at least this).
    stored_w, stored_h = image.size
    scale = min(1.0, EDGE / max(stored_w, stored_h, 1))
    image.draft("RGB", (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))
    upright = ImageOps.exif_transpose(image)
    if fmt != "JPEG" or max(upright.size) > KEPT_SCALE_EDGE:
        upright.thumbnail((EDGE, EDGE), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        upright.convert("RGBA").save(out, "WEBP", quality=QUALITY, method=WEBP_METHOD)
    else:
        upright.convert("RGB").save(out, "JPEG", quality=QUALITY)
    return Preview(out.getvalue(), width, height)


def _too_many_pixels(size: tuple[int, int] | None, fmt: str) -> TooLarge:
    limit = MAX_PIXELS[fmt] // 1_000_000
    said = f"This image is {size[0]} × {size[1]} pixels" if size else "This image is too large"
    return TooLarge(f"{said}; at most {limit} megapixels can be sent.", code="image_too_large")


async def store_preview(
    storage: Storage,
    key: str,
    mime: str,
    size: int,
    *,
    animated: bool,
    strict: bool,
    data: bytes | None = None,
) -> StoredPreview | None:
    """Make and store the preview of the image stored under `key` (see the module docstring);
    None when it has none. `data`: the file's bytes when the caller still holds them."""
    if not previewable(mime, animated) or size > SOURCE_MAX_BYTES:
        return None
    if data is None:
        data = b"".join([chunk async for chunk in storage.read(key)])
    try:
        preview = await anyio.to_thread.run_sync(make_preview, data, mime, limiter=PREVIEWING)
    except (UnreadableImage, TooLarge):
        if strict:
            raise
        return None
    thumbnail_key = new_key()
    await storage.write(thumbnail_key, _once(preview.data))
    return StoredPreview(thumbnail_key, preview.width, preview.height)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data
