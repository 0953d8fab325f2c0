"""Who the customer is (number, BSUID, username, their changes), customers' edits and
deletions, and the webhook changes that are not messages, through the ingest worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from parley.account.models import AccountAlert
from parley.clock import FixedClock
from parley.contacts.models import Contact
from parley.interactions.models import Interaction
from parley.messages.models import Message
from tests.factories import BUSINESS, envelope, store_webhook, text_webhook
from tests.harness import Node

ANA, NEW = "5511987654321", "5511912345678"
T = 1767603650  # after text_webhook()'s messages


def item(wamid: str, type_: str, body: dict[str, Any], *, sender: str = ANA, **more: Any) -> Any:
    return {"from": sender, "id": wamid, "timestamp": str(T), "type": type_, type_: body, **more}


async def ingest(node: Node, clock: FixedClock, *payloads: Any) -> None:
    async with node.runtime.uow() as uow:
        for payload in payloads:
            await store_webhook(uow, clock, payload)
    while await node.ingest.run_once():
        pass


async def rows(node: Node, model: type) -> list[Any]:
    async with node.runtime.uow() as uow:
        return list(await uow.session.scalars(select(model).order_by(model.id)))


async def test_a_number_change_moves_the_contact_with_its_history_and_interaction(
    node: Node, clock: FixedClock
) -> None:
    change = item(
        "wamid.SYS1",
        "system",
        {"body": f"User changed from {ANA} to {NEW}", "wa_id": NEW, "type": "user_changed_number"},
    )
    later = text_webhook(NEW, "it's me on my new number", "wamid.N2")
    await ingest(node, clock, text_webhook(ANA, "hi", "wamid.N1"), envelope(messages=[change]))
    await ingest(node, clock, later)
    [contact] = await rows(node, Contact)
    assert contact.wa_id == NEW and contact.address == NEW
    [interaction] = await rows(node, Interaction)
    messages = await rows(node, Message)
    assert [m.interaction_id for m in messages] == [interaction.id] * 3
    assert interaction.unread_count == 2, "the system line is not a message to answer"


async def test_the_older_customer_changed_number_shape_moves_it_too(
    node: Node, clock: FixedClock
) -> None:
    change = item(
        "wamid.SYS2",
        "system",
        {"body": "changed", "new_wa_id": NEW, "type": "customer_changed_number", "customer": ANA},
    )
    await ingest(node, clock, text_webhook(ANA, "hi", "wamid.O1"), envelope(messages=[change]))
    [contact] = await rows(node, Contact)
    assert contact.wa_id == NEW


async def test_a_user_id_change_moves_the_bsuid(node: Node, clock: FixedClock) -> None:
    first = envelope(
        messages=[item("wamid.U1", "text", {"body": "hi"}, from_user_id="BR.1")],
        contacts=[{"profile": {"name": "Ana"}, "wa_id": ANA, "user_id": "BR.1"}],
    )
    change = item(
        "wamid.U2",
        "system",
        {"body": "id changed", "user_id": "BR.2", "type": "user_changed_user_id"},
    )
    await ingest(node, clock, first, envelope(messages=[change]))
    [contact] = await rows(node, Contact)
    assert (contact.wa_id, contact.bsuid) == (ANA, "BR.2")


async def test_an_edit_and_a_revoke_change_the_original_only(node: Node, clock: FixedClock) -> None:
    await ingest(node, clock, text_webhook(ANA, "order 1234", "wamid.E0"))
    edit = item(
        "wamid.E1",
        "edit",
        {
            "original_message_id": "wamid.E0",
            "message": {"type": "text", "text": {"body": "order 1243"}},
        },
    )
    revoke = item("wamid.E2", "revoke", {"original_message_id": "wamid.E0"})
    await ingest(node, clock, envelope(messages=[edit]), envelope(messages=[edit]))
    [interaction] = await rows(node, Interaction)
    original = (await rows(node, Message))[0]
    assert original.text == "order 1243" and original.content["edited"] is True
    assert [v["text"] for v in original.content["history"]] == ["order 1234"], "applied once"
    assert interaction.unread_count == 1
    await ingest(node, clock, envelope(messages=[revoke]))
    original = (await rows(node, Message))[0]
    assert original.text is None and original.content["deleted"] is True
    assert [v["text"] for v in original.content["history"]] == ["order 1234", "order 1243"]
    assert node.events("message.updated")
    assert len(await rows(node, Interaction)) == 1
    late = item(
        "wamid.E3",
        "edit",
        {"original_message_id": "wamid.E0", "message": {"type": "text", "text": {"body": "!"}}},
    )
    await ingest(node, clock, envelope(messages=[late]))
    original = (await rows(node, Message))[0]
    assert original.text is None and original.content["deleted"] is True, "stays deleted"
    assert [v["text"] for v in original.content["history"]] == ["order 1234", "order 1243"]


async def test_a_new_contacts_message_and_its_edit_in_one_batch(
    node: Node, clock: FixedClock
) -> None:
    """The interaction the batch opens is the one the edit changes: stored and announced with
    the edited words as its last message, at the version stored."""
    first = item("wamid.N0", "text", {"body": "order 1234"}, sender=NEW)
    edit = item("wamid.N1", "edit", {"original_message_id": "wamid.N0",
                "message": {"type": "text", "text": {"body": "order 1243"}}}, sender=NEW)  # fmt: skip
    await ingest(node, clock, envelope(messages=[first, edit]))
    [interaction] = await rows(node, Interaction)
    assert interaction.state == "queued" and interaction.unread_count == 1
    assert interaction.last_message is not None
    assert interaction.last_message["text"] == "order 1243"
    [announced] = [e["interaction"] for e in node.events("interaction.updated")]
    assert announced["last_message"]["text"] == "order 1243"  # type: ignore[index]
    assert announced["version"] == interaction.version  # type: ignore[index]


async def test_an_edit_of_a_message_never_seen_is_kept_as_a_message(
    node: Node, clock: FixedClock
) -> None:
    edit = item(
        "wamid.X1",
        "edit",
        {"original_message_id": "wamid.GONE", "message": {"type": "text", "text": {"body": "new"}}},
    )
    await ingest(node, clock, envelope(messages=[edit]))
    [message] = await rows(node, Message)
    assert (message.type, message.text, message.content["edited"]) == ("text", "new", True)


async def test_business_app_echoes_are_outbound_messages_of_the_open_interaction(
    node: Node, clock: FixedClock
) -> None:
    echo = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {
                        "field": "smb_message_echoes",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": BUSINESS,
                            "message_echoes": [
                                {
                                    "from": "15550001111",
                                    "to": ANA,
                                    "id": "wamid.ECHO1",
                                    "timestamp": str(T + 5),
                                    "type": "text",
                                    "text": {"body": "Sent from my phone"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    await ingest(node, clock, text_webhook(ANA, "hi", "wamid.H1"), echo, echo)
    [interaction] = await rows(node, Interaction)
    _, echoed = await rows(node, Message)
    assert (echoed.direction, echoed.text, echoed.status) == ("out", "Sent from my phone", "sent")
    assert echoed.content["source"] == "business_app" and echoed.author_id is None
    assert echoed.interaction_id == interaction.id
    assert interaction.pending_since is None, "the customer was answered"


async def test_marketing_opt_out_account_alerts_and_app_contacts_are_kept(
    node: Node, clock: FixedClock
) -> None:
    def change(field: str, value: dict[str, Any]) -> Any:
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}],
        }

    prefs = change(
        "user_preferences",
        {
            "messaging_product": "whatsapp",
            "metadata": BUSINESS,
            "user_preferences": [
                {"wa_id": ANA, "category": "marketing_messages", "value": "stop", "timestamp": T}
            ],
        },
    )
    account = change(
        "account_update",
        {
            "phone_number": "15550001111",
            "event": "ACCOUNT_RESTRICTION",
            "restriction_info": [{"restriction_type": "RESTRICTED_ADD_PHONE_NUMBER_ACTION"}],
        },
    )
    sync = change(
        "smb_app_state_sync",
        {
            "messaging_product": "whatsapp",
            "metadata": BUSINESS,
            "state_sync": [
                {
                    "type": "contact",
                    "action": "add",
                    "contact": {"full_name": "Ana from the shop", "phone_number": ANA},
                }
            ],
        },
    )
    await ingest(node, clock, text_webhook(ANA, "hi", "wamid.P1"), prefs, account, sync)
    [contact] = await rows(node, Contact)
    assert contact.marketing_opt_out_at is not None
    assert contact.name == "Ana from the shop"
    [alert] = await rows(node, AccountAlert)
    assert alert.event == "ACCOUNT_RESTRICTION"
    assert alert.title == "WhatsApp restricted this account: restricted add phone number action"
