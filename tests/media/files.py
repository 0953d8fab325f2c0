"""Small real files of every type WhatsApp carries, made on the spot (Pillow, zipfile, ffmpeg)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
import zlib
from functools import cache
from pathlib import Path

from PIL import Image

HAS_FFMPEG = shutil.which("ffmpeg") is not None


def image(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    picture = Image.new("RGB", size, (200, 60, 40))
    out = io.BytesIO()
    picture.save(out, fmt, **save)
    return out.getvalue()


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (32, 32), color) for color in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def padded(data: bytes, size: int) -> bytes:
    """`data` grown to exactly `size` bytes (zeros after the end: viewers ignore them)."""
    assert len(data) <= size
    return data + b"\0" * (size - len(data))


def pdf() -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def office(kind: str) -> bytes:
    """A minimal DOCX (`word`), XLSX (`xl`) or PPTX (`ppt`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(f"{kind}/document.xml", '<?xml version="1.0"?><document/>')
    return out.getvalue()


def amr() -> bytes:
    """AMR-NB: the magic line, then 50 NO_DATA frames (one header byte each)."""
    return b"#!AMR\n" + b"\x7c" * 50


@cache
def ffmpeg(ext: str, *args: str) -> bytes:
    """One second of tone (and for video, a test pattern) encoded by ffmpeg into `ext`."""
    target = Path(f"/tmp/parley-media-test-{abs(hash((ext, args)))}.{ext}")
    video = ext in ("mp4", "3gp")
    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
    if video:
        inputs = [*inputs, "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=1"]
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *inputs, *args, "-shortest", str(target)],
        check=True,
        timeout=60,
    )
    data = target.read_bytes()
    target.unlink()
    return data


def ogg_opus() -> bytes:
    return ffmpeg("ogg", "-c:a", "libopus", "-ac", "1")


def mp3() -> bytes:
    return ffmpeg("mp3", "-c:a", "libmp3lame")


def m4a() -> bytes:
    return ffmpeg("m4a", "-c:a", "aac")


def aac() -> bytes:
    return ffmpeg("aac", "-c:a", "aac", "-f", "adts")


def mp4() -> bytes:
    return ffmpeg("mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac")


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` by `height` pixels but that holds one row: a
    decompression bomb's shape, in 60 bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    row = zlib.compress(b"\0" + b"\0" * 3 * min(width, 16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def photo(size: tuple[int, int], orientation: int = 1) -> bytes:
    """A JPEG as a phone takes it: left half red, right half blue, with an EXIF orientation."""
    picture = Image.new("RGB", size, (220, 30, 30))
    picture.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()
