"""Uploads never sent are swept after PARLEY_UNSENT_UPLOAD_MAX_AGE_SECONDS; sent files, a
standard response's files and recent uploads stay."""

from __future__ import annotations

from typing import Any

from parley.clock import FixedClock
from parley.media.sweeper import UploadSweeper
from parley.workers.wake import Wake
from tests.api.conftest import Api, ApiFactory
from tests.api.support import T0, customer_says, eventually, held_interactions, transcript
from tests.api.test_responses import admin, post
from tests.media import files

DAY = 24 * 3600


async def upload(api: Api, headers: dict[str, str], name: str, data: bytes) -> Any:
    response = await api.client.post(
        "/api/v1/attachments", files={"file": (name, data, "")}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def stored(api: Api) -> int:
    return sum(1 for p in api.runtime.settings.attachments_dir.rglob("*") if p.is_file())


async def test_only_uploads_nobody_sent_or_kept_are_swept(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(session_max_age_seconds=3 * DAY) as api:
        await sweep_after_a_day(api, clock)


async def sweep_after_a_day(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    root = await admin(api, clock)
    forgotten = await upload(api, alice, "forgotten.jpg", files.image())  # and its preview
    sent = await upload(api, alice, "sent.pdf", files.pdf())
    library_file = await upload(api, root, "price list.pdf", files.pdf())
    category = await post(api, "/api/v1/response-categories", {"name": "Sales"}, root)
    body = {"name": "Prices", "category_id": category["id"], "attachment_ids": [library_file["id"]]}
    await post(api, "/api/v1/responses", body, root)
    await customer_says(api, "Hello", "wamid.U1")
    [interaction] = await held_interactions(api, alice)
    answer = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={"attachment_ids": [sent["id"]], "client_id": "c-sent"},
        headers=alice,
    )
    assert answer.status_code == 201, answer.text
    clock.advance(DAY - 60)
    recent = await upload(api, alice, "recent.pdf", files.pdf())
    sweeper = api.runtime.workers[Wake.UPLOADS]
    assert isinstance(sweeper, UploadSweeper)
    assert await sweeper.run_once() is False
    assert stored(api) == 5  # nothing is a day old yet

    clock.advance(61)
    await sweeper.run_once()
    gone = await api.client.get(forgotten["url"], headers=alice)
    assert gone.status_code == 404
    for kept in (sent, library_file, recent):
        assert (await api.client.get(kept["url"], headers=alice)).status_code == 200
    assert stored(api) == 3
    # The contact writes again (the 24-hour window opens again) before the agent tries.
    await customer_says(api, "Still there?", "wamid.U2", timestamp=T0 + DAY + 10)

    async def ingested() -> bool:
        return len((await transcript(api, alice, interaction["id"]))["items"]) == 3

    await eventually(ingested, "the second message is in")
    late = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/messages",
        json={"attachment_ids": [forgotten["id"]], "client_id": "c-late"},
        headers=alice,
    )
    assert (late.status_code, late.json()["error"]["code"]) == (404, "not_found")


async def test_a_zero_age_keeps_every_upload(api_with: ApiFactory, clock: FixedClock) -> None:
    async with api_with(unsent_upload_max_age_seconds=0) as api:
        assert Wake.UPLOADS not in api.runtime.workers
