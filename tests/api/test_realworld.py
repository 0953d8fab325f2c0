"""Real webhook bodies (tests/fixtures/realworld/NAME.json, in order, signed) against a running
node: each ends as what an agent needs, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from parley.clock import FixedClock
from parley.contacts.models import Contact
from parley.ingest.models import InboundWebhook
from parley.messages.models import Message, PendingStatus
from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.api.support import SECRET, T0, eventually, held_interactions, transcript

CASES = Path(__file__).parents[1] / "fixtures" / "realworld"


def bodies(name: str) -> list[Any]:
    """The case's bodies with timestamps moved to just before the tests' clock (T0), keeping
    their spacing, so the customer service window is open."""
    loaded = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
    listed = loaded if isinstance(loaded, list) else [loaded]
    stamps: list[int] = []
    _walk(listed, lambda v: stamps.append(int(v)))
    base = min(stamps, default=0)
    return [_shift(body, base) for body in listed]


def _walk(value: Any, seen: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "timestamp" and isinstance(item, str) and item.isdigit():
                seen(item)
            else:
                _walk(item, seen)
    elif isinstance(value, list):
        for item in value:
            _walk(item, seen)


def _shift(value: Any, base: int) -> Any:
    if isinstance(value, dict):
        return {
            k: str(T0 - 300 + int(v) - base)
            if k == "timestamp" and isinstance(v, str) and v.isdigit()
            else _shift(v, base)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_shift(item, base) for item in value]
    return value


async def deliver(api: Api, name: str) -> int:
    """Send the case's bodies in order (signed), wait until each is processed or ignored."""
    sent = bodies(name)
    for body in sent:
        raw = json.dumps(body).encode()  # ASCII escapes: a lone surrogate stays `\ud83d`
        response = await api.client.post(
            "/webhooks/whatsapp", content=raw, headers={"X-Hub-Signature-256": sign(raw, SECRET)}
        )
        assert response.status_code == 200, response.text
    await eventually(lambda: _settled(api, len(sent)), f"{name} is processed")
    return len(sent)


async def _settled(api: Api, n: int) -> bool:
    async with api.runtime.uow() as uow:
        states = list(await uow.session.scalars(select(InboundWebhook.state)))
    return len(states) >= n and all(s in ("processed", "ignored") for s in states)


async def contacts(api: Api) -> list[Contact]:
    async with api.runtime.uow() as uow:
        return list(await uow.session.scalars(select(Contact).order_by(Contact.id)))


async def the_interaction(api: Api, clock: FixedClock, n: int = 1) -> tuple[dict[str, str], Any]:
    alice = await api.agent(clock, "alice")
    return alice, await held_interactions(api, alice, n)


async def test_bsuid_first_then_phone_is_one_contact_and_the_bystander_is_kept(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "bsuid-then-phone-integrity-error")
    people = await contacts(api)
    assert [(c.wa_id, c.bsuid, c.profile_name) for c in people] == [
        ("15550400001", "IN.5000000000000001", "Fake Bsuid"),
        ("15550400099", None, "Innocent Bystander"),
    ]
    alice, items = await the_interaction(api, clock, 2)
    by_name = {i["contact"]["name"]: i for i in items}
    page = await transcript(api, alice, by_name["Fake Bsuid"]["id"])
    assert [m["text"] for m in page["items"]] == ["bsuid only", "phone and bsuid"]
    page = await transcript(api, alice, by_name["Innocent Bystander"]["id"])
    assert [m["text"] for m in page["items"]] == ["I am a different customer"]


async def test_the_ad_that_started_the_chat_is_in_the_content_and_preview(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "ctwa-referral-dropped")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["text"] == "Hi, is this deal still on?"
    ad = message["content"]["referral"]
    assert ad["headline"] == "Winter sale: 30% off boots"
    assert ad["source_url"] == "https://fb.me/fakead"
    assert ad["ctwa_clid"] == "AfakeCtwaClid0000"
    assert ad["image_url"] == "https://example.com/ad.jpg"
    assert "Winter sale: 30% off boots" in item["last_message"]["text"]


async def test_an_edit_updates_the_original_without_a_new_bubble(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "edit-shown-as-unsupported")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["text"] == "My order number is 1243 (typo fixed)"
    assert message["content"]["edited"] is True
    assert [v["text"] for v in message["content"]["history"]] == ["My order number is 1234"]
    assert item["unread_count"] == 1
    assert item["last_message"]["text"] == "My order number is 1243 (typo fixed)"


async def test_flow_answers_are_listed_field_by_field(api: Api, clock: FixedClock) -> None:
    await deliver(api, "flow-response-not-shown")
    alice, [item] = await the_interaction(api, clock)
    first, second = (await transcript(api, alice, item["id"]))["items"]
    assert first["content"]["fields"] == [
        {"name": "screen_0_Rating_0", "label": "Rating", "value": "Excellent"},
        {"name": "screen_0_Comments_1", "label": "Comments", "value": "Very quick delivery"},
    ]
    assert first["text"] == "Form answers: Rating: Excellent; Comments: Very quick delivery"
    assert second["text"] == "Form answers: appointment day: Tuesday"
    assert item["last_message"]["text"] == "Form answers: appointment day: Tuesday"


async def test_another_numbers_traffic_is_ignored_with_its_reason(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "foreign-phone-number-id-ingested")
    async with api.runtime.uow() as uow:
        [row] = list(await uow.session.scalars(select(InboundWebhook)))
        messages = list(await uow.session.scalars(select(Message)))
    assert row.state == "ignored" and row.note and "174600000000001" in row.note
    assert messages == [] and await contacts(api) == []
    async with api.runtime.uow() as uow:
        from tests.factories import add_agent

        await add_agent(uow, clock, "sam", role="supervisor", ready=False)
    headers = {"Authorization": f"Bearer {await api.login('sam')}"}
    health = (await api.client.get("/api/v1/ingest/health", headers=headers)).json()
    assert health["ignored"] == 1 and health["failed"] == 0 and health["pending"] == 0
    assert "174600000000001" in health["last_ignored_reason"]


async def test_forwarded_many_times_is_flagged(api: Api, clock: FixedClock) -> None:
    await deliver(api, "forwarded-flag-dropped")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["content"]["frequently_forwarded"] is True
    assert message["content"]["forwarded"] is True
    assert item["last_message"]["text"].startswith("Forwarded many times")


async def test_media_whatsapp_could_not_fetch_says_so(api: Api, clock: FixedClock) -> None:
    await deliver(api, "inbound-media-error-hidden")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["type"] == "image" and message["text"] == "Check out my product!"
    [error] = message["content"]["errors"]
    assert error["code"] == 400 and error["title"].startswith("Media download failed")
    assert item["last_message"]["text"].startswith("Photo could not be received")


async def test_a_lone_surrogate_is_stored_as_a_replacement_character(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "lone-surrogate-rejected")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["text"] == "truncated emoji \ufffd"
    assert item["contact"]["name"] == "Fake Name \ufffd"


async def test_order_items_quantities_prices_and_total(api: Api, clock: FixedClock) -> None:
    await deliver(api, "order-items-not-shown")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["content"]["product_items"] == [
        {"product_retailer_id": "SKU-1", "quantity": 3, "item_price": "30.00", "currency": "USD"},
        {"product_retailer_id": "SKU-2", "quantity": 2, "item_price": "12.50", "currency": "USD"},
    ]
    assert message["content"]["total"] == {"amount": "115.00", "currency": "USD"}
    assert message["text"] == (
        "Order (2 items): 3 × SKU-1 at USD 30.00, 2 × SKU-2 at USD 12.50; total USD 115.00"
    )
    assert item["last_message"]["text"] == message["text"]


async def test_a_username_only_customer_is_answered_reacted_to_and_read_by_bsuid(
    api: Api, clock: FixedClock
) -> None:
    await deliver(api, "reply-to-username-only-500")
    alice, [item] = await the_interaction(api, clock)
    assert item["contact"]["wa_id"] is None
    assert item["contact"]["bsuid"] == item["contact"]["user_id"] == "US.6000000000000000001"
    assert item["contact"]["username"] == "fakeuser"
    iid = item["id"]
    [message] = (await transcript(api, alice, iid))["items"]
    read = await api.client.post(f"/api/v1/interactions/{iid}/read", headers=alice)
    assert read.status_code == 200, read.text
    typing = await api.client.post(f"/api/v1/interactions/{iid}/typing", headers=alice)
    assert typing.status_code == 200, typing.text
    sent = await api.client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"text": "Hello!", "client_id": "c-1"},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    reacted = await api.client.put(
        f"/api/v1/interactions/{iid}/messages/{message['id']}/reaction",
        json={"emoji": "👍"},
        headers=alice,
    )
    assert reacted.status_code == 200, reacted.text
    sends = await eventually(
        lambda: (lambda s: s if len(s) >= 2 else None)(
            [r for r in api.graph.requests if "status" not in r]
        ),
        "the reply and the reaction reach Meta",
    )
    reads = [r for r in api.graph.requests if "status" in r]
    assert reads and all(r["message_id"] == message["wamid"] for r in reads)
    assert [r["type"] for r in sends] == ["text", "reaction"]
    for request in sends:
        assert request["recipient"] == "US.6000000000000000001" and "to" not in request


async def test_a_welcome_request_reads_as_such_with_its_ad(api: Api, clock: FixedClock) -> None:
    await deliver(api, "request-welcome-unsupported")
    alice, [item] = await the_interaction(api, clock)
    [message] = (await transcript(api, alice, item["id"]))["items"]
    assert message["type"] == "request_welcome"
    assert message["text"] == "Opened the chat (welcome request)"
    assert message["content"]["referral"]["headline"] == "Winter sale"
    assert item["last_message"]["text"].startswith("Opened the chat (welcome request)")


async def test_a_status_with_contacts_waits_for_its_message(api: Api, clock: FixedClock) -> None:
    await deliver(api, "status-with-contacts")
    async with api.runtime.uow() as uow:
        [pending] = list(await uow.session.scalars(select(PendingStatus)))
    assert (pending.wamid, pending.status) == ("wamid.FAKE_STATUS_OUT1", "delivered")


async def test_a_status_with_contacts_applies_and_teaches_the_bsuid_and_username(
    api: Api, clock: FixedClock
) -> None:
    from tests.api.support import customer_says, message_wamid_known

    alice = await api.agent(clock, "alice")
    await customer_says(api, "hi", "wamid.IN-R1", wa_id="15550700001", name="Fake Reader")
    [item] = await held_interactions(api, alice)
    response = await api.client.post(
        f"/api/v1/interactions/{item['id']}/messages",
        json={"text": "Hello", "client_id": "c-1"},
        headers=alice,
    )
    assert response.status_code == 201
    sent = await message_wamid_known(api, alice, item["id"], "Hello")
    async with api.runtime.uow() as uow:
        row = await uow.session.get(Message, sent["id"])
        assert row is not None
        row.wamid = "wamid.FAKE_STATUS_OUT1"  # the wamid the recorded status names
        await uow.commit()
    await deliver(api, "status-with-contacts")
    async with api.runtime.uow() as uow:
        row = await uow.session.get(Message, sent["id"])
        contact = await uow.session.scalar(select(Contact).where(Contact.wa_id == "15550700001"))
    assert row is not None and row.status == "delivered"
    assert contact is not None
    assert (contact.bsuid, contact.username) == ("US.1555070000100000001", "fake.reader")


async def test_usernames_and_parent_bsuids_are_kept_and_shown(api: Api, clock: FixedClock) -> None:
    await deliver(api, "username-not-stored")
    _, [item] = await the_interaction(api, clock)
    contact = item["contact"]
    assert contact["username"] == "@fakeusername"
    assert contact["bsuid"] == "US.7000000000000000001"
    assert contact["parent_bsuid"] == "US.7000000000000000002"
    assert contact["wa_id"] == "15550300010"
