"""Contact search: by name, any way of writing a number, username, email, notes or a custom
field value, at a cost set by the page size, not by how many contacts match.

A query is answered in tiers, most relevant first; each tier is one bounded index lookup
(`LIMIT` what the page still lacks), and a tier runs only while the page has room. Nothing
counts or sorts every match: a word that 3,000 contacts share costs what a rare one does.

Text, in this order:
1. names starting with the query: `ix_contacts_search_key` on the lowercased display name,
   read in name order;
2. names with a word starting with each word of the query, accents and case ignored (`joao`
   finds "João", `sou` finds "Ana Souza"): SQLite's FTS5 table `contacts_words`, PostgreSQL's
   `search_names` tsvector (migration 0013); the candidates (at most twice what the page
   lacks) are ranked here, whole-word matches before prefixes;
3. any indexed text holding each word of 3+ characters as a substring (email, notes, custom
   field values, the middle of a name or number): SQLite's FTS5 trigram table `contacts_fts`,
   PostgreSQL's `search_text` with its `pg_trgm` GIN index (migration 0009).

Numbers (a query of digits and phone punctuation), in this order: the number itself in all
its forms (`domain.phones`: ninth digit, Mexico's `1`), and nothing else when it is stored;
else, with 8 digits or more, the numbers ending like it (`ix_contacts_search_tail`: a local
number typed without its area code); then the numbers it starts (a B-tree range on `wa_id`
per form, in `wa_id` order). When the digits are no whole phone number (under 10 digits) and
none of these finds a contact, the query is searched as text (an order number in a field).

`tests/contacts/test_search_plans.py` checks that every statement here is an index lookup
on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    literal_column,
    or_,
    select,
    table,
    text,
)

from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.phones import digits_of, looks_like_phone, lookup_forms, number_prefixes

TRIGRAM = 3  # the shortest word the trigram indexes can look up
TAIL = 8  # digits of a local number (without area code) in most countries
WHOLE = 10  # digits of a phone number with its area code (Brazil's shortest: DDD + 8)
MAX_WORDS = 8
# The expressions the migrations index, written the same way so the planners use the indexes.
KEY: ColumnElement[str] = literal_column(
    "lower(coalesce(contacts.name, contacts.profile_name, contacts.wa_id, ''))"
)
_TAILS = {"sqlite": "substr(contacts.wa_id, -8)", "postgresql": "right(contacts.wa_id, 8)"}
_NAME_WORDS = {  # the candidates with what ranks them
    "sqlite": (
        "SELECT contacts.id, contacts.name, contacts.profile_name, contacts.username, "
        "contacts.wa_id FROM contacts_words JOIN contacts ON contacts.id = contacts_words.rowid "
        "WHERE contacts_words MATCH :match LIMIT :n"
    ),
    "postgresql": (
        "SELECT id, name, profile_name, username, wa_id FROM contacts "
        "WHERE search_names @@ to_tsquery('simple', parley_unaccent(:match)) LIMIT :n"
    ),
}
_TOKEN = re.compile(r"[^\W_]+")  # a word as both indexes cut names: letters and digits


@dataclass
class _Tier:
    """One tier's ids, shown in their order ("index") or by display name ("name")."""

    ids: list[int]
    order: str


@dataclass
class _Page:
    """What the tiers found so far, in the order it will be shown."""

    limit: int
    tiers: list[_Tier] = field(default_factory=list)

    @property
    def seen(self) -> set[int]:
        return {i for tier in self.tiers for i in tier.ids}

    @property
    def room(self) -> int:
        return self.limit - sum(len(t.ids) for t in self.tiers)

    def add(self, ids: Sequence[int], order: str = "name") -> None:
        """Add a tier of `ids` (those already found are dropped), as many as there is room."""
        seen = self.seen
        fresh = list(dict.fromkeys(i for i in ids if i not in seen))
        self.tiers.append(_Tier(fresh[: self.room], order))


async def search_contacts(
    uow: UnitOfWork, query: str, *, region: str = "", limit: int = 50
) -> list[Contact]:
    """Up to `limit` contacts matching `query`, most relevant first (see the module's
    docstring for the order); contacts within a tier come by name. An empty query lists
    contacts by name. `region` (ISO country) is where numbers typed without a country code
    belong. To tell an agent "more than `limit`", ask for `limit + 1`."""
    query = unicodedata.normalize("NFC", query.strip())
    page = _Page(limit)
    if looks_like_phone(query):
        whole = await _find_number(uow, page, query, region)
        if not page.seen and not whole:  # digits that are no phone number: perhaps an order's
            await _find_text(uow, page, query)
    elif _words(query):
        await _find_text(uow, page, query)
    else:
        listed = select(Contact.id).order_by(KEY, Contact.id).limit(limit)
        page.add(await _ids(uow, listed), "index")
    return await _load(uow, page)


def _words(query: str) -> list[str]:
    return [w for w in query.lower().split() if w][:MAX_WORDS]


def _tokens(query: str) -> list[str]:
    return _TOKEN.findall(query.lower())[:MAX_WORDS]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starting(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range a B-tree index answers."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < after)


async def _ids(uow: UnitOfWork, statement: Any, params: dict[str, Any] | None = None) -> list[int]:
    return [int(i) for i in await uow.session.scalars(statement, params or {})]


@asynccontextmanager
async def _indexes_only(uow: UnitOfWork) -> AsyncIterator[None]:
    """PostgreSQL: plan the text tiers with their indexes. Its estimate for a prefix tsquery
    (`'zzz':*`) is a fixed guess of 2 % of the rows, so with a LIMIT it would rather scan the
    table for the first matches, which reads all 100,000 rows when the word is rare. The
    setting lasts until the RESET, or after an error until the transaction ends (SET LOCAL)."""
    if uow.dialect != "postgresql":
        yield
        return
    await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
    yield
    await uow.session.execute(text("RESET enable_seqscan"))


async def _find_text(uow: UnitOfWork, page: _Page, query: str) -> None:
    words = _words(query)
    page.add(await _ids(uow, _name_start(words, page.room)), "index")
    tokens = _tokens(query)
    if page.room > 0 and (tokens or any(len(w) >= TRIGRAM for w in words)):
        async with _indexes_only(uow):
            await _find_words(uow, page, words, tokens)


async def _find_words(uow: UnitOfWork, page: _Page, words: list[str], tokens: list[str]) -> None:
    if tokens:
        statement = text(_NAME_WORDS.get(uow.dialect, _NAME_WORDS["sqlite"]))
        # Twice the room, to rank; plus those already shown, which the index may return again.
        n = 2 * page.room + len(page.seen)
        match = name_words_match(uow.dialect, tokens)
        rows = list(await uow.session.execute(statement, {"match": match, "n": n}))
        folded = {_fold(t) for t in tokens}
        rows.sort(key=lambda row: (-_whole_words(row[1:4], folded), _display(row[1:]), row[0]))
        page.add([int(row[0]) for row in rows], "index")
    if page.room > 0 and any(len(w) >= TRIGRAM for w in words):
        substrings = _substring_statement(uow.dialect, words, page.room + len(page.seen))
        page.add(await _ids(uow, substrings))


def _name_start(words: Sequence[str], n: int) -> Select[Any]:
    """Tier 1: display names starting with the query, read from the name index in order."""
    starting = _starting(KEY, " ".join(words))
    return select(Contact.id).where(starting).order_by(KEY, Contact.id).limit(n)


def name_words_match(dialect: str, tokens: Sequence[str]) -> str:
    """Tier 2's index query, "a word of the name starts with each token": FTS5's
    `"ana"* AND "sou"*`, PostgreSQL's tsquery `'ana':* & 'sou':*`. Tokens hold only letters
    and digits (`_TOKEN`), so quoting them is enough."""
    if dialect == "postgresql":
        return " & ".join(f"'{t}':*" for t in tokens)
    return " AND ".join(f'"{t}"*' for t in tokens)


_FTS = table("contacts_fts", column("rowid"), column("contacts_fts"))


def _substring_statement(dialect: str, words: Sequence[str], n: int) -> Select[Any]:
    """Tier 3: contacts whose indexed text holds every word of 3+ characters, in the index's
    own order, `n` at most; words under 3 characters must start a word of the display name."""
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short = [
        or_(
            KEY.like(f"{_escape_like(w)}%", escape="\\"),
            KEY.like(f"% {_escape_like(w)}%", escape="\\"),
        )
        for w in words
        if len(w) < TRIGRAM
    ]
    if dialect == "postgresql":
        column_: ColumnElement[str] = literal_column("contacts.search_text")
        found = [column_.like(f"%{_escape_like(w)}%", escape="\\") for w in long_words]
        return select(Contact.id).where(*found, *short).limit(n)
    phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
    return (
        select(Contact.id)
        .select_from(_FTS)
        .join(Contact, Contact.id == _FTS.c.rowid)
        .where(_FTS.c.contacts_fts.op("MATCH")(phrase), *short)
        .limit(n)
    )


async def _find_number(uow: UnitOfWork, page: _Page, query: str, region: str) -> bool:
    """The number tiers; True when the query is a whole phone number (10 digits or more)."""
    exact = lookup_forms(query, region)
    wa_id: ColumnElement[str] = Contact.wa_id.expression  # type: ignore[assignment]
    if exact:
        rows = list(await uow.session.execute(select(Contact.id, wa_id).where(wa_id.in_(exact))))
        rows.sort(key=lambda row: exact.index(row[1]))
        page.add([row[0] for row in rows], "index")
        if rows:  # a whole number names one person: others ending alike are not asked for
            return True
    digits = digits_of(query)
    if len(digits) >= TAIL and page.room > 0:
        tail: ColumnElement[str] = literal_column(_TAILS.get(uow.dialect, _TAILS["sqlite"]))
        statement = select(Contact.id).where(tail == digits[-TAIL:])
        page.add(await _ids(uow, statement.limit(page.room + len(page.seen))))
    prefixed: list[int] = []
    for prefix in number_prefixes(query, region):
        if len(prefixed) >= page.room:
            break
        statement = select(Contact.id).where(_starting(wa_id, prefix)).order_by(wa_id)
        prefixed += await _ids(uow, statement.limit(page.room + len(page.seen)))
    if prefixed:
        page.add(prefixed)
    # Shorter digits may parse somewhere (`4521-8890` is a Danish number) yet be an order's.
    return bool(exact) and len(digits) >= WHOLE


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _display(names: Sequence[str | None]) -> str:
    """The display name's sort key from (name, profile_name, …, wa_id), as KEY computes it."""
    return next((n for n in names if n), "").lower()


def _whole_words(names: Sequence[str | None], folded_tokens: set[str]) -> int:
    """How many of the query's tokens are a whole word of the contact's names."""
    return len(folded_tokens & set(_TOKEN.findall(_fold(" ".join(n for n in names if n)))))


async def _load(uow: UnitOfWork, page: _Page) -> list[Contact]:
    """The contacts of every tier, in order."""
    ids = [i for tier in page.tiers for i in tier.ids]
    if not ids:
        return []
    loaded = await uow.session.scalars(select(Contact).where(Contact.id.in_(ids)))
    by_id = {c.id: c for c in loaded}
    shown: list[Contact] = []
    for tier in page.tiers:
        contacts = [by_id[i] for i in tier.ids if i in by_id]
        if tier.order == "name":
            contacts.sort(key=lambda c: (_display((c.name, c.profile_name, c.wa_id)), c.id))
        shown += contacts
    return shown
