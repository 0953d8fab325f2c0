"""`X-Hub-Signature-256` (WHATSAPP.md §1.2): HMAC-SHA256 of the raw body, keyed by the app secret.

Verify the exact bytes received, before parsing; never a re-serialised body (Meta escapes non-ASCII
as lowercase `\\uXXXX`, so re-encoding the parsed JSON gives other bytes and another signature).
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def sign(body: bytes, secret: str) -> str:
    """The header value Meta sends for `body`: `sha256=` and the lowercase hex digest."""
    key = secret.encode("utf-8", "surrogatepass")
    digest = hmac.new(key, body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """True only if `header` is a well-formed `sha256=<hex>` matching `body` under `secret`.

    A missing or malformed header, or an empty secret, is never valid. The comparison is
    constant-time.
    """
    if not header or not secret:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != PREFIX[:-1] or not _HEX_DIGEST.fullmatch(given):
        return False
    expected = sign(body, secret)[len(PREFIX) :]
    return hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii"))
