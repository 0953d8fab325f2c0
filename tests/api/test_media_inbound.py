"""A contact's media as the desktop first sees it: loading, or failed when WhatsApp said so."""

from __future__ import annotations

import json
from pathlib import Path

from parley.clock import FixedClock
from tests.api.conftest import Api
from tests.api.support import customer_sends, held_interactions, transcript

CASE = Path(__file__).parents[1] / "fixtures" / "realworld" / "inbound-media-error-hidden.json"
MEDIA_ERROR = {
    "code": 400,
    "details": "Last error was: ServerThrottle.",
    "title": "Media download failed: Not retrying as download is not retriable at this time",
}


async def test_media_shows_loading_until_fetched(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    image = {"id": "800000000000001", "mime_type": "image/jpeg", "sha256": "ab", "caption": "hi"}
    await customer_sends(api, "wamid.IMG1", {"type": "image", "image": image})
    [interaction] = await held_interactions(api, alice)
    [message] = (await transcript(api, alice, interaction["id"]))["items"]
    attachment = message["content"]["attachment"]
    assert attachment["state"] in ("loading", "failed")  # no Graph media here: it cannot load
    assert attachment["kind"] == "image"
    assert attachment["filename"] == "photo.jpg"
    created = api.events("message.created")
    assert created[0]["message"]["content"]["attachment"]["id"] == attachment["id"]
    not_yet = await api.client.get(f"/api/v1/attachments/{attachment['id']}", headers=alice)
    if attachment["state"] == "loading":
        assert not_yet.json()["error"]["code"] == "attachment_not_ready"


async def test_a_media_error_in_the_webhook_shows_as_not_fetched(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    image = {"id": "800000000000099", "mime_type": "image/jpeg", "sha256": "29ed500f"}
    await customer_sends(
        api, "wamid.FAKE_IMGERR", {"type": "image", "image": image, "errors": [MEDIA_ERROR]}
    )
    [interaction] = await held_interactions(api, alice)
    [message] = (await transcript(api, alice, interaction["id"]))["items"]
    attachment = message["content"]["attachment"]
    assert attachment["state"] == "failed"
    assert "ServerThrottle" in attachment["error"]
    assert api.graph.requests == []  # nothing was asked of WhatsApp for it


def test_the_shared_case_has_this_shape() -> None:
    [item] = json.loads(CASE.read_text())["entry"][0]["changes"][0]["value"]["messages"]
    assert item["errors"][0]["title"] == MEDIA_ERROR["title"]
