"""`parley serve` fetches a contact's media from its ingest worker process: the file, its
preview and the message's attachment, from a stand-in of the Cloud API's media endpoints.

The webhooks' own media URLs (2025, WHATSAPP.md §2.4) are tried first when they point at an
allowed host: one photo's URL answers, one has expired (404: a new URL is asked for), one
names a host Parley never sends its token to."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi import FastAPI, Request, Response
from PIL import Image

from tests.conftest import make_settings
from tests.factories import BUSINESS
from tests.live import free_port, serving
from tests.reliability.server import MetaSender, ServerProcess
from tests.reliability.test_kill9 import SECRET, fetch

pytestmark = pytest.mark.reliability
MEDIA_IDS = ("880001", "880002", "880003")


def _photo() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def _graph(photo: bytes, asked: list[str]) -> FastAPI:
    """`GET /{version}/{media-id}` (the URL, WHATSAPP.md §5) and the bytes at that URL."""
    app = FastAPI()

    @app.get("/v23.0/{media_id}")
    async def info(media_id: str, request: Request) -> dict[str, Any]:
        asked.append(f"info {media_id}")
        return {"messaging_product": "whatsapp", "url": f"{request.base_url}files/{media_id}",
                "mime_type": "image/jpeg", "sha256": hashlib.sha256(photo).hexdigest(),
                "file_size": len(photo), "id": media_id}  # fmt: skip

    @app.get("/files/{media_id}")
    async def download(media_id: str) -> Response:
        asked.append(f"file {media_id}")
        return Response(photo, media_type="image/jpeg")

    @app.get("/expired/{media_id}")
    async def expired(media_id: str) -> Response:
        asked.append(f"expired {media_id}")
        body = {"error": {"message": "URL signature expired", "code": 190}}
        return Response(orjson.dumps(body), status_code=404, media_type="application/json")

    return app


def _webhook(media_id: str, n: int, digest: str, url: str) -> bytes:
    image = {"id": media_id, "mime_type": "image/jpeg", "sha256": digest, "caption": f"photo {n}",
             "url": url}  # fmt: skip
    message = {"from": f"5511977{n:06d}", "id": f"wamid.MEDIA{n}",
               "timestamp": str(int(time.time())), "type": "image", "image": image}  # fmt: skip
    value = {"messaging_product": "whatsapp", "metadata": BUSINESS, "messages": [message],
             "contacts": [{"profile": {"name": f"Customer {n}"}, "wa_id": message["from"]}]}  # fmt: skip
    entry = {"id": "880011223344556", "changes": [{"field": "messages", "value": value}]}
    return orjson.dumps({"object": "whatsapp_business_account", "entry": [entry]})


async def test_serve_fetches_each_contacts_photo_with_its_preview(
    tmp_path: Path, database_url: str
) -> None:
    photo, asked = _photo(), []
    digest = hashlib.sha256(photo).hexdigest()
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(_graph(photo, asked), free_port()) as graph_url:
        env = {**os.environ, "PARLEY_DATABASE_URL": database_url, "PARLEY_REDIS_URL": "",
               "PARLEY_DATA_DIR": str(tmp_path), "PARLEY_LOG_LEVEL": "WARNING",
               "PARLEY_WHATSAPP_API_BASE_URL": graph_url}  # fmt: skip
        server = ServerProcess(free_port(), env, tmp_path)
        try:
            server.start()
            await server.ready()
            sender = MetaSender(server.url, SECRET)
            fresh, stale, foreign = MEDIA_IDS
            urls = {fresh: f"{graph_url}/files/{fresh}", stale: f"{graph_url}/expired/{stale}",
                    foreign: f"https://media.example/files/{foreign}"}  # fmt: skip
            bodies = [_webhook(m, n, digest, urls[m]) for n, m in enumerate(MEDIA_IDS)]
            await sender.deliver_all(bodies, concurrency=3)
            rows: list[Any] = []
            for _ in range(300):
                rows = await fetch(settings, "SELECT wa_media_id, state, thumbnail_key, "
                                   "width, height, size, error FROM attachments")  # fmt: skip
                if len(rows) == len(MEDIA_IDS) and all(r[1] != "loading" for r in rows):
                    break
                await asyncio.sleep(0.1)
        finally:
            server.stop()
    assert sorted((r[0], r[1], r[3], r[4], r[5]) for r in rows) == [
        (m, "ready", 640, 480, len(photo)) for m in MEDIA_IDS
    ], server.output()
    assert all(r[2] for r in rows), "every photo has its preview"
    fresh, stale, foreign = MEDIA_IDS
    assert sorted(asked) == sorted([
        f"file {fresh}",  # the webhook's URL: no request for a new one
        f"expired {stale}", f"info {stale}", f"file {stale}",
        f"info {foreign}", f"file {foreign}",  # never fetched from the payload's host
    ])  # fmt: skip
    [(content,)] = await fetch(
        settings, "SELECT content FROM messages WHERE wamid = 'wamid.MEDIA0'"
    )
    attachment = (
        orjson.loads(content)["attachment"] if isinstance(content, str) else content["attachment"]
    )
    assert attachment["state"] == "ready"
