"""Contact search: by name, any way of writing a number, email, notes or a custom field value.

The index is the database's own (see the contact_directory migration): SQLite's FTS5 trigram
table `contacts_fts`, PostgreSQL's `search_text` column with a `pg_trgm` GIN index. Both find
substrings of 3 characters or more, so `sou` finds "Ana Souza" and `98765` finds
`5511987654321`. Shorter words fall back to a name prefix. A typed phone number is also
parsed (`domain.phones.lookup_forms`) and matched exactly against the stored `wa_id`, in all
its forms, whatever national format the agent used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, text

from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.phones import digits_of, looks_like_phone, lookup_forms

TRIGRAM = 3  # the shortest word the trigram indexes can look up
MAX_WORDS = 8


def _words(query: str) -> list[str]:
    return [w for w in query.casefold().split() if w][:MAX_WORDS]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _display_name() -> ColumnElement[str]:
    return func.coalesce(Contact.name, Contact.profile_name, Contact.wa_id, "")


def _text_match(dialect: str, words: Sequence[str]) -> ColumnElement[bool] | None:
    """Contacts whose indexed text holds every word (words of 3+ characters)."""
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if not long_words:
        return None
    if dialect == "postgresql":
        column: ColumnElement[str] = literal_column("contacts.search_text")
        return and_(*(column.like(f"%{_escape_like(w)}%", escape="\\") for w in long_words))
    phrase = " AND ".join(_fts_phrase(w) for w in long_words)
    ids = text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :phrase").bindparams(
        phrase=phrase
    )
    return Contact.id.in_(ids.columns(literal_column("rowid")))


def _short_match(words: Sequence[str]) -> ColumnElement[bool] | None:
    """Words under 3 characters: a word of the name (or profile name) starting with them."""
    short = [w for w in words if len(w) < TRIGRAM]
    if not short:
        return None
    columns = (func.lower(Contact.name), func.lower(Contact.profile_name))
    return and_(
        *(
            or_(
                *(column.like(f"{_escape_like(w)}%", escape="\\") for column in columns),
                *(column.like(f"% {_escape_like(w)}%", escape="\\") for column in columns),
            )
            for w in short
        )
    )


async def search_contacts(
    uow: UnitOfWork, query: str, *, region: str = "", limit: int = 50
) -> list[Contact]:
    """Up to `limit` contacts matching `query`: exact number matches first, then names that
    start with the query, then the rest, by name. An empty query lists contacts by name."""
    query = query.strip()
    statement = select(Contact)
    exact: tuple[str, ...] = ()
    if looks_like_phone(query):
        exact = lookup_forms(query, region)
        digits = digits_of(query)
        conditions: list[ColumnElement[bool]] = [Contact.wa_id.in_(exact)] if exact else []
        if len(digits) >= TRIGRAM:
            found = _text_match(uow.dialect, [digits])
            if found is not None:
                conditions.append(found)
        statement = statement.where(or_(*conditions))
    elif query:
        words = _words(query)
        parts = [c for c in (_text_match(uow.dialect, words), _short_match(words)) if c is not None]
        statement = statement.where(and_(*parts))
    name = _display_name()
    prefix = f"{_escape_like(query.casefold())}%"
    order: list[ColumnElement[Any]] = []
    if exact:
        order.append(case((Contact.wa_id.in_(exact), 0), else_=1))
    order += [
        case((func.lower(name).like(prefix, escape="\\"), 0), else_=1),
        func.lower(name),
        Contact.id.expression,
    ]
    statement = statement.order_by(*order).limit(limit)
    return list(await uow.session.scalars(statement))
