"""A reaction is exactly one emoji; every time the API and the event stream show ends in `Z`."""

from __future__ import annotations

import re
from typing import Any

from parley.clock import FixedClock
from parley.messages.models import OutboxItem
from tests.api.conftest import Api
from tests.api.support import customer_says, held_interactions, transcript
from tests.api.test_replies_and_reactions import count

UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Where is order 2291?", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def test_a_reaction_is_exactly_one_emoji(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    inbound = (await transcript(api, alice, iid))["items"][0]
    url = f"/api/v1/interactions/{iid}/messages/{inbound['id']}/reaction"
    outbox = await count(api, OutboxItem)
    for emoji in ["👍👍", "🇧🇷🇧🇷", "👍🏽👍", "1️⃣2️⃣", "🇧", "a👍", "👍a"]:
        response = await api.client.put(url, json={"emoji": emoji}, headers=alice)
        assert response.status_code == 422, emoji
        error = response.json()["error"]
        assert error["code"] == "invalid_emoji", emoji
        assert error["fields"][0]["field"] == "emoji"
    assert await count(api, OutboxItem) == outbox, "nothing refused reached the outbox"
    for emoji in ["❤️", " 🎉 ", ""]:
        response = await api.client.put(url, json={"emoji": emoji}, headers=alice)
        assert response.status_code == 200, (emoji, response.text)


def times_of(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (path, value) of a key ending in `_at`, `_since` or named `timestamp`/`at`."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}"
            timed = key.endswith(("_at", "_since")) or key in ("timestamp", "at")
            if timed and isinstance(inner, str):
                found.append((where, inner))
            found.extend(times_of(inner, where))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            found.extend(times_of(inner, f"{path}[{n}]"))
    return found


async def test_every_time_ends_in_z_in_rest_and_events(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Today", "client_id": "t"},
        headers=alice,
    )
    assert sent.status_code == 201
    interaction = (await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)).json()
    me = (await api.client.get("/api/v1/me", headers=alice)).json()
    assert interaction["last_message"] == {
        "author_id": me["id"],
        "direction": "out",
        "type": "text",
        "text": "Today",
        "created_at": "2026-01-05T09:00:00Z",
    }
    listed = (await api.client.get("/api/v1/interactions", headers=alice)).json()
    frames = [e for e in api.bus.published if e.event["type"].startswith("interaction.")]
    assert any(f.event.get("interaction", {}).get("last_message") for f in frames)
    shown = [interaction, listed, *(f.event for f in frames)]
    times = [t for value in shown for t in times_of(value)]
    assert any(path.endswith("last_message.created_at") for path, _ in times)
    assert [(p, t) for p, t in times if not UTC_Z.match(t)] == []
