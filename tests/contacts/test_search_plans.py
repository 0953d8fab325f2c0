"""Every statement a contact search sends is an index lookup: none reads every contact or
sorts every match, on SQLite and PostgreSQL. (How long they take on 100,000 contacts is
measured by bench/contacts.py, not here.)"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contacts.plans import search_plans
from tests.contacts.conftest import AddContacts

# Queries that find nothing run every tier; the others stop once the page is full.
QUERIES = {
    "a word nobody has": (["zqxw"], ("contacts_words", "ix_contacts_search_names")),
    "a word and a letter": (["ana z", "zq"], ("contacts_words", "ix_contacts_search_names")),
    "a substring": (["ouz"], ("contacts_fts", "ix_contacts_search_text")),
    "a full number": (["(11) 91234-5678", "+55 21 91234-5678"], ("ix_contacts_search_tail",)),
    "digits that are no number": (["4521-8890"], ("contacts_fts", "ix_contacts_search_text")),
    "a number prefix": (["+55 11", "011 9876"], ("wa_id",)),
    "a name prefix": (["souza lim", "an"], ("ix_contacts_search_key",)),
}


@pytest.mark.parametrize("kind", list(QUERIES))
async def test_search_statements_are_index_lookups(
    engine: AsyncEngine, add_contacts: AddContacts, kind: str
) -> None:
    await add_contacts(
        {"wa_id": "5511987654321", "profile_name": "Ana Souza", "fields": {"Company": "Acme"}},
        {"wa_id": "552187654321", "profile_name": "Souza Lima", "username": "souza_l"},
    )
    queries, indexes = QUERIES[kind]
    for query in queries:
        plans = await search_plans(engine, query, region="BR", strict=True)
        assert plans, query
        for plan in plans:
            assert plan.full_scans == [], (query, plan.statement, plan.lines)
        used = "\n".join(line for plan in plans for line in plan.lines)
        assert any(index in used for index in indexes), (query, used)
