"""Webhook bodies as Meta sends them, including text a strict JSON parser refuses."""

from __future__ import annotations

import pytest

from parley.whatsapp.jsonbody import BodyError, loads


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    body = b'{"name": "Ana \\ud83d", "text": {"body": "cut \\udc00 here \\ud83d\\ude00"}}'
    assert loads(body) == {"name": "Ana \ufffd", "text": {"body": "cut \ufffd here 😀"}}


def test_keys_and_lists_are_cleaned_too() -> None:
    assert loads(b'{"\\ud800": ["\\udfff", 1, null]}') == {"\ufffd": ["\ufffd", 1, None]}


def test_ordinary_bodies_and_garbage() -> None:
    assert loads(b'{"a": "Ol\\u00e1 \\ud83d\\udc4b"}') == {"a": "Olá 👋"}
    with pytest.raises(BodyError):
        loads(b"{not json")
    with pytest.raises(BodyError):
        loads(b"\xff\xfe")


def test_integers_past_64_bits_are_read_exactly() -> None:
    """orjson turns them into floats without a word; the body's own digits are kept."""
    body = (
        b'{"id": 123456789012345678901234, "n": -9223372036854775809, "s": "12345678901234567890"}'
    )
    assert loads(body) == {
        "id": 123456789012345678901234,
        "n": -9223372036854775809,
        "s": "12345678901234567890",
    }
    assert loads(b"[18446744073709551615, 1.5]") == [18446744073709551615, 1.5]
    # 19 digits, below -2**63: alone in its body, with no longer run of digits beside it
    assert loads(b'{"quantity": -9223372036854775809}') == {"quantity": -9223372036854775809}


def test_only_a_run_of_nineteen_ascii_digits_goes_the_exact_way() -> None:
    from parley.db.jsoncodec import orjson_would_round

    assert orjson_would_round(b'{"n": 1234567890123456789}')
    assert orjson_would_round('{"text": "é1234567890123456789"}')  # text, beside a letter
    assert not orjson_would_round(b'{"n": 123456789012345678}')  # 18: orjson reads it exactly
    assert not orjson_would_round('{"a": 123456789, "b": 1234567890}')  # runs do not join
    assert not orjson_would_round("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩")  # other scripts' digits are no number
    assert not orjson_would_round('"\ud83d"')  # a lone surrogate is no digit either
