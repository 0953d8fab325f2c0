"""Transcript paging across sessions, catch-up after a reconnect, and the pending response."""

from __future__ import annotations

from parley.clock import FixedClock
from tests.api.conftest import Api
from tests.api.support import T0, customer_says, eventually, held_interactions, transcript


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def say(api: Api, alice: dict[str, str], iid: int, text: str) -> None:
    response = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": text, "client_id": text.replace(" ", "-")},
        headers=alice,
    )
    assert response.status_code == 201, response.text


async def interaction(api: Api, alice: dict[str, str], iid: int) -> dict[str, object]:
    got: dict[str, object] = (
        await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)
    ).json()
    return got


async def test_after_returns_what_is_newer_oldest_first(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    for n in range(4):
        await say(api, alice, iid, f"answer {n}")
    ids = [m["id"] for m in (await transcript(api, alice, iid))["items"]]
    assert ids == sorted(ids) and len(ids) == 5

    newer = await transcript(api, alice, iid, after=ids[1])
    assert [m["id"] for m in newer["items"]] == ids[2:]
    assert newer["has_more"] is False
    first = await transcript(api, alice, iid, after=ids[0], limit=2)
    assert ([m["id"] for m in first["items"]], first["has_more"]) == (ids[1:3], True)
    assert (await transcript(api, alice, iid, after=ids[-1]))["items"] == []
    assert [m["id"] for m in (await transcript(api, alice, iid, after=0))["items"]] == ids

    url = f"/api/v1/interactions/{iid}/messages"
    for params, code in [
        ({"after": ids[0], "before": ids[-1]}, "before_and_after"),
        ({"after": -1}, "validation_error"),
        ({"after": "x"}, "validation_error"),
        ({"before": 0}, "validation_error"),
        ({"limit": 201}, "validation_error"),
        ({"before": 2**31}, "validation_error"),
        ({"after": 2**63}, "validation_error"),
    ]:
        response = await api.client.get(url, params=params, headers=alice)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), params
    for path in [
        f"/api/v1/interactions/{2**31}",
        f"/api/v1/interactions/{iid}/messages/{2**40}/reaction",
    ]:
        response = await api.client.request(
            "PUT" if path.endswith("reaction") else "GET", path, json={"emoji": "👍"}, headers=alice
        )
        assert response.status_code == 422, path


async def test_older_pages_reach_back_across_sessions(api: Api, clock: FixedClock) -> None:
    alice, first = await start(api, clock)
    await say(api, alice, first, "first answer")
    closing = {"disposition": "Resolved", "note": "Sent the tracking link"}
    done = await api.client.post(f"/api/v1/interactions/{first}/done", json=closing, headers=alice)
    assert done.status_code == 200
    clock.advance(3600)
    await customer_says(api, "Me again", "wamid.IN2", timestamp=T0 + 3600)
    [again] = await held_interactions(api, alice)
    second = again["id"]
    assert second != first
    await say(api, alice, second, "second answer")

    newest = await transcript(api, alice, second, limit=2)
    assert [m["text"] for m in newest["items"]] == ["Me again", "second answer"]
    assert newest["has_more"] is True
    older = await transcript(api, alice, second, before=newest["items"][0]["id"], limit=2)
    assert [m["text"] for m in older["items"]] == ["Hi", "first answer"]
    assert older["has_more"] is False
    # each page says how the earlier interactions its messages belong to ended
    assert newest["interactions"] == []
    [past] = older["interactions"]
    assert {k: past[k] for k in ("id", "state", "disposition", "note")} == {
        "id": first, "state": "done", "disposition": "Resolved", "note": "Sent the tracking link"
    }  # fmt: skip
    assert past["agent"]["name"] == "Alice" and past["done_at"].endswith("Z")
    everything = older["items"] + newest["items"]
    assert [m["interaction_id"] for m in everything] == [first, first, second, second]
    assert everything[0]["session_id"] != everything[2]["session_id"]
    assert [(m["author"] or {}).get("name") for m in everything] == [None, "Alice", None, "Alice"]
    # The finished interaction's transcript is the same contact's: the same pages.
    from_first = (await transcript(api, alice, first, limit=2))["items"]
    assert [m["id"] for m in from_first] == [m["id"] for m in newest["items"]]


async def test_pending_since_is_the_oldest_unanswered_message(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    assert (await interaction(api, alice, iid))["pending_since"] == "2026-01-05T09:00:00Z"
    clock.advance(5)
    await customer_says(api, "Hello?", "wamid.IN2", timestamp=T0 + 5)

    async def two_unread() -> bool:
        return (await interaction(api, alice, iid))["unread_count"] == 2

    await eventually(two_unread, "the second message arrives")
    assert (await interaction(api, alice, iid))["pending_since"] == "2026-01-05T09:00:00Z"

    await say(api, alice, iid, "Here")
    assert (await interaction(api, alice, iid))["pending_since"] is None
    updates = [e["interaction"] for e in api.events("interaction.updated")]
    assert updates[-1]["pending_since"] is None

    clock.advance(5)
    # Meta's clock runs a little ahead of ours: the timer starts now, never in the future.
    await customer_says(api, "Are you there?", "wamid.IN3", timestamp=T0 + 40)

    async def pending() -> object:
        return (await interaction(api, alice, iid))["pending_since"]

    assert await eventually(pending, "the timer restarts") == "2026-01-05T09:00:10Z"
