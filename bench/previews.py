"""CPU per photo preview (`media.thumbnails.make_preview`), the step of every photo a contact sends.

    python -m bench.previews [--reps 30]

Images: the inbound benchmark's photo (`bench.graph.photo`, a smooth gradient, cheap to decode),
and photo-like ones of several sizes (a gradient with noise, so they compress like photographs),
baseline and progressive, and a PNG with transparency. Each is previewed `--reps` times after
one warm-up; the figure is the process's CPU time per preview (its threads included).
"""

from __future__ import annotations

import argparse
import io
import resource
from collections.abc import Callable

from PIL import Image

from bench.graph import photo
from parley.media.thumbnails import make_preview


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def photo_like(size: tuple[int, int], **save: object) -> bytes:
    """A JPEG of `size` that compresses like a photograph: a colour gradient under noise."""
    smooth = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 12)
    image = Image.merge("RGB", (smooth, noise, smooth.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, **save)
    return out.getvalue()


def transparent_png(size: tuple[int, int]) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((0, 160, 90, 255), (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def cases() -> list[tuple[str, bytes, str]]:
    return [
        ("benchmark photo 640x480 (gradient)", photo(), "image/jpeg"),
        ("photo-like 720x480", photo_like((720, 480)), "image/jpeg"),
        ("photo-like 1600x1200", photo_like((1600, 1200)), "image/jpeg"),
        (
            "photo-like 1600x1200 progressive",
            photo_like((1600, 1200), progressive=True),
            "image/jpeg",
        ),
        ("photo-like 4000x3000", photo_like((4000, 3000)), "image/jpeg"),
        ("PNG with transparency 800x800", transparent_png((800, 800)), "image/png"),
    ]


def timed(run: Callable[[], object], reps: int) -> float:
    run()
    start = _cpu()
    for _ in range(reps):
        run()
    return (_cpu() - start) / reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    reps = parser.parse_args().reps
    print("| image | file KB | preview | preview KB | CPU ms per preview |")
    print("|---|---|---|---|---|")
    for name, data, mime in cases():
        preview = make_preview(data, mime)
        shown = Image.open(io.BytesIO(preview.data))
        seconds = timed(lambda: make_preview(data, mime), reps)  # noqa: B023
        print(f"| {name} | {len(data) / 1024:.0f} | {shown.format} {shown.size[0]}x"
              f"{shown.size[1]} | {len(preview.data) / 1024:.1f} | {1000 * seconds:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
