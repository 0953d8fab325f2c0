"""How JSON columns are written and read: orjson, with the standard library as the fallback.

SQLite keeps JSON as text, so every message's `content` and every interaction's `last_message`
is decoded on each read; the standard library's decoder cost as much as the rest of the row.
orjson refuses a few values the standard library takes (integers past 64 bits, lone surrogates;
and it cannot read back the `NaN` the standard library writes): those go the slower way, so
nothing that was storable before is refused now. A non-finite float is stored as null, as
standard JSON (and PostgreSQL's JSONB) has no such number.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_BYTES = re.compile(rb"\d{19}")


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def orjson_would_round(text: str | bytes) -> bool:
    """Whether orjson could read a number of `text` wrongly: it reads an integer past 64 bits
    as a float, without an error. Such text (any run of 19 digits, a long number or not:
    -2**63 - 1 has 19) is for the standard library, which reads it exactly."""
    found = _LONG_DIGITS.search(text) if isinstance(text, str) else _LONG_BYTES.search(text)
    return found is not None


def loads(text: str | bytes) -> Any:
    if orjson_would_round(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
