"""Meta's webhook signature: `sha256=` + hex HMAC-SHA256 of the exact body bytes."""

from __future__ import annotations

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """The `X-Hub-Signature-256` header value for `body` under the app secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """True when `header` is the right signature of `body` (constant-time comparison)."""
    if not header:
        return False
    return hmac.compare_digest(sign(body, secret), header)
