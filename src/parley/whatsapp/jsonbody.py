"""Decode a webhook body as Meta sends it, including text no strict parser accepts.

WhatsApp clients sometimes send a lone UTF-16 surrogate (half of an emoji cut by a length
limit) escaped as `\\ud83d`. JSON allows the escape, orjson refuses it, and a refused body is
retried by Meta for days, then dropped with every message batched in it. Such a body is read
with the standard library instead and each lone surrogate becomes U+FFFD (the replacement
character), so the text is kept and can be stored in any database.

orjson also reads an integer past 64 bits as a float, silently: such a body is read by the
standard library too (`db.jsoncodec.orjson_would_round`, the rule JSON columns follow).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from parley.db.jsoncodec import orjson_would_round

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyError(ValueError):
    """Not JSON at all."""


def loads(body: bytes) -> Any:
    """The decoded body; raises `BodyError` when it is not JSON."""
    if not orjson_would_round(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BodyError(str(exc)) from None
    return without_lone_surrogates(value)


def without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value
