"""Create new chat (from My History or the directory), Create new session, and My History."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from parley.clock import FixedClock
from tests.api.conftest import Api, ApiFactory
from tests.api.support import ANA, BRUNO, customer_says, eventually, held_interactions
from tests.factories import add_agent

DAY = 24 * 3600


async def handled(api: Api, headers: dict[str, str], text: str, wamid: str, **kw: Any) -> Any:
    """The customer writes, the agent gets it and marks it done; returns the interaction."""
    await customer_says(api, text, wamid, **kw)
    wa_id = kw.get("wa_id", ANA)

    async def mine() -> Any:
        items = (await api.client.get("/api/v1/interactions", headers=headers)).json()["items"]
        return next((i for i in items if i["contact"]["wa_id"] == wa_id), None)

    interaction = await eventually(mine, "the interaction reaches the agent")
    url = f"/api/v1/interactions/{interaction['id']}/done"
    done = await api.client.post(url, json={"disposition": "Resolved"}, headers=headers)
    assert done.status_code == 200, done.text
    return done.json()


async def new_chat(api: Api, headers: dict[str, str], contact_id: int, **kw: Any) -> Any:
    return await api.client.post(f"/api/v1/contacts/{contact_id}/chats", headers=headers, **kw)


async def test_create_new_chat_from_history_opens_an_active_outbound_interaction(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    past = await handled(api, alice, "Hi", "wamid.IN1")
    history = (await api.client.get("/api/v1/history", headers=alice)).json()["items"]
    assert [(h["id"], h["disposition"], h["contact"]["wa_id"]) for h in history] == [
        (past["id"], "Resolved", ANA)
    ]
    created = await new_chat(api, alice, history[0]["contact"]["id"])  # no body at all
    assert created.status_code == 201, created.text
    chat = created.json()
    assert (chat["state"], chat["origin"], chat["agent_id"]) == (
        "active",
        "outbound",
        past["agent_id"],
    )
    assert chat["session_id"] != past["session_id"]
    assert chat["window_expires_at"] is not None, "the window is the contact's, not the chat's"
    offered = api.events("interaction.offered")
    assert offered[-1]["interaction"]["id"] == chat["id"]
    assert [i["id"] for i in await held_interactions(api, alice)] == [chat["id"]]
    sent = await api.client.post(
        f"/api/v1/interactions/{chat['id']}/messages",
        json={"text": "Following up on your order", "client_id": "c1"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    [request] = await api.graph.wait_for(1)
    assert (request["to"], request["text"]["body"]) == ("+" + ANA, "Following up on your order")
    events = await api.client.get(f"/api/v1/interactions/{chat['id']}/events", headers=alice)
    assert [e["kind"] for e in events.json()["items"]] == ["created", "started"]
    # The contact answers: the message lands in the outbound interaction, no new one.
    await customer_says(api, "Thanks!", "wamid.IN2")
    page = await eventually(
        lambda: _texts(api, alice, chat["id"]), "the answer lands in the outbound chat"
    )
    assert page[-2:] == ["Following up on your order", "Thanks!"]


async def _texts(api: Api, headers: dict[str, str], iid: int) -> list[str] | None:
    page = await api.client.get(f"/api/v1/interactions/{iid}/messages", headers=headers)
    texts = [m["text"] for m in page.json()["items"]]
    return texts if texts[-1] == "Thanks!" else None


async def test_outside_the_window_only_a_template_may_go_out(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    past = await handled(api, alice, "Hi", "wamid.IN1")
    clock.advance(DAY + 60)
    alice = {"Authorization": "Bearer " + await api.login("alice")}  # a new day, a new login
    chat = (await new_chat(api, alice, past["contact"]["id"], json={})).json()
    assert chat["origin"] == "outbound"
    refused = await api.client.post(
        f"/api/v1/interactions/{chat['id']}/messages",
        json={"text": "Hello again", "client_id": "c1"},
        headers=alice,
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "window_closed"
    assert "template" in refused.json()["error"]["message"]
    assert api.graph.requests == []


async def test_a_contact_busy_elsewhere_is_not_given_a_second_interaction(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [open_one] = await held_interactions(api, alice)
    bob = await api.agent(clock, "bob", ready=False)
    refused = await new_chat(api, bob, open_one["contact"]["id"])
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "contact_busy"
    assert error["message"] == "Ana Souza is already in a conversation with Alice."
    mine = await new_chat(api, alice, open_one["contact"]["id"])
    assert mine.json()["error"]["message"] == "Ana Souza's conversation is already on your desktop."
    assert [i["id"] for i in await held_interactions(api, alice)] == [open_one["id"]]
    assert (await api.client.get("/api/v1/interactions", headers=bob)).json()["items"] == []
    parked = await api.client.post(f"/api/v1/interactions/{open_one['id']}/workbin", headers=alice)
    assert parked.status_code == 200, parked.text
    in_workbin = await new_chat(api, bob, open_one["contact"]["id"])
    assert in_workbin.status_code == 409
    message = in_workbin.json()["error"]["message"]
    assert message == (
        "Ana Souza's conversation is parked in Alice's workbin “WhatsApp in progress”; "
        "Alice or a supervisor can open it (a supervisor can also move it to you)."
    )
    own = (await new_chat(api, alice, open_one["contact"]["id"])).json()["error"]["message"]
    assert own == (
        "Ana Souza's conversation is parked in your workbin “WhatsApp in progress”; "
        "open it from there."
    )


async def test_create_new_chat_counts_against_capacity(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(agent_capacity=1) as api:
        alice = await api.agent(clock, "alice")
        past = await handled(api, alice, "Hi", "wamid.IN1")
        await customer_says(api, "Olá", "wamid.IN2", wa_id=BRUNO, name="Bruno")
        await held_interactions(api, alice)
        refused = await new_chat(api, alice, past["contact"]["id"])
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "at_capacity"
        assert "limit" in refused.json()["error"]["message"]
        assert len(await held_interactions(api, alice)) == 1


async def test_create_new_session_ends_the_current_one(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    url = f"/api/v1/interactions/{interaction['id']}/sessions"
    clock.advance(60)
    created = await api.client.post(url, headers=alice)
    assert created.status_code == 201, created.text
    after = created.json()
    assert (after["id"], after["state"]) == (interaction["id"], "active")
    assert after["session_id"] != interaction["session_id"]
    assert after["version"] > interaction["version"]
    async with api.runtime.reader() as uow:
        from parley.interactions.models import ChatSession

        ended = await uow.session.get(ChatSession, interaction["session_id"])
        started = await uow.session.get(ChatSession, after["session_id"])
        assert ended is not None and started is not None
        assert ended.closed_at == clock.now() and started.closed_at is None
        assert started.origin == "outbound"
    sent = await api.client.post(
        f"/api/v1/interactions/{after['id']}/messages",
        json={"text": "New topic", "client_id": "c1"},
        headers=alice,
    )
    assert sent.json()["session_id"] == after["session_id"]
    clock.advance(60)
    again = await api.client.post(url, headers=alice)
    assert again.status_code == 201, again.text
    empty = await api.client.post(url, headers=alice)  # nothing said in the new one yet
    assert (empty.status_code, empty.json()["error"]["code"]) == (409, "session_empty")
    assert "no message yet" in empty.json()["error"]["message"]
    await api.client.post(f"/api/v1/interactions/{after['id']}/done", headers=alice)
    refused = await api.client.post(url, json={}, headers=alice)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "interaction_not_active"
    bob = await api.agent(clock, "bob", ready=False)
    assert (await api.client.post(url, headers=bob)).status_code == 404


async def test_my_history_filters_and_supervisors_see_everyone(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    first = await handled(api, alice, "Hi", "wamid.IN1")
    clock.advance(DAY)
    alice = {"Authorization": "Bearer " + await api.login("alice")}  # a new day, a new login
    second = await handled(api, alice, "Olá", "wamid.IN2", wa_id=BRUNO, name="Bruno")
    await api.client.put("/api/v1/me/status", json={"status": "not_ready"}, headers=alice)
    bob = await api.agent(clock, "bob")
    await customer_says(api, "Again", "wamid.IN3")
    [bobs] = await held_interactions(api, bob)

    async def ids(headers: dict[str, str], **params: Any) -> list[int]:
        response = await api.client.get("/api/v1/history", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert await ids(alice) == [second["id"], first["id"]]
    assert await ids(alice, contact_id=first["contact"]["id"]) == [first["id"]]
    assert await ids(alice, q="bruno") == [second["id"]]
    assert await ids(alice, q="+55 11 98765-4321") == [first["id"]]
    assert await ids(alice, since="2026-01-06") == [second["id"]]
    assert await ids(alice, until="2026-01-05") == [first["id"]]
    assert await ids(alice, state="active") == []
    assert await ids(alice, disposition="resolved") == [second["id"], first["id"]]
    assert await ids(alice, agent_id=bobs["agent_id"]) == [second["id"], first["id"]]
    assert await ids(bob) == [bobs["id"]]
    page = (await api.client.get("/api/v1/history", params={"limit": 1}, headers=alice)).json()
    assert page["next_before"] == second["id"]
    assert await ids(alice, before=page["next_before"]) == [first["id"]]
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    sam = {"Authorization": "Bearer " + await api.login("sam")}
    assert await ids(sam) == [bobs["id"], second["id"], first["id"]]
    assert await ids(sam, agent_id=bobs["agent_id"]) == [bobs["id"]]
    for params, code in [
        ({"state": "lost"}, "unknown_state"),
        ({"since": "2026-01-06", "until": "2026-01-05"}, "validation_error"),
        ({"since": "yesterday"}, "validation_error"),
    ]:
        response = await api.client.get("/api/v1/history", params=params, headers=alice)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code)


async def test_a_parked_interaction_stays_in_its_agents_history_in_time_order(
    api: Api, clock: FixedClock
) -> None:
    """Parked (agent_id cleared), it is still the agent's: listed, with the agent named; and
    the list goes by time, whatever order the ids were given in."""
    alice = await api.agent(clock, "alice")
    older = await handled(api, alice, "Hi", "wamid.IN1")
    clock.advance(60)
    await customer_says(api, "Olá", "wamid.IN2", wa_id=BRUNO, name="Bruno")
    [held] = await held_interactions(api, alice)
    parked = await api.client.post(f"/api/v1/interactions/{held['id']}/workbin", headers=alice)
    assert parked.status_code == 200, parked.text

    async def listed(headers: dict[str, str], **params: Any) -> list[tuple[int, str | None]]:
        response = await api.client.get("/api/v1/history", params=params, headers=headers)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return [(i["id"], (i["agent"] or {}).get("name")) for i in items]

    assert await listed(alice) == [(held["id"], "Alice"), (older["id"], "Alice")]
    assert await listed(alice, state="parked") == [(held["id"], "Alice")]
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
        from parley.interactions.models import Interaction

        # An interaction recorded late (an import, the demo's seed): a higher id, an older time.
        first = await uow.session.get(Interaction, older["id"])
        assert first is not None
        first.created_at = clock.now() + timedelta(hours=1)
        await uow.commit()
    sam = {"Authorization": "Bearer " + await api.login("sam")}
    assert await listed(sam) == [(older["id"], "Alice"), (held["id"], "Alice")]
    page = (await api.client.get("/api/v1/history", params={"limit": 1}, headers=sam)).json()
    assert page["next_before"] == older["id"]
    assert [
        (i["id"])
        for i in (
            await api.client.get("/api/v1/history", params={"before": older["id"]}, headers=sam)
        ).json()["items"]
    ] == [held["id"]]
