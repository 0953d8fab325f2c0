"""A node whose files live in an S3 bucket (a real S3-compatible server): upload, send, download
and a contact's media, through the same API and the Cloud API simulator, nothing on local disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parley.clock import FixedClock, SystemClock
from parley.settings import Settings
from tests.api import test_with_simulator
from tests.api.conftest import ApiFactory
from tests.api.support import ANA, eventually, held_interactions
from tests.api.test_media_with_simulator import attachment_settled, phone_sends, sim
from tests.api.test_with_simulator import Stack
from tests.conftest import make_settings
from tests.media import files
from tests.media.s3 import new_bucket, objects, s3_settings

stack = test_with_simulator.stack
__all__ = ["sim", "stack"]
MB = 1024 * 1024


@pytest.fixture
async def bucket(s3_endpoint: str) -> str:
    return await new_bucket(s3_endpoint)


@pytest.fixture
def settings(tmp_path: Path, database_url: str, s3_endpoint: str, bucket: str) -> Settings:
    return make_settings(
        tmp_path, database_url=database_url, auto_accept=True, **s3_settings(s3_endpoint, bucket)
    )


async def test_files_go_both_ways_through_the_bucket(
    sim: Stack, s3_endpoint: str, bucket: str
) -> None:
    stack, api = sim, sim.api
    alice = await api.agent(SystemClock(), "alice")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "The contract?"}, "profile_name": "Ana Souza"},
    )
    assert said.status_code == 201
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    photo = files.photo((1024, 768))
    contract = files.padded(files.pdf(), 6 * MB)  # over one S3 part: a multipart upload
    ids = []
    for name, data in (("box.jpg", photo), ("Contrato.pdf", contract)):
        up = await api.client.post(
            "/api/v1/attachments", files={"file": (name, data, "")}, headers=alice
        )
        assert up.status_code == 201, up.text
        ids.append(up.json()["id"])
    stored = await objects(s3_endpoint, bucket)
    assert len(stored) == 3  # the photo, its preview and the contract
    assert {len(photo), len(contract)} < set(stored.values())
    assert all(name.startswith("attachments/") for name in stored)

    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"attachment_ids": ids, "client_id": "c-s3"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text

    async def on_phone() -> list[dict[str, Any]] | None:
        out = [m for m in await stack.phone_messages() if m["direction"] == "out"]
        return out if len(out) == 2 else None

    out = await eventually(on_phone, "both files reach the phone")
    for message, data in zip(out, (photo, contract), strict=True):
        media = await stack.phone.get(f"/_sim/media/{message['content']['id']}/content")
        assert media.content == data

    url = f"/api/v1/attachments/{ids[1]}"
    whole = await api.client.get(f"{url}?download=1", headers=alice)
    assert whole.content == contract
    assert whole.headers["content-disposition"].startswith('attachment; filename="Contrato.pdf"')
    span = await api.client.get(url, headers={**alice, "Range": f"bytes={5 * MB - 2}-{5 * MB + 1}"})
    assert (span.status_code, span.content) == (206, contract[5 * MB - 2 : 5 * MB + 2])
    thumb = await api.client.get(f"/api/v1/attachments/{ids[0]}/thumbnail", headers=alice)
    assert thumb.headers["content-type"] == "image/jpeg"

    voice = files.ogg_opus()
    await phone_sends(stack, "audio", voice, "audio/ogg; codecs=opus", voice=True)
    attachment = await attachment_settled(stack, alice, iid, count=4)
    assert attachment["state"] == "ready", attachment
    fetched = await api.client.get(f"/api/v1/attachments/{attachment['id']}", headers=alice)
    assert fetched.content == voice
    assert len(await objects(s3_endpoint, bucket)) == 4
    assert not any(p.is_file() for p in api.runtime.settings.attachments_dir.rglob("*"))


async def test_a_bucket_that_does_not_answer_is_a_clear_error(
    api_with: ApiFactory, s3_endpoint: str, clock: FixedClock
) -> None:
    async with api_with(**s3_settings(s3_endpoint, "parley-never-made")) as api:
        alice = await api.agent(clock, "alice")
        up = await api.client.post(
            "/api/v1/attachments", files={"file": ("a.pdf", files.pdf(), "")}, headers=alice
        )
        assert up.status_code == 503
        assert up.json()["error"]["code"] == "storage_unavailable"
        assert "NoSuchBucket" in up.json()["error"]["message"]
        ready = await api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["storage"] is False
        assert "file storage" in ready.json()["problems"][0]
