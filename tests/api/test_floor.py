"""The supervisors' floor through the API: the snapshot, acting on agents and work, who may."""

from __future__ import annotations

from typing import Any

from parley.audit.service import AuditFilter, list_actions
from parley.clock import FixedClock
from tests.api.conftest import Api, ApiFactory
from tests.api.support import BRUNO, customer_says, eventually, held_interactions
from tests.factories import add_agent


async def staff(api: Api, clock: FixedClock, username: str, role: str = "supervisor") -> Any:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, username, role=role, ready=False)
    return {"Authorization": f"Bearer {await api.login(username)}"}


async def floor(api: Api, headers: dict[str, str]) -> dict[str, Any]:
    response = await api.client.get("/api/v1/floor", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def my_id(api: Api, headers: dict[str, str]) -> int:
    found: int = (await api.client.get("/api/v1/me", headers=headers)).json()["id"]
    return found


async def audit(api: Api, action: str) -> list[Any]:
    async with api.runtime.reader() as uow:
        return await list_actions(uow.session, AuditFilter(action=action))


async def test_the_floor_shows_the_queue_the_agents_and_the_days_figures(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        sara = await staff(api, clock, "sara")
        alice = await api.agent(clock, "alice", ready=False)
        await customer_says(api, "Is anyone there?", "wamid.F1")

        async def queued() -> Any:
            return (await floor(api, sara))["queue"]

        [waiting] = await eventually(queued, "the customer is in the queue")
        assert waiting["state"] == "queued" and waiting["contact"]["name"] == "Ana Souza"
        assert waiting["last_message"]["text"] == "Is anyone there?"
        assert waiting["queued_at"] is not None and waiting["pending_since"] is not None
        snapshot = await floor(api, sara)
        [agent] = snapshot["agents"]
        assert (agent["name"], agent["status"], agent["held"]) == ("Alice", "not_ready", 0)
        assert snapshot["figures"]["offered"] == 1 and snapshot["figures"]["waiting"] == 1
        assert snapshot["service_level_seconds"] == 60 and len(snapshot["intervals"]) == 96
        assert snapshot["since"].startswith("2026-01-05T00:00:00")

        clock.advance(45)
        await api.client.put("/api/v1/me/status", json={"status": "ready"}, headers=alice)
        [offer] = await held_interactions(api, alice)
        clock.advance(20)  # accepted 65 s after the customer wrote: outside the 60 s threshold
        accepted = await api.client.post(
            f"/api/v1/interactions/{offer['id']}/accept", headers=alice
        )
        assert accepted.status_code == 200

        snapshot = await floor(api, sara)
        assert snapshot["queue"] == [] and [i["id"] for i in snapshot["held"]] == [offer["id"]]
        [agent] = snapshot["agents"]
        assert agent["status"] == "ready" and agent["held"] == 1
        assert agent["oldest_pending_since"] is not None
        figures = snapshot["figures"]
        assert (figures["answered"], figures["answered_within"], figures["waiting"]) == (1, 0, 0)
        assert figures["service_level"] == 0 and figures["average_wait_seconds"] == 65
        [nine] = [i for i in snapshot["intervals"] if i["start"].startswith("2026-01-05T09:00")]
        assert nine["offered"] == 1 and nine["average_wait_seconds"] == 65


async def test_agents_never_reach_the_floor_or_its_actions(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    bob = await api.agent(clock, "bob")
    await customer_says(api, "Hi", "wamid.F2")
    [held] = await held_interactions(api, alice)
    bob_id = await my_id(api, bob)
    refused = [
        await api.client.get("/api/v1/floor", headers=alice),
        await api.client.get("/api/v1/reports/service-level", headers=alice),
        await api.client.get("/api/v1/reports/intervals?format=csv", headers=alice),
        await api.client.get("/api/v1/reports/agents", headers=alice),
        await api.client.put(
            f"/api/v1/agents/{bob_id}/status",
            json={"status": "not_ready", "reason": "Break"},
            headers=alice,
        ),
        await api.client.post(f"/api/v1/interactions/{held['id']}/monitor", headers=alice),
        await api.client.post(
            f"/api/v1/interactions/{held['id']}/assign", json={"agent_id": bob_id}, headers=alice
        ),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(r.json()["error"]["code"] == "forbidden" for r in refused)
    unauthenticated = await api.client.get("/api/v1/floor")
    assert unauthenticated.status_code == 401
    assert await audit(api, "") == []


async def test_a_supervisor_sets_an_agent_not_ready_with_a_reason(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        sara = await staff(api, clock, "sara")
        root = await staff(api, clock, "root", role="admin")
        alice = await api.agent(clock, "alice")
        alice_id = await my_id(api, alice)
        await customer_says(api, "Hello", "wamid.F3")
        [offer] = await held_interactions(api, alice)
        assert offer["state"] == "offered"

        path = f"/api/v1/agents/{alice_id}/status"
        unknown = await api.client.put(
            path, json={"status": "not_ready", "reason": "Gossip"}, headers=sara
        )
        assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_reason"
        done = await api.client.put(
            path, json={"status": "not_ready", "reason": "training"}, headers=sara
        )
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["status_reason"]) == ("not_ready", "Training")
        me = (await api.client.get("/api/v1/me", headers=alice)).json()
        assert (me["status"], me["status_reason"]) == ("not_ready", "Training")
        told = [e for e in api.events("agent.updated") if e.get("notice")]
        assert told[-1]["agent"]["id"] == alice_id
        assert told[-1]["notice"] == "Set Not Ready (Training) by Sara"
        # Her pending offer went back to the queue: the customer is not left with nobody.
        assert (await floor(api, sara))["queue"][0]["state"] == "queued"
        assert (await api.client.get("/api/v1/interactions", headers=alice)).json()["items"] == []
        [entry] = await audit(api, "agent.")
        assert (entry.action, entry.actor_id, entry.subject_id) == (
            "agent.not_ready",
            await my_id(api, sara),
            str(alice_id),
        )
        assert entry.summary == "Sara set Alice Not Ready (Training)"

        again = await api.client.put(
            path, json={"status": "not_ready", "reason": "Training"}, headers=root
        )
        assert again.status_code == 200 and len(await audit(api, "agent.")) == 1
        ready = await api.client.put(path, json={"status": "ready"}, headers=root)
        assert ready.json()["status"] == "ready"
        assert (await audit(api, "agent."))[0].summary == "Root set Alice Ready"

        sara_id = await my_id(api, sara)
        not_agent = await api.client.put(
            f"/api/v1/agents/{sara_id}/status", json={"status": "ready"}, headers=root
        )
        assert not_agent.status_code == 409
        assert (
            await api.client.put(
                "/api/v1/agents/99999/status", json={"status": "ready"}, headers=sara
            )
        ).status_code == 404
        await api.client.post("/api/v1/auth/logout", headers=alice)
        gone = await api.client.put(path, json={"status": "ready"}, headers=sara)
        assert gone.status_code == 409 and gone.json()["error"]["code"] == "agent_unavailable"
        bad = await api.client.put(path, json={"status": "away"}, headers=sara)
        assert bad.status_code == 422


async def test_moving_work_between_agents_is_recorded_and_both_are_told(
    api: Api, clock: FixedClock
) -> None:
    sara = await staff(api, clock, "sara")
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.F4")
    [held] = await held_interactions(api, alice)
    bob = await api.agent(clock, "bob")
    bob_id = await my_id(api, bob)
    moved = await api.client.post(
        f"/api/v1/interactions/{held['id']}/assign", json={"agent_id": bob_id}, headers=sara
    )
    assert moved.status_code == 200, moved.text
    [removed] = [e for e in api.events("interaction.removed") if e["reason"] == "moved"]
    assert removed["notice"] == "Chat with Ana Souza moved to Bob by Sara"
    offered = [e for e in api.events("interaction.offered") if e.get("notice")]
    assert offered[-1]["notice"] == "Chat with Ana Souza moved to you by Sara"
    [entry] = await audit(api, "interaction.moved")
    assert entry.subject_id == str(held["id"]) and entry.actor_id == await my_id(api, sara)
    assert entry.summary == "Sara moved Ana Souza from Alice to Bob"
    assert entry.detail["to_agent_id"] == bob_id

    # Into a shared workbin: Bob (who now holds it as an offer) is told, the log says where.
    root = await staff(api, clock, "root", role="admin")
    made = await api.client.post("/api/v1/workbins", json={"name": "Escalations"}, headers=root)
    parked = await api.client.post(
        f"/api/v1/interactions/{held['id']}/workbin",
        json={"workbin_id": made.json()["id"]},
        headers=sara,
    )
    assert parked.status_code == 200 and parked.json()["state"] == "parked"
    notices = [e.get("notice") for e in api.events("interaction.removed")]
    assert notices[-1] == "Chat with Ana Souza moved to Escalations by Sara"
    [entry] = await audit(api, "interaction.moved_to_workbin")
    assert entry.summary == "Sara moved Ana Souza from Bob to Escalations"
    snapshot = await floor(api, sara)
    [bin_] = [w for w in snapshot["workbins"] if w["name"] == "Escalations"]
    assert bin_["item_count"] == 1 and bin_["oldest_parked_at"] is not None

    # An agent parking their own work is not a supervisor action: nothing more is recorded.
    await customer_says(api, "Me again", "wamid.F5", wa_id=BRUNO, name="Bruno")
    [mine] = await eventually(lambda: held_interactions(api, alice), "Bruno reaches Alice")
    await api.client.post(f"/api/v1/interactions/{mine['id']}/workbin", headers=alice)
    assert len(await audit(api, "interaction.")) == 2


async def test_monitor_opens_any_live_transcript_read_only_and_is_recorded(
    api: Api, clock: FixedClock
) -> None:
    sara = await staff(api, clock, "sara")
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Can you help?", "wamid.F6")
    [held] = await held_interactions(api, alice)
    watched = await api.client.post(f"/api/v1/interactions/{held['id']}/monitor", headers=sara)
    assert watched.status_code == 200 and watched.json()["agent_id"] == held["agent_id"]
    page = await api.client.get(f"/api/v1/interactions/{held['id']}/messages", headers=sara)
    assert [m["text"] for m in page.json()["items"]] == ["Can you help?"]
    [entry] = await audit(api, "interaction.monitored")
    assert entry.summary == "Sara monitored Ana Souza with Alice"
    # Read only: the supervisor does not hold it, so sending is refused as for anyone else.
    sent = await api.client.post(
        f"/api/v1/interactions/{held['id']}/messages",
        json={"text": "hi", "client_id": "c-1"},
        headers=sara,
    )
    assert sent.status_code == 409
    missing = await api.client.post("/api/v1/interactions/99999/monitor", headers=sara)
    assert missing.status_code == 404
