"""The desktop's WhatsApp actions against the Cloud API simulator, as a customer's phone sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from parley.app import create_app
from parley.clock import SystemClock
from parley.settings import Settings
from parley.simulator import create_simulator_app
from tests.api.conftest import Api
from tests.api.support import ANA, eventually, held_interactions, message_wamid_known, transcript


@dataclass
class Stack:
    api: Api
    phone: httpx.AsyncClient  # the simulator's control API: the customer's side
    sim: Any = None  # the simulator itself, for state no control endpoint exposes

    async def customer(self) -> dict[str, Any]:
        customer: dict[str, Any] = (await self.phone.get(f"/_sim/customers/{ANA}")).json()
        return customer

    async def phone_messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = (
            await self.phone.get(f"/_sim/customers/{ANA}/messages")
        ).json()["messages"]
        return messages


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    """Parley's Graph calls go to the simulator; the simulator's webhooks come to Parley."""
    settings = settings.model_copy(update={"whatsapp_api_base_url": "http://sim.test"})
    parley: Any = None

    async def to_parley(request: httpx.Request) -> httpx.Response:
        transport = httpx.ASGITransport(app=parley)
        return await transport.handle_async_request(request)

    to_sim = httpx.AsyncClient(transport=httpx.MockTransport(to_parley))
    sim_app: Starlette = create_simulator_app(
        settings, "http://parley.test/webhooks/whatsapp", http=to_sim
    )
    graph = httpx.AsyncClient(transport=httpx.ASGITransport(app=sim_app))
    parley = create_app(settings, graph_http=graph, migrate=False)
    async with (
        parley.router.lifespan_context(parley),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=parley), base_url="http://parley.test"
        ) as client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sim_app), base_url="http://sim.test"
        ) as phone,
    ):
        yield Stack(Api(client, parley.state.runtime), phone, sim_app.state.simulator)
    await sim_app.state.simulator.aclose()
    await graph.aclose()
    await to_sim.aclose()


async def test_the_phone_sees_ticks_typing_quotes_and_reactions(stack: Stack) -> None:
    api = stack.api
    alice = await api.agent(SystemClock(), "alice")
    said = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "text", "text": {"body": "Is my parcel late?"}, "profile_name": "Ana Souza"},
    )
    assert said.status_code == 201, said.text
    [interaction] = await held_interactions(api, alice)
    iid = interaction["id"]
    inbound = (await transcript(api, alice, iid))["items"][0]

    typing = await api.client.post(f"/api/v1/interactions/{iid}/typing", headers=alice)
    assert typing.json()["queued"] is True

    async def typing_on_phone() -> bool:
        customer = await stack.customer()
        return bool(customer["typing"])

    await eventually(typing_on_phone, "the phone shows typing…")
    assert (await stack.phone_messages())[0]["status"] == "read"

    reply = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "It ships today", "client_id": "r1", "reply_to": inbound["id"]},
        headers=alice,
    )
    assert reply.status_code == 201
    reacted = await api.client.put(
        f"/api/v1/interactions/{iid}/messages/{inbound['id']}/reaction",
        json={"emoji": "🙏"},
        headers=alice,
    )
    assert reacted.status_code == 200

    async def phone_has_both() -> list[dict[str, Any]] | None:
        messages = await stack.phone_messages()
        ours = [m for m in messages if m["direction"] == "out" and m["type"] == "text"]
        reacted = messages[0]["reactions"].get("business") == "🙏"
        return ours if ours and reacted else None

    [ours] = await eventually(phone_has_both, "the reply and the reaction reach the phone")
    assert ours["context"] == {"id": inbound["wamid"]}  # the phone quotes our customer's message
    assert not (await stack.customer())["typing"], "the reply ends the typing indicator"

    sent = await message_wamid_known(api, alice, iid, "It ships today")
    customer_reaction = await stack.phone.post(
        f"/_sim/customers/{ANA}/messages",
        json={"type": "reaction", "reaction": {"message_id": sent["wamid"], "emoji": "❤️"}},
    )
    assert customer_reaction.status_code == 201, customer_reaction.text

    async def reaction_in_parley() -> list[Any]:
        items = (await transcript(api, alice, iid))["items"]
        found: list[Any] = next(m["reactions"] for m in items if m["id"] == sent["id"])
        return found

    [shown] = await eventually(reaction_in_parley, "the customer's reaction reaches Parley")
    assert (shown["emoji"], shown["direction"]) == ("❤️", "in")
