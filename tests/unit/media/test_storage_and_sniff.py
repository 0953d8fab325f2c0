"""Sniffing and checksums read content, not names (storage: tests/media/test_storage_contract.py)."""

from __future__ import annotations

import base64
import hashlib

from parley.media.inbound import sha256_matches
from parley.media.sniff import sniff
from tests.media import files


def test_sniffing_ignores_what_the_name_says() -> None:
    assert sniff(files.image("PNG")) == "image/png"
    assert sniff(b"<html><body>hi</body></html>") == "text/html"
    assert sniff(b"") == "application/x-empty"


def test_checksums_in_hex_or_base64() -> None:
    digest = hashlib.sha256(b"abc").digest()
    assert sha256_matches(digest.hex(), digest.hex())
    assert sha256_matches(digest.hex().upper(), digest.hex())
    assert sha256_matches(base64.b64encode(digest).decode(), digest.hex())
    assert sha256_matches(None, digest.hex())
    assert not sha256_matches("0" * 64, digest.hex())
    assert not sha256_matches("not base64!", digest.hex())
