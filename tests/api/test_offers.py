"""Offers: accept, reject and expiry move work to another agent; auto-accept skips the offer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.interactions.models import Interaction, InteractionEvent
from tests.api.conftest import Api, ApiFactory
from tests.api.support import customer_says, eventually, held_interactions


async def holder(api: Api, iid: int) -> tuple[str, int | None]:
    async with api.runtime.uow() as uow:
        interaction = await uow.session.get(Interaction, iid)
        assert interaction is not None
        return interaction.state, interaction.agent_id


async def routed(api: Api, iid: int, state: str, agent_id: int | None) -> None:
    api.runtime.wake("routing")

    async def there() -> bool:
        return await holder(api, iid) == (state, agent_id)

    await eventually(there, f"interaction {iid} is {state} with agent {agent_id}")


async def expired(api: Api, iid: int, times: int) -> None:
    """Wait for the router to have let the offer of `iid` expire `times` times."""
    api.runtime.wake("routing")

    async def seen() -> bool:
        async with api.runtime.uow() as uow:
            count = await uow.session.scalar(
                select(func.count()).where(
                    InteractionEvent.interaction_id == iid,
                    InteractionEvent.reason == "offer_timeout",
                )
            )
        return count == times

    await eventually(seen, f"the offer of {iid} expired {times} times")


async def me(api: Api, headers: dict[str, str]) -> int:
    agent_id: int = (await api.client.get("/api/v1/me", headers=headers)).json()["id"]
    return agent_id


async def test_an_offer_is_accepted_or_goes_to_another_agent(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Hi", "wamid.IN1")
        [offer] = await held_interactions(api, alice)
        assert (offer["state"], offer["accepted_at"]) == ("offered", None)
        [event] = api.events("interaction.offered")
        assert event["interaction"]["state"] == "offered"
        iid = offer["id"]
        bob = await api.agent(clock, "bob")
        alice_id, bob_id = await me(api, alice), await me(api, bob)

        rejected = await api.client.post(f"/api/v1/interactions/{iid}/reject", headers=alice)
        assert rejected.json()["state"] == "queued"
        removed = api.events("interaction.removed")
        assert removed[-1] == {
            "type": "interaction.removed",
            "interaction_id": iid,
            "reason": "rejected",
            "notice": None,  # the agent's own click: nothing to tell them
        }
        await routed(api, iid, "offered", bob_id)
        late = await api.client.post(f"/api/v1/interactions/{iid}/accept", headers=alice)
        assert late.status_code == 404, "no longer hers to see"

        clock.advance(31)  # Bob lets the offer expire; Alice declined it a moment ago
        # Nobody else has room: it comes back to Bob at once rather than wait with him Ready.
        await expired(api, iid, 1)
        await routed(api, iid, "offered", bob_id)
        await api.client.post(f"/api/v1/interactions/{iid}/reject", headers=bob)
        await routed(api, iid, "queued", None)  # both said no: it waits
        clock.advance(59)  # Alice's "no" is 90 s old, Bob's 59 s
        await routed(api, iid, "offered", alice_id)
        accepted = await api.client.post(f"/api/v1/interactions/{iid}/accept", headers=alice)
        assert accepted.status_code == 200
        assert accepted.json()["state"] == "active"
        assert accepted.json()["accepted_at"] == "2026-01-05T09:01:30Z"
        twice = await api.client.post(f"/api/v1/interactions/{iid}/accept", headers=alice)
        assert (twice.status_code, twice.json()["error"]["code"]) == (409, "not_offered")

        events = (await api.client.get(f"/api/v1/interactions/{iid}/events", headers=alice)).json()
        assert [
            (e["kind"], e["state"], (e["agent"] or {}).get("name")) for e in events["items"]
        ] == [
            ("created", "queued", None),
            ("routed", "offered", "Alice"),
            ("rejected", "queued", "Alice"),
            ("routed", "offered", "Bob"),
            ("offer_expired", "queued", "Bob"),
            ("routed", "offered", "Bob"),
            ("rejected", "queued", "Bob"),
            ("routed", "offered", "Alice"),
            ("accepted", "active", "Alice"),
        ]


async def test_the_only_agent_who_rejected_is_offered_it_again_later(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Hi", "wamid.IN1")
        [offer] = await held_interactions(api, alice)
        await api.client.post(f"/api/v1/interactions/{offer['id']}/reject", headers=alice)
        await routed(api, offer["id"], "queued", None)
        clock.advance(61)
        await routed(api, offer["id"], "offered", await me(api, alice))


async def test_a_ready_agent_who_missed_an_offer_gets_it_back_when_nobody_else_can(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    """Not a minute in the queue with the only Ready agent idle: the offer comes back to them
    (and a second miss sets them Not Ready, "Missed offers")."""
    async with api_with(auto_accept=False, missed_offers_limit=2) as api:
        alice = await api.agent(clock, "alice")
        alice_id = await me(api, alice)
        await customer_says(api, "Hi", "wamid.IN1")
        [offer] = await held_interactions(api, alice)
        clock.advance(31)
        await expired(api, offer["id"], 1)
        await routed(api, offer["id"], "offered", alice_id)
        clock.advance(31)
        await expired(api, offer["id"], 2)
        await routed(api, offer["id"], "queued", None)
        status = (await api.client.get("/api/v1/me", headers=alice)).json()
        assert (status["status"], status["status_reason"]) == ("not_ready", "Missed offers")


async def test_auto_accept_hands_the_interaction_over_active(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    assert interaction["state"] == "active"
    assert interaction["accepted_at"] == "2026-01-05T09:00:00Z"
    [event] = api.events("interaction.offered")
    assert event["interaction"]["state"] == "active"
    reject = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/reject", headers=alice
    )
    assert (reject.status_code, reject.json()["error"]["code"]) == (409, "not_offered")
    history: list[dict[str, Any]] = (
        await api.client.get(f"/api/v1/interactions/{interaction['id']}/events", headers=alice)
    ).json()["items"]
    assert [(e["kind"], e["from_state"], e["state"]) for e in history] == [
        ("created", None, "queued"),
        ("routed", "queued", "active"),
    ]
    assert history[1]["agent"] == {"id": await me(api, alice), "name": "Alice"}
    assert history[0]["at"] == "2026-01-05T09:00:00Z"
