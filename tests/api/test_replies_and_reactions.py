"""Quoted replies and reactions, both ways: what the API shows and what goes to Meta."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from parley.clock import FixedClock
from parley.messages.models import Message, OutboxItem
from tests.api.conftest import Api
from tests.api.support import (
    BRUNO,
    customer_says,
    customer_sends,
    eventually,
    held_interactions,
    message_wamid_known,
    transcript,
)


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Where is order 2291?", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def send(api: Api, alice: dict[str, str], iid: int, **body: object) -> dict[str, object]:
    response = await api.client.post(
        f"/api/v1/interactions/{iid}/messages", json=body, headers=alice
    )
    assert response.status_code == 201, response.text
    sent: dict[str, object] = response.json()
    return sent


async def brunos_message(api: Api, alice: dict[str, str]) -> dict[str, object]:
    """A message of another contact (Bruno), which Alice also holds."""
    await customer_says(api, "Hello", "wamid.B1", wa_id=BRUNO, name="Bruno")
    held = await held_interactions(api, alice, 2)
    [brunos] = [i for i in held if i["contact"]["wa_id"] == BRUNO]
    message: dict[str, object] = (await transcript(api, alice, brunos["id"]))["items"][0]
    return message


async def count(api: Api, model: type[Message] | type[OutboxItem]) -> int:
    async with api.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_quoted_reply_carries_metas_context(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    inbound = (await transcript(api, alice, iid))["items"][0]
    sent = await send(
        api, alice, iid, text="It ships today", client_id="r1", reply_to=inbound["id"]
    )
    assert sent["reply_to"] == {
        "id": inbound["id"],
        "wamid": "wamid.IN1",
        "text": "Where is order 2291?",
        "direction": "in",
        "type": "text",
    }
    [request] = await api.graph.wait_for(1)
    assert request == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+5511987654321",
        "type": "text",
        "text": {"body": "It ships today", "preview_url": True},
        "context": {"message_id": "wamid.IN1"},
        "biz_opaque_callback_data": request["biz_opaque_callback_data"],
    }
    listed = (await transcript(api, alice, iid))["items"][-1]
    assert listed["reply_to"]["wamid"] == "wamid.IN1"
    created = [e["message"] for e in api.events("message.created")]
    assert created[-1]["reply_to"]["id"] == inbound["id"]


async def test_a_customers_quoted_reply_shows_what_it_quotes(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    await send(api, alice, iid, text="Which size?", client_id="q1")
    ours = await message_wamid_known(api, alice, iid, "Which size?")
    await customer_sends(
        api,
        "wamid.IN2",
        {
            "type": "text",
            "text": {"body": "Large"},
            "context": {"from": "15550001111", "id": ours["wamid"]},
        },
    )

    async def quoted_reply() -> object:
        items = (await transcript(api, alice, iid))["items"]
        return next((m for m in items if m["text"] == "Large"), None)

    reply = await eventually(quoted_reply, "the reply is stored")
    assert reply["reply_to"] == {
        "id": ours["id"],
        "wamid": ours["wamid"],
        "text": "Which size?",
        "direction": "out",
        "type": "text",
    }
    [event] = [
        e["message"] for e in api.events("message.created") if e["message"]["text"] == "Large"
    ]
    assert event["reply_to"]["id"] == ours["id"]


async def test_a_bad_reply_to_is_refused_with_a_clear_code(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    other = await brunos_message(api, alice)
    async with api.runtime.uow() as uow:  # an answer the sender has not handed to Meta yet
        inbound = await uow.session.scalar(select(Message).where(Message.wamid == "wamid.IN1"))
        assert inbound is not None
        unsent, failed = (
            Message(
                session_id=inbound.session_id,
                interaction_id=inbound.interaction_id,
                contact_id=inbound.contact_id,
                direction="out",
                type="text",
                text="on its way",
                content={},
                status=status,
                timestamp=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                created_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
            )
            for status in ("queued", "failed")
        )
        uow.session.add_all([unsent, failed])
        await uow.commit()
    messages, outbox = await count(api, Message), await count(api, OutboxItem)
    url = f"/api/v1/interactions/{iid}/messages"
    for reply_to, status, code in [
        (999_999, 422, "reply_to_not_found"),
        (other["id"], 422, "reply_to_not_found"),
        (unsent.id, 409, "reply_to_not_sent"),
        (failed.id, 422, "reply_to_failed"),  # it never will be: no "try again"
        ("x", 422, "validation_error"),
        (-1, 422, "validation_error"),
        (2**31, 422, "validation_error"),
    ]:
        response = await api.client.post(
            url,
            json={"text": "hi", "client_id": f"c{status}{code}", "reply_to": reply_to},
            headers=alice,
        )
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), reply_to
    nul = await api.client.post(url, json={"text": "a\x00b", "client_id": "nul"}, headers=alice)
    assert (nul.status_code, nul.json()["error"]["code"]) == (422, "validation_error")
    refused = await react(api, alice, iid, failed.id, "👍")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "message_failed"
    assert (await count(api, Message), await count(api, OutboxItem)) == (messages, outbox)


async def react(api: Api, alice: dict[str, str], iid: int, mid: int, emoji: object) -> object:
    return await api.client.put(
        f"/api/v1/interactions/{iid}/messages/{mid}/reaction", json={"emoji": emoji}, headers=alice
    )


async def test_the_agent_reacts_and_removes_the_reaction(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    inbound = (await transcript(api, alice, iid))["items"][0]
    response = await react(api, alice, iid, inbound["id"], "👍")
    assert response.status_code == 200, response.text
    target = response.json()
    assert target["id"] == inbound["id"]
    assert target["reactions"] == [
        {"emoji": "👍", "direction": "out", "at": "2026-01-05T09:00:00Z"}
    ]
    [request] = await api.graph.wait_for(1)
    assert request == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+5511987654321",
        "type": "reaction",
        "reaction": {"message_id": "wamid.IN1", "emoji": "👍"},
        "biz_opaque_callback_data": request["biz_opaque_callback_data"],
    }
    again = await react(api, alice, iid, inbound["id"], "👍")
    assert again.status_code == 200 and again.json()["reactions"] == target["reactions"]

    removed = await react(api, alice, iid, inbound["id"], "")
    assert removed.json()["reactions"] == []
    requests = await api.graph.wait_for(2)
    assert requests[1]["reaction"] == {"message_id": "wamid.IN1", "emoji": ""}
    assert len(api.graph.requests) == 2, "the repeated reaction was not sent again"

    updates = [
        e["message"] for e in api.events("message.updated") if e["message"]["id"] == inbound["id"]
    ]
    assert [u["reactions"] for u in updates[:2]] == [target["reactions"], []]
    page = (await transcript(api, alice, iid))["items"]
    assert [m["type"] for m in page] == ["text"], "reaction rows are not transcript lines"
    assert not [e for e in api.events("message.created") if e["message"]["type"] == "reaction"]
    interaction = (await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)).json()
    assert interaction["pending_since"] is not None, "a reaction is not an answer"


async def test_the_customers_reaction_shows_on_its_target(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    await send(api, alice, iid, text="Your parcel ships today", client_id="s1")
    ours = await message_wamid_known(api, alice, iid, "Your parcel ships today")

    async def reactions_of_ours() -> list[object]:
        items = (await transcript(api, alice, iid))["items"]
        found: list[object] = next(m["reactions"] for m in items if m["id"] == ours["id"])
        return found

    await customer_sends(
        api,
        "wamid.R1",
        {"type": "reaction", "reaction": {"message_id": ours["wamid"], "emoji": "❤️"}},
        timestamp=1767603610,
    )
    await eventually(reactions_of_ours, "the reaction lands")
    assert await reactions_of_ours() == [
        {"emoji": "❤️", "direction": "in", "at": "2026-01-05T09:00:10Z"}
    ]
    # An older reaction arriving late changes nothing; a removal (no emoji, newer docs) does.
    await customer_sends(
        api,
        "wamid.R0",
        {"type": "reaction", "reaction": {"message_id": ours["wamid"], "emoji": "😮"}},
        timestamp=1767603605,
    )
    await customer_sends(
        api,
        "wamid.R2",
        {"type": "reaction", "reaction": {"message_id": ours["wamid"]}},
        timestamp=1767603620,
    )

    async def removed() -> bool:
        return await reactions_of_ours() == []

    await eventually(removed, "the removal lands")
    updates = [
        e["message"] for e in api.events("message.updated") if e["message"]["id"] == ours["id"]
    ]
    assert [u["reactions"][0]["emoji"] if u["reactions"] else "" for u in updates][-2:] == ["❤️", ""]
    assert [m["type"] for m in (await transcript(api, alice, iid))["items"]] == ["text", "text"]
    interaction = (await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)).json()
    assert interaction["pending_since"] is None, "a reaction asks for no answer"


async def test_bad_reactions_are_refused_and_nothing_is_sent(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    inbound = (await transcript(api, alice, iid))["items"][0]
    other = await brunos_message(api, alice)
    bob = await api.agent(clock, "bob")
    outbox = await count(api, OutboxItem)
    for mid, emoji, status, code in [
        (inbound["id"], "ok", 422, "invalid_emoji"),
        (inbound["id"], "👍 thanks", 422, "invalid_emoji"),
        (inbound["id"], "\u200d", 422, "invalid_emoji"),
        (inbound["id"], "<script>", 422, "invalid_emoji"),
        (inbound["id"], "👍" * 70, 422, "validation_error"),
        (inbound["id"], None, 422, "validation_error"),
        (999_999, "👍", 404, "message_not_found"),
        (other["id"], "👍", 404, "message_not_found"),
    ]:
        response = await react(api, alice, iid, mid, emoji)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), emoji
    assert (await react(api, bob, iid, inbound["id"], "👍")).status_code == 404
    clock.advance(31 * 24 * 3600)
    alice = {"Authorization": "Bearer " + await api.login("alice")}
    await customer_says(api, "still there?", "wamid.IN9", timestamp=1767603600 + 31 * 24 * 3600)

    async def has_new_message() -> bool:
        items = (await transcript(api, alice, iid))["items"]
        return items[-1]["text"] == "still there?"

    await eventually(has_new_message, "the new message arrives")
    old = await react(api, alice, iid, inbound["id"], "👍")
    assert (old.status_code, old.json()["error"]["code"]) == (422, "not_reactable")
    assert await count(api, OutboxItem) == outbox


async def test_keycaps_flags_and_families_are_emoji(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    inbound = (await transcript(api, alice, iid))["items"][0]
    for emoji in ["1️⃣", "🇧🇷", "👨‍👩‍👧‍👦", "👍🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]:
        response = await react(api, alice, iid, inbound["id"], emoji)
        assert response.status_code == 200, emoji
        assert response.json()["reactions"][0]["emoji"] == emoji
