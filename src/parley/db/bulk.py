"""Many rows in one statement, with their new ids.

SQLAlchemy's `returning(..., sort_by_parameter_order=True)` gives ids in the order of the rows,
but on SQLite it does so by running one INSERT per row (SQLite declares no order for RETURNING:
https://www.sqlite.org/lang_returning.html, "Limitations And Caveats"): at a batch of 200
messages that was most of ingest's statements. Here the rows go in with one statement (per
1,000 rows: SQLAlchemy's `insertmanyvalues` pages), and each row is matched to its id by a
column whose values are unique among the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, class_mapper

T = TypeVar("T")
IMMUTABLE = (bool, int, float, str, bytes)
IN_LIST = 500  # values per `IN (...)` list: SQLite allows 32,766 bound values per statement


def by_size(sizes: Iterable[tuple[T, int | None]], budget: int, most: int) -> Iterator[list[T]]:
    """The keys of (key, size in bytes) pairs, in order, in slices whose sizes add up to at most
    `budget` (a larger one alone) and of at most `most` keys: rows to hold in memory a slice at
    a time (webhook bodies: up to 3 MB each)."""
    keys: list[T] = []
    total = 0
    for key, size in sizes:
        if keys and (total + (size or 0) > budget or len(keys) == most):
            yield keys
            keys, total = [], 0
        keys.append(key)
        total += size or 0
    if keys:
        yield keys


def chunked(values: Sequence[T], size: int = IN_LIST) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size`, for statements that take them as one `IN` list
    (a batch can hold far more values than a statement may bind)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def insert_returning_ids(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], key: str
) -> list[int]:
    """Insert `rows` into `table`; their ids (the `id` column), in the order of `rows`.

    `key`: a column whose values are unique among `rows` and not None (a message's `wamid`, an
    attachment's `message_id`). Raises ValueError when they are not: a row could get another's
    id. Raises what the database raised (nothing is inserted then, in the caller's transaction).
    """
    if not rows:
        return []
    keys = [row[key] for row in rows]
    if None in keys or len(set(keys)) != len(keys):
        raise ValueError(f"{table.name}.{key} must be unique and set among the rows")
    statement = insert(table).returning(table.c.id, table.c[key])
    found = {value: id_ for id_, value in await session.execute(statement, rows)}
    return [found[value] for value in keys]


def as_loaded(cls: type[T], row: dict[str, Any], **more: Any) -> T:
    """An instance of the mapped class `cls` holding `row` and `more` (column name → value) as
    a query would have loaded them, in no session: for rows inserted with Core and described
    in events. The ORM's constructor records every value as a change, which cost as much as
    building the row; reading this one costs what reading a loaded row does. Columns not given
    hold what the insert stored for them: their scalar default, else None (a column left unset
    was read through the ORM's fallback, three times as slow as a loaded one)."""
    mapper = class_mapper(cls)
    instance: T = mapper.class_manager.new_instance()
    values = instance.__dict__
    values.update(_unset_columns(mapper))
    values.update(row)
    values.update(more)
    return instance


@cache
def _unset_columns(mapper: Mapper[Any]) -> dict[str, Any]:
    """Each column attribute of the mapped class and the value an insert without it stores (a
    scalar default; None when it has none, or one computed per row). Shared by every instance,
    so only immutable defaults are kept."""
    unset: dict[str, Any] = {}
    for attribute in mapper.column_attrs:
        default = attribute.columns[0].default
        value = default.arg if default is not None and default.is_scalar else None
        unset[attribute.key] = value if isinstance(value, IMMUTABLE) else None
    return unset


_COLUMN_KEYS: dict[type, frozenset[str]] = {}


def loaded_values(instance: object) -> Mapping[str, Any]:
    """The column values of an ORM instance by name, read from the instance itself when every
    column is loaded (a query's row, `as_loaded`, an object just written): an ORM attribute read
    costs six times a dict's, and describing an interaction in an event reads two dozen. Else
    (an expired object, a new one not flushed) each is read through the ORM, as `getattr` would."""
    values: dict[str, Any] = instance.__dict__
    keys = _COLUMN_KEYS.get(type(instance))
    if keys is None:
        keys = _COLUMN_KEYS[type(instance)] = frozenset(
            _unset_columns(class_mapper(type(instance)))
        )
    if values.keys() >= keys:
        return values
    return {key: getattr(instance, key) for key in keys}
