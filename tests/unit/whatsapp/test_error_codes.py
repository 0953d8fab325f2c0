"""Meta's error codes (WHATSAPP.md §7.2), their retry classes and backoff, and `GraphError`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.whatsapp.errors import (
    CODES,
    UNKNOWN_CODE,
    GraphError,
    GraphTransportError,
    Retry,
    backoff_seconds,
    classify,
    max_retries,
    title_for,
    webhook_errors,
)
from tests.fuzz import examples

R, L, N, F = Retry.RETRY, Retry.LATER, Retry.NEVER, Retry.FIX

# WHATSAPP.md §7.2, transcribed row by row. "N/F" (permission rows) is FIX: a person must act.
SECTION_7_2: dict[int, Retry | tuple[Retry, ...]] = {
    0: N, 1: R, 2: R, 3: F, 4: R, 10: F, 33: N, 100: F, 190: N,
    200: F, 250: F, 299: F, 368: N, 80007: R, 130429: R, 130472: N, 130497: N,
    131000: R, 131005: F, 131008: F, 131009: F, 131016: R, 131021: N, 131026: N, 131030: F,
    131031: N, 131037: F, 131042: F, 131045: F, 131047: N, 131048: L, 131049: L, 131050: N,
    131051: N, 131052: N, 131053: F, 131056: R, 131057: R, 131060: N,
    132000: F, 132001: F, 132005: F, 132007: F, 132012: F, 132015: F, 132016: F,
    132068: F, 132069: L, 133000: F, 133004: R,
    133005: (F, L), 133006: (F, L), 133007: (F, L), 133008: (F, L), 133009: (F, L),
    133015: (F, L), 133016: (F, L), 133010: F, 135000: F,
}  # fmt: skip

SYNC_ERROR = {
    "error": {
        "message": "(#131009) Parameter value is not valid",
        "type": "OAuthException",
        "code": 131009,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "Interactive list row title is too long",
        },
        "fbtrace_id": "AbCdEf0123456789",
    }
}
HTML_503 = (
    b"<html><head><title>503</title></head><body><h1>Service   Unavailable</h1></body></html>"
)


@pytest.mark.parametrize("code", sorted(SECTION_7_2))
def test_every_documented_code_is_classified(code: int) -> None:
    expected = SECTION_7_2[code]
    assert classify(code) in (expected if isinstance(expected, tuple) else (expected,))
    assert not title_for(code).startswith("Unknown error")


def test_table_has_no_code_the_document_lacks() -> None:
    assert set(CODES) <= set(SECTION_7_2)


@pytest.mark.parametrize(
    ("status", "expected"), [(None, F), (400, F), (404, F), (500, R), (503, R), (429, R), (408, R)]
)
def test_unknown_codes_follow_the_http_status(status: int | None, expected: Retry) -> None:
    assert classify(987654, status) is expected
    assert title_for(987654) == "Unknown error (code 987654)"


def test_known_codes_ignore_the_http_status() -> None:
    assert classify(131047, 500) is N
    assert classify(131000, 400) is R


@pytest.mark.parametrize(
    ("code", "status", "limit"),
    [(131047, None, 0), (100, None, 0), (131000, None, 3), (1, None, 3), (987654, 502, 3),
     (987654, 400, 0), (131056, None, 8), (130429, None, 8), (131016, None, 5),
     (131049, None, 3)],
)  # fmt: skip
def test_max_retries(code: int, status: int | None, limit: int) -> None:
    assert max_retries(code, status) == limit


def test_pair_rate_backoff_is_four_to_the_n() -> None:
    assert [backoff_seconds(131056, n) for n in range(1, 6)] == [1, 4, 16, 64, 256]
    assert backoff_seconds(131056, 50) == 900


def test_maintenance_waits_about_a_minute() -> None:
    assert [backoff_seconds(131057, n) for n in (1, 2)] == [60, 120]


def test_later_codes_wait_hours() -> None:
    assert backoff_seconds(131049, 1) == 24 * 3600
    assert [backoff_seconds(131048, n) for n in (1, 2, 3)] == [3600, 7200, 14400]
    assert backoff_seconds(132069, 30) == 24 * 3600


@pytest.mark.parametrize(("jitter", "factor"), [(0.0, 0.5), (0.5, 0.75), (1.0, 1.0)])
def test_generic_backoff_is_exponential_with_injected_jitter(jitter: float, factor: float) -> None:
    delays = [backoff_seconds(131000, n, jitter=lambda: jitter) for n in (1, 2, 3, 4)]
    assert delays == [2 * factor, 4 * factor, 8 * factor, 16 * factor]
    assert backoff_seconds(131000, 10_000, jitter=lambda: jitter) == 900 * factor


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -3.0, 7.0])
def test_odd_jitter_stays_in_bounds(bad: float) -> None:
    assert 1.0 <= backoff_seconds(130429, 1, jitter=lambda: bad) <= 2.0


def test_attempt_zero_counts_as_first() -> None:
    assert backoff_seconds(131056, 0) == backoff_seconds(131056, 1) == 1


def test_graph_error_reads_meta_sync_error() -> None:
    error = GraphError.from_response(400, SYNC_ERROR)
    assert (error.code, error.http_status, error.retry) == (131009, 400, F)
    assert error.title == "Parameter value is not valid"
    assert error.message == "(#131009) Parameter value is not valid"
    assert error.details == "Interactive list row title is too long"
    assert (error.fbtrace_id, error.error_type, error.subcode) == (
        "AbCdEf0123456789",
        "OAuthException",
        None,
    )
    assert (
        str(error)
        == "(131009) Parameter value is not valid: Interactive list row title is too long"
    )


@pytest.mark.parametrize("encode", [lambda b: json.dumps(b), lambda b: json.dumps(b).encode()])
def test_graph_error_from_raw_text_or_bytes(encode: Any) -> None:
    assert GraphError.from_response(400, encode(SYNC_ERROR)).code == 131009


def test_graph_error_expired_token() -> None:
    body = {"error": {"message": "Error validating access token: Session has expired",
                      "type": "OAuthException", "code": 190, "error_subcode": 463,
                      "fbtrace_id": "A1"}}  # fmt: skip
    error = GraphError.from_response(401, body)
    assert (error.code, error.subcode, error.retry) == (190, 463, N)
    assert error.title == "Access token expired"


def test_graph_error_code_as_string_or_only_in_message() -> None:
    as_string = {"error": {"message": "(#131056) Pair rate limit hit", "code": "131056"}}
    only_prefix = {"error": {"message": "(#131056) (Business Account, Consumer Account) pair"}}
    for body in (as_string, only_prefix):
        error = GraphError.from_response(400, body)
        assert (error.code, error.retry) == (131056, R)


def test_graph_error_from_html_5xx_page() -> None:
    error = GraphError.from_response(503, HTML_503)
    assert (error.code, error.retry, error.http_status) == (UNKNOWN_CODE, R, 503)
    assert error.message == "HTTP 503: 503 Service Unavailable"
    assert error.title == "HTTP 503"


@pytest.mark.parametrize(
    "body", [b"", None, "", [], {"error": "nope"}, {"data": []}, b"\xff\xfe", 42, {"error": None}]
)
def test_graph_error_from_unusable_bodies(body: object) -> None:
    assert GraphError.from_response(400, body).retry is F
    assert GraphError.from_response(502, body).retry is R
    assert GraphError.from_response(400, body).code == UNKNOWN_CODE


def test_graph_error_keyword_construction() -> None:
    error = GraphError(code=131000, message="boom", http_status=0, details="boom")
    assert (error.title, error.retry, str(error)) == (
        "Something went wrong",
        R,
        "(131000) Something went wrong: boom",
    )


def test_transport_error_is_ambiguous_by_default() -> None:
    assert GraphTransportError("read timeout").maybe_sent is True
    assert GraphTransportError("refused", maybe_sent=False).maybe_sent is False


def test_webhook_errors_modern_and_legacy_shapes() -> None:
    errors = webhook_errors([
        {"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
         "error_data": {"details": "24 hours passed"}, "href": "https://example/x"},
        {"code": 131051, "details": "Message type is not currently supported",
         "title": "Unsupported"},
        {"title": "no code"},
        "garbage",
    ])  # fmt: skip
    assert [e.code for e in errors] == [131047, 131051, UNKNOWN_CODE]
    assert [e.details for e in errors] == [
        "24 hours passed",
        "Message type is not currently supported",
        None,
    ]
    assert errors[1].message == "Unsupported"
    assert webhook_errors(None) == webhook_errors({"code": 1}) == ()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


ERROR_KEYS = st.sampled_from(["message", "code", "error_data", "error_subcode", "fbtrace_id"])


@settings(max_examples=examples(300), database=None, deadline=None)
@given(
    status=st.integers(min_value=100, max_value=599),
    body=JSON | st.fixed_dictionaries({"error": st.dictionaries(ERROR_KEYS, JSON)}),
)
def test_property_from_response_never_raises(status: int, body: object) -> None:
    error = GraphError.from_response(status, body)
    assert isinstance(error.code, int) and isinstance(error.retry, Retry)
    assert str(error)
