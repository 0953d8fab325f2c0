"""Local storage streams and is atomic; sniffing and checksums read content, not names."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from parley.media.inbound import sha256_matches
from parley.media.sniff import sniff
from parley.media.storage import LocalStorage, new_key
from tests.media import files


async def chunks(
    data: bytes, size: int = 1000, fail_after: int | None = None
) -> AsyncIterator[bytes]:
    for n, at in enumerate(range(0, len(data), size)):
        if fail_after is not None and n == fail_after:
            raise ConnectionError("dropped")
        yield data[at : at + size]


async def test_write_read_range_delete(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = new_key()
    data = bytes(range(256)) * 40
    assert await storage.write(key, chunks(data)) == len(data)
    assert b"".join([c async for c in storage.read(key)]) == data
    assert b"".join([c async for c in storage.read(key, 100, 300)]) == data[100:300]
    await storage.delete(key)
    with pytest.raises(FileNotFoundError):
        [c async for c in storage.read(key)]
    await storage.delete(key)  # twice is fine


async def test_a_broken_stream_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(ConnectionError):
        await storage.write(new_key(), chunks(b"x" * 10_000, fail_after=3))
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # noqa: ASYNC240


@pytest.mark.parametrize("key", ["", "../x", "a/b", "a b"])
async def test_keys_are_never_paths(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        await LocalStorage(tmp_path).write(key, chunks(b"x"))


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
