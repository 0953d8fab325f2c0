"""Mark as read and the typing indicator toward WhatsApp: Meta's shapes, once, and never late."""

from __future__ import annotations

from sqlalchemy import select

from parley.clock import FixedClock
from parley.messages.models import OutboxItem
from tests.api.conftest import Api, ApiFactory
from tests.api.support import T0, customer_says, eventually, held_interactions
from tests.factories import add_agent

READ = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"}


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi, my order is late", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def outbox_states(api: Api) -> list[tuple[str, str]]:
    async with api.runtime.uow() as uow:
        items = await uow.session.scalars(select(OutboxItem).order_by(OutboxItem.id))
        return [(i.kind, i.state) for i in items]


async def test_reading_marks_the_last_inbound_message_read_once(
    api: Api, clock: FixedClock
) -> None:
    alice, iid = await start(api, clock)
    read = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert read.status_code == 200 and read.json()["unread_count"] == 0
    assert await api.graph.wait_for(1) == [READ]
    again = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert again.status_code == 200
    await customer_says(api, "Hello?", "wamid.IN2", timestamp=T0 + 5)

    async def unread() -> bool:
        got = await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)
        return bool(got.json()["unread_count"] == 1)

    await eventually(unread, "the second message arrives")
    await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert await api.graph.wait_for(2) == [READ, {**READ, "message_id": "wamid.IN2"}]
    # the request reaches Meta before the sender records it as sent
    both_sent = [("mark_read", "sent"), ("mark_read", "sent")]

    async def recorded() -> bool:
        return await outbox_states(api) == both_sent

    await eventually(recorded, "both receipts recorded as sent")


async def test_a_supervisor_looking_in_marks_nothing_read(api: Api, clock: FixedClock) -> None:
    _alice, iid = await start(api, clock)
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    sam = {"Authorization": "Bearer " + await api.login("sam")}
    read = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=sam)
    assert read.status_code == 200 and read.json()["unread_count"] == 1
    assert await outbox_states(api) == []


async def test_without_read_receipts_nothing_goes_to_meta(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(send_read_receipts=False) as api:
        alice, iid = await start(api, clock)
        read = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
        assert read.json()["unread_count"] == 0
        typing = await api.client.post(f"/api/v1/interactions/{iid}/typing", headers=alice)
        assert typing.json() == {"queued": False, "reason": "disabled"}
        assert await outbox_states(api) == []
        config = (await api.client.get("/api/v1/config")).json()
        assert config["send_read_receipts"] is False
        assert config["send_typing_indicator"] is False


async def test_typing_is_sent_at_most_every_20_seconds(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/typing"
    first = await api.client.post(url, headers=alice)
    assert first.status_code == 200 and first.json() == {"queued": True, "reason": None}
    assert await api.graph.wait_for(1) == [{**READ, "typing_indicator": {"type": "text"}}]
    clock.advance(10)
    assert (await api.client.post(url, headers=alice)).json() == {
        "queued": False,
        "reason": "too_soon",
    }
    clock.advance(10)
    assert (await api.client.post(url, headers=alice)).json()["queued"] is True
    await api.graph.wait_for(2)
    # Typing marked the message read already: viewing it sends no second receipt.
    await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert [kind for kind, _ in await outbox_states(api)] == ["typing", "typing"]


async def test_typing_needs_an_active_interaction_of_mine(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        alice = await api.agent(clock, "alice")
        await customer_says(api, "Hi", "wamid.IN1")
        [offer] = await held_interactions(api, alice)
        typing = await api.client.post(f"/api/v1/interactions/{offer['id']}/typing", headers=alice)
        assert typing.status_code == 409
        assert typing.json()["error"]["code"] == "interaction_not_active"
        bob = await api.agent(clock, "bob", ready=False)
        stranger = await api.client.post(f"/api/v1/interactions/{offer['id']}/typing", headers=bob)
        assert stranger.status_code == 404
        missing = await api.client.post("/api/v1/interactions/999999/typing", headers=alice)
        assert missing.status_code == 404
        assert await outbox_states(api) == []


async def test_no_typing_once_the_window_has_closed(api: Api, clock: FixedClock) -> None:
    _alice, iid = await start(api, clock)
    clock.advance(25 * 3600)
    alice = {"Authorization": "Bearer " + await api.login("alice")}
    typing = await api.client.post(f"/api/v1/interactions/{iid}/typing", headers=alice)
    assert typing.json() == {"queued": False, "reason": "window_closed"}


async def test_a_late_typing_indicator_is_dropped(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    outbox = api.runtime.workers["outbox"]
    await outbox.stop()  # the sender is busy elsewhere while the agent types
    typing = await api.client.post(f"/api/v1/interactions/{iid}/typing", headers=alice)
    assert typing.json()["queued"] is True
    clock.advance(11)
    await outbox.run_once()
    assert await outbox_states(api) == [("typing", "dropped")]
    assert api.graph.requests == []
