"""What a message or status inherits from its entry and change, and the tolerant readers that
turn any JSON value into what `payloads` keeps: they never raise, and note what they patch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parley.whatsapp.content import Json
from parley.whatsapp.errors import WhatsAppError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
_DIGITS = re.compile(r"[0-9]{1,12}")
NAME_MAX = 200  # the longest profile name or username kept (the column's size)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a message or status inherits from its entry and change."""

    where: str
    entry_time: datetime | None
    received_at: datetime | None
    phone_number_id: str | None
    contacts: tuple[Json, ...]
    value_errors: tuple[WhatsAppError, ...]


def bounded(value: str | None, limit: int, notes: list[str], scope: Scope, what: str) -> str | None:
    if value is None or len(value) <= limit:
        return value
    notes.append(f"{scope.where}: {what} of {len(value)} characters ignored")
    return None


def name_of(value: object) -> str | None:
    return (value[:NAME_MAX] or None) if isinstance(value, str) else None


def when(value: object, scope: Scope, notes: list[str], what: str) -> datetime:
    parsed = epoch(value)
    if parsed is None:
        parsed = scope.entry_time or scope.received_at or EPOCH
        shown = repr(value)[:40] if isinstance(value, str | int | float | None) else "?"
        notes.append(f"{scope.where}: {what[:140]} has timestamp {shown}, used {parsed}")
    return parsed


def epoch(value: object) -> datetime | None:
    """Unix seconds (a string of digits or a number) as an aware UTC datetime, else None."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= _MAX_SECONDS:  # also refuses NaN and infinities
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def listed(container: Json, key: str, where: str, notes: list[str]) -> list[Any]:
    value = container.get(key)
    if value is not None and not isinstance(value, list):
        notes.append(f"{where}.{key}: not a list")
    return value if isinstance(value, list) else []
