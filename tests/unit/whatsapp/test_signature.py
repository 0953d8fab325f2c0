"""`X-Hub-Signature-256`: sign the exact bytes, verify in constant time, refuse anything odd."""

from __future__ import annotations

import hashlib
import hmac
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.whatsapp.signature import sign, verify_signature
from tests.fuzz import examples

SECRET = "parley-dev-app-secret"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'
PAYLOAD = {
    "object": "whatsapp_business_account",
    "entry": [{"changes": [{"value": {"messages": [{"text": {"body": "Olá, não chegou 📦"}}]}}]}],
}


def test_sign_is_lowercase_hex_hmac_sha256_of_the_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"
    assert expected == expected.lower()


def test_verify_accepts_its_own_signature() -> None:
    assert verify_signature(BODY, sign(BODY, SECRET), SECRET)


def test_non_ascii_body_is_verified_on_the_escaped_bytes_meta_sent() -> None:
    sent = json.dumps(PAYLOAD).encode("ascii")  # Meta escapes non-ASCII as lowercase \uXXXX
    assert b"Ol\\u00e1" in sent and b"\\ud83d\\udce6" in sent
    header = sign(sent, SECRET)
    assert verify_signature(sent, header, SECRET)
    reencoded = json.dumps(json.loads(sent), ensure_ascii=False).encode("utf-8")
    assert not verify_signature(reencoded, header, SECRET)
    assert not verify_signature(orjson.dumps(json.loads(sent)), header, SECRET)


def test_wrong_secret_fails() -> None:
    assert not verify_signature(BODY, sign(BODY, SECRET), "another-secret")


def test_tampered_body_fails() -> None:
    assert not verify_signature(BODY + b" ", sign(BODY, SECRET), SECRET)


def test_empty_secret_never_verifies() -> None:
    assert not verify_signature(BODY, sign(BODY, ""), "")


@pytest.mark.parametrize("header", [None, ""])
def test_missing_header_fails(header: str | None) -> None:
    assert not verify_signature(BODY, header, SECRET)


def _digest() -> str:
    return sign(BODY, SECRET).removeprefix("sha256=")


@pytest.mark.parametrize(
    "header",
    [
        "sha256=",
        "sha256",
        "=" + "0" * 64,
        "sha1=" + "0" * 40,
        "sha1=" + "a" * 64,
        "md5=" + "a" * 64,
        "sha256=" + "z" * 64,
        "sha256=" + "a" * 63,
        "sha256=" + "a" * 65,
        "sha256=" + "é" * 64,
        "sha256=" + "０" * 64,  # full-width digits
        "sha256 = " + "a" * 64,
        "sha256=sha256=" + "a" * 64,
        "\x00" * 71,
    ],
)
def test_malformed_header_fails(header: str) -> None:
    assert not verify_signature(BODY, header, SECRET)


@pytest.mark.parametrize("variant", ["upper_hex", "upper_scheme", "padded"])
def test_harmless_spelling_variants_verify(variant: str) -> None:
    header = {
        "upper_hex": "sha256=" + _digest().upper(),
        "upper_scheme": "SHA256=" + _digest(),
        "padded": f"  sha256={_digest()}\t",
    }[variant]
    assert verify_signature(BODY, header, SECRET)


@settings(max_examples=examples(200), database=None, deadline=None)
@given(body=st.binary(max_size=512), secret=st.text(min_size=1, max_size=40), flip=st.integers())
def test_property_sign_then_verify(body: bytes, secret: str, flip: int) -> None:
    header = sign(body, secret)
    assert verify_signature(body, header, secret)
    if body:
        index = flip % len(body)
        tampered = body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :]
        assert not verify_signature(tampered, header, secret)


@settings(max_examples=examples(200), database=None, deadline=None)
@given(header=st.text(max_size=90), secret=st.text(max_size=20))
def test_property_any_header_text_never_raises(header: str, secret: str) -> None:
    assert verify_signature(BODY, header, secret) in (True, False)
