"""Only the agent who holds an active interaction marks it done."""

from __future__ import annotations

from parley.clock import FixedClock
from tests.api.conftest import Api, ApiFactory
from tests.api.support import customer_says, held_interactions
from tests.factories import add_agent


async def test_a_supervisor_cannot_close_an_agents_interaction(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    sam = {"Authorization": "Bearer " + await api.login("sam")}
    url = f"/api/v1/interactions/{interaction['id']}"
    refused = await api.client.post(f"{url}/done", json={}, headers=sam)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "interaction_not_active"
    still = (await api.client.get(url, headers=alice)).json()
    assert (still["state"], still["agent_id"]) == ("active", interaction["agent_id"])


async def test_an_offer_is_accepted_before_it_is_marked_done(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Hi", "wamid.IN1")
        [offer] = await held_interactions(api, alice)
        assert offer["state"] == "offered"
        url = f"/api/v1/interactions/{offer['id']}"
        refused = await api.client.post(f"{url}/done", json={}, headers=alice)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "interaction_not_active"
        assert (await api.client.get(url, headers=alice)).json()["state"] == "offered"
        assert (await api.client.post(f"{url}/accept", headers=alice)).status_code == 200
        done = await api.client.post(f"{url}/done", json={}, headers=alice)
        assert done.status_code == 200 and done.json()["state"] == "done"
