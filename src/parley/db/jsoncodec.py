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
from typing import Any

import orjson

# Every ASCII digit becomes "0" and every other byte a space, so a run of 19 digits is a run of
# 19 zeros: one C pass over the bytes, a tenth of what the regular expression \d{19} cost on a
# webhook body (5.7 µs for a text message's 570 bytes), which every body and JSON column paid.
_DIGITS_AS_ZEROS = bytes.maketrans(
    bytes(range(256)), bytes(0x30 if 0x30 <= c <= 0x39 else 0x20 for c in range(256))
)
_NINETEEN_DIGITS = b"0" * 19


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def orjson_would_round(text: str | bytes) -> bool:
    """Whether orjson could read a number of `text` wrongly: it reads an integer past 64 bits
    as a float, without an error. Such text (any run of 19 digits, a long number or not:
    -2**63 - 1 has 19) is for the standard library, which reads it exactly."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _NINETEEN_DIGITS in data.translate(_DIGITS_AS_ZEROS)


def loads(text: str | bytes) -> Any:
    if orjson_would_round(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
