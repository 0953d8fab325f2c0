"""Contact search: by name, any way of writing a number, email, notes or a custom field value.

The indexes are the database's own (see the contact_directory migration), so they follow every
write to `contacts`, whoever makes it:
- text: SQLite's FTS5 trigram table `contacts_fts`, PostgreSQL's `search_text` column with a
  `pg_trgm` GIN index; both find substrings of 3 characters or more (`sou` finds "Ana Souza");
- names: `ix_contacts_search_key` on the lowercased display name, for one- or two-letter
  queries (names starting with them) and for the order of the results;
- numbers: a typed number is parsed (`domain.phones`) and matched exactly against `wa_id` in
  all its forms (ninth digit, Mexico's `1`), listed first; it also matches the start of
  `wa_id` (a B-tree range: a partly typed number) and, with 8 digits or more, its last 8
  digits (`ix_contacts_search_tail`: a local number typed without its area code).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, literal_column, or_, select, text

from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.phones import digits_of, looks_like_phone, lookup_forms, number_prefixes

TRIGRAM = 3  # the shortest word the trigram indexes can look up
TAIL = 8  # digits of a local number (without area code) in most countries
MAX_WORDS = 8
# The expressions the migration indexes, written the same way so the planners use the indexes.
KEY: ColumnElement[str] = literal_column(
    "lower(coalesce(contacts.name, contacts.profile_name, contacts.wa_id, ''))"
)
_TAILS = {"sqlite": "substr(contacts.wa_id, -8)", "postgresql": "right(contacts.wa_id, 8)"}


def _words(query: str) -> list[str]:
    return [w for w in query.lower().split() if w][:MAX_WORDS]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starting(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range a B-tree index answers."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < after)


def _text_match(dialect: str, words: Sequence[str]) -> ColumnElement[bool] | None:
    """Contacts whose indexed text holds every word (words of 3+ characters)."""
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if not long_words:
        return None
    if dialect == "postgresql":
        column: ColumnElement[str] = literal_column("contacts.search_text")
        return and_(*(column.like(f"%{_escape_like(w)}%", escape="\\") for w in long_words))
    phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
    ids = text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :phrase").bindparams(
        phrase=phrase
    )
    return Contact.id.in_(ids.columns(literal_column("rowid")))


def _short_match(words: Sequence[str], *, alone: bool) -> ColumnElement[bool] | None:
    """Words under 3 characters. Alone: the display name starts with the first (an index
    range), then any word of it starts with the others; beside longer words (already a short
    list of candidates): any word of the name starts with each."""
    short = [w for w in words if len(w) < TRIGRAM]
    if not short:
        return None
    conditions = []
    if alone:
        conditions.append(_starting(KEY, short[0]))
        short = short[1:]
    for w in short:
        pattern = _escape_like(w)
        conditions.append(
            or_(KEY.like(f"{pattern}%", escape="\\"), KEY.like(f"% {pattern}%", escape="\\"))
        )
    return and_(*conditions)


def _number_match(
    dialect: str, query: str, region: str
) -> tuple[ColumnElement[bool], tuple[str, ...]]:
    """A typed number: its full forms exactly, the numbers it starts, and with 8 digits or
    more the numbers ending like it (a local number typed without its area code). Returns the
    condition and the exact forms, which the results list first."""
    exact = lookup_forms(query, region)
    wa_id: ColumnElement[str] = Contact.wa_id.expression  # type: ignore[assignment]
    conditions: list[ColumnElement[bool]] = [wa_id.in_(exact)] if exact else []
    conditions += [_starting(wa_id, p) for p in number_prefixes(query, region)]
    digits = digits_of(query)
    if len(digits) >= TAIL:
        tail: ColumnElement[str] = literal_column(_TAILS.get(dialect, _TAILS["sqlite"]))
        conditions.append(tail == digits[-TAIL:])
    return or_(*conditions), exact


async def search_contacts(
    uow: UnitOfWork, query: str, *, region: str = "", limit: int = 50
) -> list[Contact]:
    """Up to `limit` contacts matching `query`: exact number matches first, then contacts
    whose name starts with the query, by name, then other matches (by name among those
    returned). An empty query lists contacts by name. `region` (ISO country) is where numbers
    typed without a country code belong.

    A common word matches thousands of contacts; sorting them all by name would cost more than
    finding them. So names starting with the query come from the name index, in order, and the
    other matches in the text index's own order (oldest contact first), `limit` at most each.
    """
    query = query.strip()
    if looks_like_phone(query):
        condition, exact = _number_match(uow.dialect, query, region)
        order: list[ColumnElement[Any]] = []
        if exact:
            order.append(case((Contact.wa_id.in_(exact), 0), else_=1))
        return await _fetch(uow, select(Contact).where(condition), [*order, KEY], limit)
    words = _words(query)
    if not words:
        return await _fetch(uow, select(Contact), [KEY], limit)
    found = _text_match(uow.dialect, words)
    short = _short_match(words, alone=found is None)
    matching = and_(*(c for c in (found, short) if c is not None))
    if found is None:  # short words only: the name index answers in order
        return await _fetch(uow, select(Contact).where(matching), [KEY], limit)
    # A name starting with the query holds every word of it: the name index alone answers.
    first = await _fetch(uow, select(Contact).where(_starting(KEY, " ".join(words))), [KEY], limit)
    if len(first) >= limit:
        return first
    seen = [c.id for c in first]
    if uow.dialect == "sqlite" and short is None:
        return first + await _fts_rest(uow, words, seen, limit - len(first))
    rest_query = select(Contact).where(matching)
    if seen:
        rest_query = rest_query.where(Contact.id.not_in(seen))
    rest = await _fetch(uow, rest_query, [Contact.id.expression], limit - len(first))
    rest.sort(key=lambda c: ((c.name or c.profile_name or c.wa_id or "").lower(), c.id))
    return first + rest


async def _fts_rest(
    uow: UnitOfWork, words: Sequence[str], seen: list[int], count: int
) -> list[Contact]:
    """SQLite: the first `count` text matches not in `seen`, read from the FTS5 table with a
    LIMIT, which stops its scan early instead of listing every match of a common word."""
    phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in words if len(w) >= TRIGRAM)
    rows = await uow.session.scalars(
        text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :phrase LIMIT :n"),
        {"phrase": phrase, "n": count + len(seen)},
    )
    skip = set(seen)
    ids = [i for i in rows if i not in skip][:count]
    found = list(await uow.session.scalars(select(Contact).where(Contact.id.in_(ids))))
    found.sort(key=lambda c: ((c.name or c.profile_name or c.wa_id or "").lower(), c.id))
    return found


async def _fetch(
    uow: UnitOfWork, statement: Select[Contact], order: list[ColumnElement[Any]], limit: int
) -> list[Contact]:
    ordered = statement.order_by(*order, Contact.id).limit(limit)
    return list(await uow.session.scalars(ordered))
