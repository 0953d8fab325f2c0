"""The Contact Directory's API: search in any number format, view, edit, transcript, merge."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from parley.audit.models import AuditEntry
from parley.auth.models import User
from parley.clock import FixedClock
from parley.contacts.models import Contact, ContactAlias, ContactMerge
from tests.api.conftest import Api, ApiFactory
from tests.api.support import ANA, customer_says, eventually, held_interactions

ANA_OLD = "551187654321"  # the same Brazilian number as Meta reports it without the ninth digit


async def search(api: Api, headers: dict[str, str], q: str) -> list[dict[str, Any]]:
    response = await api.client.get("/api/v1/contacts", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def ingested(api: Api, headers: dict[str, str], n: int) -> list[dict[str, Any]]:
    """Every contact (by name), once ingest has stored `n` of them."""

    async def listed() -> list[dict[str, Any]] | None:
        found = await search(api, headers, "")
        return found if len(found) >= n else None

    result: list[dict[str, Any]] = await eventually(listed, f"{n} contacts are stored")
    return result


async def finish(api: Api, headers: dict[str, str], n: int = 1) -> dict[str, Any]:
    items = await held_interactions(api, headers, n)
    interaction: dict[str, Any] = items[-1]
    done = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/done", json={}, headers=headers
    )
    assert done.status_code == 200, done.text
    return interaction


@pytest.mark.parametrize(
    "typed",
    ["+55 (11) 98765-4321", "011 98765 4321", "(11) 98765-4321", "11 8765-4321", "5511987654321"],
)
async def test_typed_numbers_in_national_formats_find_the_same_contact(
    api_with: ApiFactory, clock: FixedClock, typed: str
) -> None:
    async with api_with(default_country="BR") as api:
        alice = await api.agent(clock, "alice", ready=False)
        await customer_says(api, "Hi", "wamid.IN1")
        await customer_says(api, "Hola", "wamid.IN2", wa_id="5215512345678", name="Diego")
        await ingested(api, alice, 2)
        found = await search(api, alice, "Ana")
        assert [c["wa_id"] for c in found] == [ANA]
        assert [c["wa_id"] for c in await search(api, alice, typed)] == [ANA]


async def test_a_number_stored_without_the_ninth_digit_is_found_with_it(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(default_country="MX") as api:
        alice = await api.agent(clock, "alice", ready=False)
        await customer_says(api, "Oi", "wamid.IN1", wa_id=ANA_OLD, name="Ana Velha")
        await customer_says(api, "Hola", "wamid.IN2", wa_id="5215512345678", name="Diego")
        await ingested(api, alice, 2)
        assert [c["name"] for c in await search(api, alice, "+55 11 98765-4321")] == ["Ana Velha"]
        # Mexico's mobile typed the new way (no 1 after 52) finds the old wa_id Meta reports.
        assert [c["name"] for c in await search(api, alice, "55 1234 5678")] == ["Diego"]
        assert [c["name"] for c in await search(api, alice, "+52 55 1234 5678")] == ["Diego"]


async def test_search_by_name_part_number_part_and_edited_fields(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice", ready=False)
    await customer_says(api, "Hi", "wamid.IN1")
    await customer_says(api, "Hi", "wamid.IN2", wa_id="5521998765432", name="Bruno Lima")
    await ingested(api, alice, 2)
    [ana] = await search(api, alice, "souz")
    assert ana["name"] == "Ana Souza"
    assert [c["name"] for c in await search(api, alice, "ana sou")] == ["Ana Souza"]
    assert [c["name"] for c in await search(api, alice, "an")] == ["Ana Souza"]
    assert [c["name"] for c in await search(api, alice, "98765-4321")] == ["Ana Souza"]
    assert [c["name"] for c in await search(api, alice, "")] == ["Ana Souza", "Bruno Lima"]
    assert await search(api, alice, "zzz") == []
    assert await search(api, alice, '"%_\\') == []
    edit = await api.client.patch(
        f"/api/v1/contacts/{ana['id']}",
        json={
            "name": "Ana Paula Souza",
            "email": "ana@example.com",
            "notes": "Prefers mornings",
            "fields": {"company": "Acme Ltda", "Customer number": "C-1042"},
        },
        headers=alice,
    )
    assert edit.status_code == 200, edit.text
    body = edit.json()
    assert (body["name"], body["email"], body["notes"]) == (
        "Ana Paula Souza",
        "ana@example.com",
        "Prefers mornings",
    )
    assert body["fields"] == {"Company": "Acme Ltda", "Customer number": "C-1042"}
    for q in ["acme", "C-1042", "mornings", "example.com", "paula"]:
        assert [c["id"] for c in await search(api, alice, q)] == [ana["id"]], q
    cleared = await api.client.patch(
        f"/api/v1/contacts/{ana['id']}", json={"fields": {"Company": None}}, headers=alice
    )
    assert cleared.json()["fields"] == {"Customer number": "C-1042"}
    assert await search(api, alice, "acme") == []
    got = await api.client.get(f"/api/v1/contacts/{ana['id']}", headers=alice)
    assert got.json()["email"] == "ana@example.com"


async def test_a_page_of_results_says_when_there_are_more(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice", ready=False)
    async with api.runtime.uow() as uow:
        for n in range(3):
            uow.session.add(
                Contact(
                    wa_id=f"551190000000{n}",
                    profile_name=f"Cliente {n} Pereira",
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
        await uow.commit()
    url = "/api/v1/contacts"
    page = (await api.client.get(url, params={"q": "pereira", "limit": 2}, headers=alice)).json()
    assert ([c["name"] for c in page["items"]], page["has_more"]) == (
        ["Cliente 0 Pereira", "Cliente 1 Pereira"],
        True,
    )
    page = (await api.client.get(url, params={"q": "pereira", "limit": 3}, headers=alice)).json()
    assert (len(page["items"]), page["has_more"]) == (3, False)


async def test_bad_edits_are_refused_and_change_nothing(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice", ready=False)
    await customer_says(api, "Hi", "wamid.IN1")
    [ana] = await ingested(api, alice, 1)
    url = f"/api/v1/contacts/{ana['id']}"
    for body, code in [
        ({"fields": {"Shoe size": "42"}, "name": "X"}, "unknown_field"),
        ({"email": "not an address"}, "validation_error"),
        ({"name": "n" * 201}, "validation_error"),
        ({"notes": "a\x00b"}, "validation_error"),
        ({"wa_id": "123"}, "validation_error"),
    ]:
        response = await api.client.patch(url, json=body, headers=alice)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), body
    assert (await api.client.get(url, headers=alice)).json()["name"] == "Ana Souza"
    missing = await api.client.get("/api/v1/contacts/999", headers=alice)
    assert missing.status_code == 404
    assert (await api.client.get("/api/v1/contacts")).status_code == 401


async def test_a_contacts_history_and_transcript_are_shared(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    first = await finish(api, alice)
    bob = await api.agent(clock, "bob", ready=False)
    [ana] = await search(api, bob, "Ana")
    history = await api.client.get(f"/api/v1/contacts/{ana['id']}/history", headers=bob)
    assert [(i["id"], i["state"], i["agent"]["name"]) for i in history.json()["items"]] == [
        (first["id"], "done", "Alice")
    ]
    page = await api.client.get(f"/api/v1/contacts/{ana['id']}/messages", headers=bob)
    assert [m["text"] for m in page.json()["items"]] == ["Hi"]
    only = await api.client.get(
        f"/api/v1/contacts/{ana['id']}/messages",
        params={"interaction_id": first["id"] + 1},
        headers=bob,
    )
    assert only.json()["items"] == []
    # The interaction's own transcript stays Alice's.
    own = await api.client.get(f"/api/v1/interactions/{first['id']}/messages", headers=bob)
    assert own.status_code == 404


async def test_merging_moves_interactions_and_identities_and_is_recorded(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1", name="Ana")
    await finish(api, alice)
    await customer_says(api, "Oi", "wamid.IN2", wa_id=ANA_OLD, name="Ana S.")
    second = await finish(api, alice, 1)
    [new, old] = sorted(await search(api, alice, "ana"), key=lambda c: c["id"])
    url = f"/api/v1/contacts/{new['id']}/merge"
    assert (await api.client.post(url, json={"merge_id": new["id"]}, headers=alice)).json()[
        "error"
    ]["code"] == "same_contact"
    merged = await api.client.post(url, json={"merge_id": old["id"]}, headers=alice)
    assert merged.status_code == 200, merged.text
    assert merged.json()["moved"] == {
        "identities": [],
        "sessions": 1,
        "interactions": 1,
        "messages": 1,
    }
    assert (await api.client.get(f"/api/v1/contacts/{old['id']}", headers=alice)).status_code == 404
    history = (await api.client.get(f"/api/v1/contacts/{new['id']}/history", headers=alice)).json()
    assert len(history["items"]) == 2
    assert history["items"][0]["id"] == second["id"]
    page = (await api.client.get(f"/api/v1/contacts/{new['id']}/messages", headers=alice)).json()
    assert [m["text"] for m in page["items"]] == ["Hi", "Oi"]
    # Meta's wa_id stays; a message to the twin number now lands on the kept contact? No: the
    # kept contact keeps its own form, and the merge is recorded.
    async with api.runtime.reader() as uow:
        [record] = list(await uow.session.scalars(select(ContactMerge)))
        assert (record.kept_id, record.merged_id, record.merged["wa_id"]) == (
            new["id"],
            old["id"],
            ANA_OLD,
        )
        # Who merged, when, and what moved, as the API answered it.
        merger = await uow.session.get(User, record.by_id)
        assert merger is not None and merger.username == "alice"
        assert record.at == clock.now()
        assert record.moved == merged.json()["moved"]
        assert record.merged["name"] is None and record.merged["profile_name"] == "Ana S."
        # The audit log says it too, in words a supervisor reads.
        [entry] = list(await uow.session.scalars(select(AuditEntry)))
        assert (entry.action, entry.actor_id, entry.subject_id) == (
            "contact.merged",
            merger.id,
            str(new["id"]),
        )
        assert (
            entry.summary == f"{merger.name} merged Ana S. (#{old['id']}) into Ana (#{new['id']})"
        )
        assert entry.detail["moved"] == record.moved


async def test_a_merged_twin_number_stays_with_the_kept_contact_and_its_id_is_never_reused(
    api: Api, clock: FixedClock
) -> None:
    """After merging the twin form away, its next message reaches the kept contact, the next
    new customer gets a new id, and the merged id answers 404 naming the kept contact."""
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1", name="Ana")
    await finish(api, alice)
    await customer_says(api, "Oi", "wamid.IN2", wa_id=ANA_OLD, name="Ana S.")
    await finish(api, alice, 1)
    [kept, twin] = sorted(await search(api, alice, "ana"), key=lambda c: c["id"])
    url = f"/api/v1/contacts/{kept['id']}/merge"
    merged = await api.client.post(url, json={"merge_id": twin["id"]}, headers=alice)
    assert merged.status_code == 200, merged.text
    await customer_says(api, "De novo", "wamid.IN3", wa_id=ANA_OLD, name="Ana S.")
    await customer_says(api, "Olá", "wamid.IN4", wa_id="5521998765432", name="Bruno")
    contacts = await ingested(api, alice, 2)
    assert len(contacts) == 2, contacts
    [bruno] = [c for c in contacts if c["name"] == "Bruno"]
    assert bruno["id"] > twin["id"]
    page = (await api.client.get(f"{url[:-6]}/messages", headers=alice)).json()
    assert [m["text"] for m in page["items"]] == ["Hi", "Oi", "De novo"]
    gone = await api.client.get(f"/api/v1/contacts/{twin['id']}", headers=alice)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "contact_merged"
    assert gone.json()["error"]["kept_id"] == kept["id"]
    assert "was merged into" in gone.json()["error"]["message"]
    async with api.runtime.reader() as uow:
        [alias] = list(await uow.session.scalars(select(ContactAlias)))
        assert (alias.contact_id, alias.wa_id) == (kept["id"], ANA_OLD)


async def test_merging_is_refused_when_both_have_open_interactions_or_other_numbers(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    await customer_says(api, "Oi", "wamid.IN2", wa_id=ANA_OLD, name="Ana S.")
    await customer_says(api, "Olá", "wamid.IN3", wa_id="5521998765432", name="Bruno")
    await held_interactions(api, alice, 3)
    by_name = {c["name"]: c for c in await search(api, alice, "")}
    ana, twin, bruno = by_name["Ana Souza"], by_name["Ana S."], by_name["Bruno"]
    url = f"/api/v1/contacts/{ana['id']}/merge"
    both = await api.client.post(url, json={"merge_id": twin["id"]}, headers=alice)
    assert (both.status_code, both.json()["error"]["code"]) == (409, "both_open")
    other = await api.client.post(url, json={"merge_id": bruno["id"]}, headers=alice)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "different_numbers")
    assert len(await search(api, alice, "")) == 3
