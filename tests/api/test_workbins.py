"""Workbins through the API: Move to Workbin, Open, logout parks, the contact writing again."""

from __future__ import annotations

from typing import Any

from parley.clock import FixedClock
from parley.interactions.models import Interaction
from tests.api.conftest import Api, ApiFactory
from tests.api.support import ANA, BRUNO, customer_says, eventually, held_interactions
from tests.factories import add_agent

CARLA = "5531988887777"


async def workbins(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await api.client.get("/api/v1/workbins", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def items(api: Api, headers: dict[str, str], workbin_id: int) -> list[dict[str, Any]]:
    response = await api.client.get(f"/api/v1/workbins/{workbin_id}/items", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def mine(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await api.client.get("/api/v1/interactions", headers=headers)
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def park(api: Api, headers: dict[str, str], iid: int, **body: Any) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/v1/interactions/{iid}/workbin", json=body or None, headers=headers
    )
    assert response.status_code == 200, response.text
    parked: dict[str, Any] = response.json()
    return parked


async def test_move_to_workbin_parks_it_and_frees_capacity_and_open_brings_it_back(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(agent_capacity=1) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Where is my order?", "wamid.A1")
        [held] = await held_interactions(api, alice)

        parked = await park(api, alice, held["id"], reason="Waiting for the warehouse")
        assert parked["state"] == "parked" and parked["agent_id"] is None
        assert parked["park_reason"] == "Waiting for the warehouse"
        assert await mine(api, alice) == []
        [personal] = [w for w in await workbins(api, alice) if w["kind"] == "personal"]
        assert personal["name"] == "WhatsApp in progress" and personal["item_count"] == 1
        [item] = await items(api, alice, personal["id"])
        assert item["interaction_id"] == held["id"]
        assert item["contact"]["wa_id"] == ANA
        assert item["parked_by"]["name"] == "Alice"
        assert item["reason"] == "Waiting for the warehouse"
        assert item["last_message"]["text"] == "Where is my order?"

        # Parked work does not count: with capacity 1 the next customer reaches Alice.
        await customer_says(api, "Hello", "wamid.B1", wa_id=BRUNO, name="Bruno")
        [bruno] = await held_interactions(api, alice)
        assert bruno["contact"]["wa_id"] == BRUNO

        refused = await api.client.post(f"/api/v1/interactions/{held['id']}/open", headers=alice)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "at_capacity"
        assert "1 of 1" in refused.json()["error"]["message"]

        await park(api, alice, bruno["id"])
        opened = await api.client.post(f"/api/v1/interactions/{held['id']}/open", headers=alice)
        assert opened.status_code == 200, opened.text
        assert opened.json()["state"] == "active" and opened.json()["agent_id"] is not None
        assert opened.json()["workbin_id"] is None
        assert [i["id"] for i in await mine(api, alice)] == [held["id"]]
        assert [i["interaction_id"] for i in await items(api, alice, personal["id"])] == [
            bruno["id"]
        ]
        history = await api.client.get(f"/api/v1/interactions/{held['id']}/events", headers=alice)
        events = history.json()["items"]
        assert [e["kind"] for e in events[-2:]] == ["parked", "opened"]
        assert events[-2]["note"] == "Waiting for the warehouse"
        assert events[-2]["agent"]["name"] == "Alice"


async def test_logout_parks_every_active_interaction_and_frees_the_agent(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    for n, wa_id in enumerate((ANA, BRUNO, CARLA)):
        await customer_says(api, f"Hi {n}", f"wamid.L{n}", wa_id=wa_id, name=f"C{n}")
    held = await held_interactions(api, alice, 3)
    assert len(held) == 3

    assert (await api.client.post("/api/v1/auth/logout", headers=alice)).status_code == 204
    async with api.runtime.uow() as uow:
        from sqlalchemy import select

        from parley.auth.models import User

        user = await uow.session.scalar(select(User).where(User.username == "alice"))
        assert user is not None and user.status == "logged_out"
    alice = {"Authorization": f"Bearer {await api.login('alice')}"}
    [personal] = [w for w in await workbins(api, alice) if w["kind"] == "personal"]
    parked = await items(api, alice, personal["id"])
    assert sorted(i["interaction_id"] for i in parked) == sorted(i["id"] for i in held)
    assert {i["reason"] for i in parked} == {"Logged out"}
    assert await mine(api, alice) == []


async def test_the_contact_writing_again_goes_first_to_the_agent_who_parked_it(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.P1")
    [held] = await held_interactions(api, alice)
    bob = await api.agent(clock, "bob")
    await park(api, alice, held["id"])

    await customer_says(api, "Hello? anyone?", "wamid.P2")
    [back] = await held_interactions(api, alice)
    assert back["id"] == held["id"] and back["state"] == "active"
    assert back["returned_from"] == "Alice's workbin"
    assert await mine(api, bob) == []


async def test_the_contact_writing_again_goes_to_another_agent_or_waits(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.Q1")
    [held] = await held_interactions(api, alice)
    await park(api, alice, held["id"])
    assert (await api.client.post("/api/v1/auth/logout", headers=alice)).status_code == 204

    await customer_says(api, "Hello? anyone?", "wamid.Q2")

    async def queued() -> bool:
        async with api.runtime.uow() as uow:
            found = await uow.session.get(Interaction, held["id"])
            return found is not None and found.state == "queued"

    await eventually(queued, "it waits in the queue with nobody Ready")
    bob = await api.agent(clock, "bob")
    [taken] = await held_interactions(api, bob)
    assert taken["id"] == held["id"]
    assert taken["returned_from"] == "Alice's workbin"


async def test_who_sees_which_workbin_and_who_manages_them(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    bob = await api.agent(clock, "bob", ready=False)
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sara", role="supervisor", ready=False)
        await add_agent(uow, clock, "root", role="admin", ready=False)
    sara = {"Authorization": f"Bearer {await api.login('sara')}"}
    root = {"Authorization": f"Bearer {await api.login('root')}"}
    refused = await api.client.post("/api/v1/workbins", json={"name": "Billing"}, headers=alice)
    assert refused.status_code == 403
    made = await api.client.post(
        "/api/v1/workbins", json={"name": "Billing", "description": "Refunds"}, headers=root
    )
    assert made.status_code == 201, made.text
    billing = made.json()
    again = await api.client.post("/api/v1/workbins", json={"name": "billing"}, headers=root)
    assert again.status_code == 409

    await customer_says(api, "Refund please", "wamid.W1")
    [held] = await held_interactions(api, alice)
    holder, other = alice, bob
    await park(api, holder, held["id"], workbin_id=billing["id"], reason="Refund check")

    # A shared workbin: every agent sees it and may Open its items.
    assert [i["interaction_id"] for i in await items(api, other, billing["id"])] == [held["id"]]
    personal_of_holder = next(w for w in await workbins(api, holder) if w["kind"] == "personal")
    hidden = await api.client.get(
        f"/api/v1/workbins/{personal_of_holder['id']}/items", headers=other
    )
    assert hidden.status_code == 404
    assert {w["kind"] for w in await workbins(api, sara)} >= {"personal", "shared"}

    full = await api.client.delete(f"/api/v1/workbins/{billing['id']}", headers=root)
    assert full.status_code == 409 and full.json()["error"]["code"] == "workbin_not_empty"
    opened = await api.client.post(f"/api/v1/interactions/{held['id']}/open", headers=other)
    assert opened.status_code == 200, opened.text
    assert (
        await api.client.delete(f"/api/v1/workbins/{billing['id']}", headers=root)
    ).status_code == 204


async def test_a_supervisor_moves_work_to_another_agent_within_capacity(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(agent_capacity=1) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Hi", "wamid.M1")
        [held] = await held_interactions(api, alice)
        bob = await api.agent(clock, "bob")
        bob_id = (await api.client.get("/api/v1/me", headers=bob)).json()["id"]
        async with api.runtime.uow() as uow:
            await add_agent(uow, clock, "sara", role="supervisor", ready=False)
        headers = {"Authorization": f"Bearer {await api.login('sara')}"}
        agent_refused = await api.client.post(
            f"/api/v1/interactions/{held['id']}/assign", json={"agent_id": bob_id}, headers=alice
        )
        assert agent_refused.status_code == 403
        moved = await api.client.post(
            f"/api/v1/interactions/{held['id']}/assign", json={"agent_id": bob_id}, headers=headers
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == "offered" and moved.json()["agent_id"] == bob_id
        assert await mine(api, alice) == []
        assert [i["id"] for i in await mine(api, bob)] == [held["id"]]
        removed = [e for e in api.events("interaction.removed") if e["reason"] == "moved"]
        assert removed and removed[-1]["interaction_id"] == held["id"]


async def test_workbin_names_are_real_and_distinct_as_people_read_them(
    api: Api, clock: FixedClock
) -> None:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", role="admin", ready=False)
    root = {"Authorization": f"Bearer {await api.login('root')}"}
    blank = await api.client.post("/api/v1/workbins", json={"name": "  \t "}, headers=root)
    assert blank.status_code == 422
    made = await api.client.post("/api/v1/workbins", json={"name": " Ünïcødé 客服 "}, headers=root)
    assert made.status_code == 201 and made.json()["name"] == "Ünïcødé 客服"
    other = await api.client.post("/api/v1/workbins", json={"name": "Billing"}, headers=root)
    for name in ("ÜNÏCØDÉ 客服", "whatsapp in progress"):
        taken = await api.client.post("/api/v1/workbins", json={"name": name}, headers=root)
        assert taken.status_code == 409, name
    renamed = await api.client.patch(
        f"/api/v1/workbins/{other.json()['id']}", json={"name": "ünïcødé 客服"}, headers=root
    )
    assert renamed.status_code == 409
    kept = await api.client.patch(
        f"/api/v1/workbins/{made.json()['id']}", json={"description": "Tier 2"}, headers=root
    )
    assert kept.status_code == 200 and kept.json()["description"] == "Tier 2"
    assert kept.json()["name"] == "Ünïcødé 客服"
    assert [e["workbin"]["name"] for e in api.events("workbin.updated")][-1] == "Ünïcødé 客服"

    gone = await api.client.delete(f"/api/v1/workbins/{other.json()['id']}", headers=root)
    assert gone.status_code == 204
    assert api.events("workbin.removed")[-1]["workbin_id"] == other.json()["id"]
    again = await api.client.post("/api/v1/workbins", json={"name": "Billing"}, headers=root)
    assert again.json()["id"] > other.json()["id"], "a deleted workbin's id is never reused"
    loose = await api.client.post(
        "/api/v1/interactions/1/workbin", json={"workbin_id": True}, headers=root
    )
    assert loose.status_code == 422
