"""What a contact search returns, and in which order, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.contacts.conftest import AddContacts, Search


async def test_names_starting_with_the_query_then_whole_words_then_prefixes_then_other_text(
    add_contacts: AddContacts, search: Search
) -> None:
    await add_contacts(
        {
            "wa_id": "5511900000001",
            "profile_name": "Carla Dias",
            "fields": {"Company": "Souza Ltda"},
        },
        {"wa_id": "5511900000002", "profile_name": "Bruno Souzana"},
        {"wa_id": "5511900000003", "profile_name": "Diego Lima", "email": "dsouza@example.com"},
        {"wa_id": "5511900000004", "profile_name": "Ana Souza"},
        {"wa_id": "5511900000005", "profile_name": "Souza Lima"},
        {"wa_id": "5511900000006", "profile_name": "Zeca Souza Prado"},
        {"wa_id": "5511900000007", "profile_name": "Paula Ramos"},
    )
    assert await search("souza") == [
        "Souza Lima",  # the name starts with the query
        "Ana Souza",  # a whole word of the name
        "Zeca Souza Prado",
        "Bruno Souzana",  # a word of the name starts with it
        "Carla Dias",  # elsewhere: a custom field, an email
        "Diego Lima",
    ]
    # The page is cut tier by tier: the best two.
    assert await search("souza", limit=2) == ["Souza Lima", "Ana Souza"]


async def test_accents_and_case_are_ignored_in_names(
    add_contacts: AddContacts, search: Search
) -> None:
    await add_contacts(
        {"wa_id": "5511900000001", "profile_name": "João Araújo"},
        {"wa_id": "5511900000002", "profile_name": "Natália Gonçalves", "name": "NATÁLIA G."},
        {"wa_id": "5511900000003", "profile_name": "Joana Arruda"},
    )
    for typed in ("joao", "João", "JOAO", "araujo", "joão araú", "jo ara"):
        assert await search(typed) == ["João Araújo"], typed
    assert await search("natalia goncalves") == ["NATÁLIA G."]
    assert await search("jo") == ["Joana Arruda", "João Araújo"]


async def test_usernames_emails_and_field_values_are_found(
    add_contacts: AddContacts, search: Search
) -> None:
    await add_contacts(
        {"bsuid": "BR.1234567890", "username": "ana_souza99", "profile_name": "Ana"},
        {
            "wa_id": "5511900000002",
            "profile_name": "Bruno",
            "email": "bruno@acme.example",
            "fields": {"Customer number": "C-004242", "Order": "4521-8890"},
        },
    )
    assert await search("souza99") == ["Ana"]
    assert await search("ana_souza99") == ["Ana"]
    assert await search("bruno@acme.example") == ["Bruno"]
    assert await search("C-004242") == ["Bruno"]
    # Digits that reach no number are looked for in the text (an order number in a field).
    assert await search("4521-8890") == ["Bruno"]


async def test_a_common_word_fills_one_page_and_says_there_is_more(
    add_contacts: AddContacts, search: Search
) -> None:
    await add_contacts(
        *(
            {"wa_id": f"55119{n:08d}", "profile_name": f"{first} Pereira"}
            for n, first in enumerate(["Ana", "Bruno", "Carla", "Diego", "Enzo"] * 12)
        )
    )
    assert len(await search("pereira")) == 50
    assert len(await search("pereira", limit=61)) == 60
    first = await search("pereira", limit=5)
    assert first == sorted(first)


async def test_numbers_in_every_format_find_the_contact_and_prefixes_stay_bounded(
    add_contacts: AddContacts, search: Search
) -> None:
    await add_contacts(
        {"wa_id": "5511987654321", "profile_name": "Ana Souza"},
        {"wa_id": "552187651234", "profile_name": "Bruno Lima"},  # stored without the 9
        *({"wa_id": f"55119{n:08d}", "profile_name": f"Cliente {n}"} for n in range(60)),
    )
    for typed in (
        "+55 (11) 98765-4321",
        "+5511987654321",
        "0055 11 98765 4321",
        "011 98765 4321",
        "(11) 98765-4321",
        "11 98765-4321",
        "98765-4321",
        "11 8765-4321",  # typed without the ninth digit
    ):
        assert await search(typed) == ["Ana Souza"], typed
    for typed in ("+55 21 98765-1234", "(21) 98765-1234", "21 8765-1234", "8765-1234"):
        assert await search(typed) == ["Bruno Lima"], typed
    assert len(await search("+55 11")) == 50
    assert await search("+55 11 98765") == ["Ana Souza"]
