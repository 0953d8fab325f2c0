"""The Cloud API's media endpoints for the benchmarks, so that inbound images are fetched as they
are in production (a stand-in for Meta, like the load generator: its CPU is not Parley's).

    python -m bench.graph --port 8102

`GET /{version}/{media-id}` answers the media's URL (WHATSAPP.md: "Retrieve media URL") and
`GET /media/{media-id}` the bytes: every id is the same 640x480 JPEG (`PHOTO`, about 20 KB),
whose sha256 the load generator puts in its webhooks. Template syncs get an empty list.
"""

from __future__ import annotations

import argparse
import hashlib
import io
from functools import cache
from typing import Any

import orjson
import uvicorn


@cache
def photo() -> bytes:
    """A 640x480 JPEG: a gradient, so it compresses like a photo more than a flat fill."""
    from PIL import Image

    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def photo_sha256() -> str:
    return hashlib.sha256(photo()).hexdigest()


def create_graph_app(port: int) -> Any:
    body = photo()
    digest = photo_sha256()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        parts = scope["path"].strip("/").split("/")
        status, kind, payload = 404, b"application/json", b'{"error":{"code":100}}'
        if parts[0] == "media" and len(parts) == 2:
            status, kind, payload = 200, b"image/jpeg", body
        elif len(parts) == 3 and parts[2] == "message_templates":
            status, payload = 200, b'{"data":[],"paging":{}}'
        elif len(parts) == 2:
            url = f"http://127.0.0.1:{port}/media/{parts[1]}"
            status, payload = 200, orjson.dumps({
                "messaging_product": "whatsapp", "url": url, "mime_type": "image/jpeg",
                "sha256": digest, "file_size": len(body), "id": parts[1],
            })  # fmt: skip
        headers = [(b"content-type", kind), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    app = create_graph_app(args.port)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
