"""Meta's Cloud API error codes (WHATSAPP.md §7.2), how Parley retries each, and the Graph errors.

Pure: no I/O. The exceptions raised by `graph.GraphClient`::

    Exception
    ├── GraphError           Meta answered, with an error object or a non-2xx page; see `.retry`
    └── GraphTransportError  no usable answer (timeout, connection failure); the request may
                             still have been accepted, see `.maybe_sent`

Unknown codes: an answer with HTTP 5xx (or 408/429, from proxies) is classed RETRY with a small
limit (`max_retries`), anything else FIX: a request Meta refuses for an unknown reason is shown to
a person instead of being repeated.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

UNKNOWN_CODE = -1
CODE_MAX = 2**31 - 1  # stored in a 32-bit column; Meta's codes and subcodes are far below it
"""The code of a `GraphError` or `WhatsAppError` that carried no usable Meta code."""


class Retry(StrEnum):
    """What the sender does after an error (the `retry` column of WHATSAPP.md §7.2)."""

    RETRY = "R"  # retry with backoff
    LATER = "L"  # retry only much later (hours)
    NEVER = "N"  # never retry the same request
    FIX = "F"  # fix the request or the account first


R, L, N, F = Retry.RETRY, Retry.LATER, Retry.NEVER, Retry.FIX

# "N/F" rows of §7.2 (permissions) are FIX: a person must change the account, not the message.
CODES: Mapping[int, tuple[str, Retry]] = {
    0: ("Auth exception: token invalid or expired", N),
    1: ("Unknown API error", R),
    2: ("API service temporarily down or overloaded", R),
    3: ("Capability or permission issue", F),
    4: ("App-level call rate limit", R),
    10: ("Permission denied", F),
    33: ("Business number deleted", N),
    100: ("Invalid or unknown parameter", F),
    190: ("Access token expired", N),
    368: ("Temporarily blocked for policy violations", N),
    80007: ("WABA rate limit", R),
    130429: ("Throughput exceeded", R),
    130472: ("User is part of a Meta experiment", N),
    130497: ("WABA may not message this country", N),
    131000: ("Something went wrong", R),
    131005: ("Access denied", F),
    131008: ("Required parameter missing", F),
    131009: ("Parameter value invalid", F),
    131016: ("Service temporarily unavailable", R),
    131021: ("Recipient is the sender", N),
    131026: ("Message undeliverable", N),
    131030: ("Recipient not in allowed list", F),
    131031: ("Account locked or restricted", N),
    131037: ("Display name not approved", F),
    131042: ("Business eligibility or payment problem", F),
    131045: ("Incorrect certificate", F),
    131047: ("Re-engagement message", N),
    131048: ("Spam rate limit hit", L),
    131049: ("Meta chose not to deliver", L),
    131050: ("User stopped marketing messages", N),
    131051: ("Unsupported message type", N),
    131052: ("Media download error", N),
    131053: ("Media upload error", F),
    131056: ("Pair rate limit hit", R),
    131057: ("Account in maintenance mode", R),
    131060: ("Message currently unavailable", N),
    132000: ("Template parameter count mismatch", F),
    132001: ("Template does not exist", F),
    132005: ("Template hydrated text too long", F),
    132007: ("Template format character policy violated", F),
    132012: ("Template parameter format mismatch", F),
    132015: ("Template is paused", F),
    132016: ("Template is disabled", F),
    132068: ("Flow is blocked", F),
    132069: ("Flow is throttled", L),
    133000: ("Incomplete deregistration", F),
    133004: ("Server temporarily unavailable", R),
    133005: ("Two-step verification PIN mismatch", F),
    133006: ("Phone number re-verification needed", F),
    133007: ("Registration error", F),
    133008: ("Too many two-step verification PIN guesses", L),
    133009: ("Two-step verification PIN guessed too fast", L),
    133010: ("Phone number not registered", F),
    133015: ("Wait before registering this phone number", L),
    133016: ("Registration rate limit exceeded", L),
    135000: ("Generic user error", F),
}
_PERMISSION_RANGE = range(200, 300)  # 200–299: "API permission missing", N/F
_LIMITED = frozenset({1, 131000})  # "R (a few times)", "R (limited)"
_PACING = frozenset({4, 80007, 130429, 131056})  # rate limits: retry slower, more often
_RETRYABLE_HTTP = frozenset({408, 429})
_MAX_DELAY = 900.0  # 15 minutes: the longest RETRY wait
_HOUR = 3600.0
_MAX_EXPONENT = 20


def classify(code: int, http_status: int | None = None) -> Retry:
    """The retry class of a Meta error code; `http_status` only matters for unknown codes."""
    known = _lookup(code)
    if known is not None:
        return known[1]
    if http_status is not None and (http_status >= 500 or http_status in _RETRYABLE_HTTP):
        return Retry.RETRY
    return Retry.FIX


def title_for(code: int) -> str:
    """Parley's short English title of a code (Meta's titles change; never branch on them)."""
    known = _lookup(code)
    return known[0] if known is not None else f"Unknown error (code {code})"


def max_retries(code: int, http_status: int | None = None) -> int:
    """How many times the sender may retry (after the first attempt) before giving up."""
    retry = classify(code, http_status)
    if retry is Retry.LATER:
        return 3
    if retry is not Retry.RETRY:
        return 0
    if code in _LIMITED or _lookup(code) is None:
        return 3
    return 8 if code in _PACING else 5


def backoff_seconds(
    code: int, attempt: int, *, jitter: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number `attempt` (1 for the first retry) after `code`.

    131056 (pair rate): 4^(n-1) s, i.e. 1, 4, 16… (no jitter). 131057 (maintenance): a minute
    per attempt. LATER codes: hours (131049: 24 h; others 1 h doubling, at most 24 h). Anything
    else: 2 s doubling up to 15 min, scaled by 0.5 to 1.0 from `jitter()` (a float in [0, 1)).
    NEVER/FIX codes should not be retried at all; if asked, they get the generic schedule.
    """
    exponent = min(max(attempt, 1) - 1, _MAX_EXPONENT)
    if code == 131056:
        return min(float(4**exponent), _MAX_DELAY)
    if code == 131057:
        return min(60.0 * (exponent + 1), _MAX_DELAY)
    if classify(code) is Retry.LATER:
        return 24 * _HOUR if code == 131049 else min(_HOUR * 2.0**exponent, 24 * _HOUR)
    share = float(jitter())
    share = min(max(share, 0.0), 1.0) if math.isfinite(share) else 0.5
    return min(2.0 * 2.0**exponent, _MAX_DELAY) * (0.5 + share / 2)


def parse_code(value: object) -> int:
    """A Meta error code from JSON (a number or a string of digits), else `UNKNOWN_CODE`."""
    code = _int(value)
    return UNKNOWN_CODE if code is None else code


def _lookup(code: int) -> tuple[str, Retry] | None:
    if code in _PERMISSION_RANGE:
        return ("API permission missing", F)
    return CODES.get(code)


@dataclass(frozen=True, slots=True)
class WhatsAppError:
    """An error inside a webhook (`value.errors`, `messages[].errors`, `statuses[].errors`)."""

    code: int
    title: str
    message: str
    details: str | None
    href: str | None


def webhook_errors(value: object) -> tuple[WhatsAppError, ...]:
    """The `errors[]` of a webhook item, `{code,title,message,error_data{details},href}` each.

    Non-object items are skipped; a missing code is `UNKNOWN_CODE`, a missing title `title_for`.
    Legacy payloads put `details` beside `code` instead of in `error_data`: both are read.
    """
    items = value if isinstance(value, list) else []
    return tuple(_webhook_error(item) for item in items if isinstance(item, dict))


def _webhook_error(item: dict[str, object]) -> WhatsAppError:
    code = parse_code(item.get("code"))
    title = _string(item.get("title")) or title_for(code)
    data = item.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    return WhatsAppError(
        code=code,
        title=title,
        message=_string(item.get("message")) or title,
        details=_string(details) or _string(item.get("details")),
        href=_string(item.get("href")),
    )


class GraphError(Exception):
    """Meta refused a Graph call. Branch on `code` (and `details`), never on `title`/`message`."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        title: str | None = None,
        details: str | None = None,
        http_status: int | None = None,
        fbtrace_id: str | None = None,
        error_type: str | None = None,
        subcode: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.title = title or title_for(code)
        self.details = details
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id
        self.error_type = error_type
        self.subcode = subcode
        self.retry = classify(code, http_status)

    def __str__(self) -> str:
        text = f"({self.code}) {self.title}"
        return f"{text}: {self.details}" if self.details else text

    @classmethod
    def from_response(cls, status: int, body: object) -> GraphError:
        """Read Meta's synchronous error object (§7.1) from a decoded or raw response body.

        `body` may be the parsed JSON, the raw bytes or text, or None. A body without an
        `error` object (an HTML 5xx page, a proxy's text) gives code `UNKNOWN_CODE` and a
        message naming the HTTP status, so `.retry` then follows the status.
        """
        decoded = _decode(body)
        error = decoded.get("error") if isinstance(decoded, dict) else None
        if not isinstance(error, dict):
            return cls(
                UNKNOWN_CODE,
                f"HTTP {status}: {_snippet(body)}",
                title=f"HTTP {status}",
                http_status=status,
            )
        message = _string(error.get("message")) or ""
        prefix = _PREFIX.match(message)
        code = _code(error.get("code"), prefix)
        data = error.get("error_data")
        details = data.get("details") if isinstance(data, dict) else None
        return cls(
            code,
            message or title_for(code),
            title=prefix.group(2).strip() if prefix else None,
            details=_string(details) or _string(error.get("error_user_msg")),
            http_status=status,
            fbtrace_id=_string(error.get("fbtrace_id")),
            error_type=_string(error.get("type")),
            subcode=_int(error.get("error_subcode")),
        )


class GraphTransportError(Exception):
    """No usable answer from the Graph API: a timeout, a dropped connection, a garbled reply.

    Ambiguous when `maybe_sent` is True: Meta may have accepted a send. Do not blindly resend;
    reconcile through the status webhook carrying the same `biz_opaque_callback_data`.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


_PREFIX = re.compile(r"^\(#(\d{1,9})\)\s*(.*)$", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def _decode(body: object) -> object:
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            return body
    return body


def _snippet(body: object) -> str:
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", errors="replace")
    text = body if isinstance(body, str) else ""
    words = " ".join(_TAGS.sub(" ", text[:4000]).split())
    return words[:200] or "no error details"


def _code(value: object, prefix: re.Match[str] | None) -> int:
    code = parse_code(value)
    if code == UNKNOWN_CODE and prefix is not None:
        return int(prefix.group(1))
    return code


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= CODE_MAX else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        return _int(int(value.strip()))
    return None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
