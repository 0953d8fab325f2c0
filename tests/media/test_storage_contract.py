"""The `Storage` contract, run against both backends: a local directory and an S3 bucket on a
real S3-compatible server. Streams both ways, ranges, atomic writes, keys that are never paths."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.errors import StorageUnavailable
from parley.media.s3 import S3Storage
from parley.media.storage import LocalStorage, Storage, new_key, open_storage
from parley.settings import SettingsError, load_settings
from tests.media.s3 import location, new_bucket, objects

PART = 5 * 1024 * 1024  # S3's smallest multipart part


@dataclass
class Backend:
    storage: Storage
    leftovers: Callable[[], Awaitable[list[str]]]


@pytest.fixture(params=["local", "s3"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "local":

        async def files() -> list[str]:
            return [str(p) for p in tmp_path.rglob("*") if p.is_file()]  # noqa: ASYNC240

        yield Backend(LocalStorage(tmp_path), files)
        return
    endpoint: str = request.getfixturevalue("s3_endpoint")
    bucket = await new_bucket(endpoint)
    storage = S3Storage(location(endpoint, bucket))

    async def stored() -> list[str]:
        return sorted(await objects(endpoint, bucket))

    yield Backend(storage, stored)
    await storage.close()


async def chunks(
    data: bytes, size: int = 1000, fail_after: int | None = None
) -> AsyncIterator[bytes]:
    for n, at in enumerate(range(0, len(data), size)):
        if fail_after is not None and n == fail_after:
            raise ConnectionError("dropped")
        yield data[at : at + size]


async def read_all(storage: Storage, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([c async for c in storage.read(key, start, end)])


async def test_write_read_range_delete(backend: Backend) -> None:
    storage = backend.storage
    key = new_key()
    data = bytes(range(256)) * 40
    assert await storage.write(key, chunks(data)) == len(data)
    assert await read_all(storage, key) == data
    assert await read_all(storage, key, 100, 300) == data[100:300]
    assert await read_all(storage, key, len(data) - 5) == data[-5:]
    assert await read_all(storage, key, 10, len(data) + 50) == data[10:]
    assert await read_all(storage, key, len(data)) == b""
    assert await read_all(storage, key, 7, 7) == b""
    await storage.delete(key)
    with pytest.raises(FileNotFoundError):
        await read_all(storage, key)
    await storage.delete(key)  # twice is fine
    assert await backend.leftovers() == []


async def test_an_empty_file_is_stored_and_read_back(backend: Backend) -> None:
    key = new_key()
    assert await backend.storage.write(key, chunks(b"")) == 0
    assert await read_all(backend.storage, key) == b""


async def test_a_large_file_streams_in_parts_and_reads_across_them(backend: Backend) -> None:
    """Over two S3 parts: a multipart upload; reads cross the part boundaries byte-exactly."""
    data = hashlib.sha256(b"seed").digest() * ((2 * PART + 12345) // 32)
    key = new_key()
    assert await backend.storage.write(key, chunks(data, 64 * 1024)) == len(data)
    read = hashlib.sha256()
    biggest = 0
    async for chunk in backend.storage.read(key):
        read.update(chunk)
        biggest = max(biggest, len(chunk))
    assert read.hexdigest() == hashlib.sha256(data).hexdigest()
    assert biggest <= 64 * 1024  # streamed, never the whole file at once
    assert await read_all(backend.storage, key, PART - 3, PART + 3) == data[PART - 3 : PART + 3]
    assert len(await backend.leftovers()) == 1


@pytest.mark.parametrize("fail_after", [3, 120], ids=["small", "after-a-part"])
async def test_a_broken_stream_leaves_nothing(backend: Backend, fail_after: int) -> None:
    """Cut off before any part was sent, or after one part of a multipart upload was."""
    with pytest.raises(ConnectionError):
        await backend.storage.write(
            new_key(), chunks(b"x" * (3 * PART), 64 * 1024, fail_after=fail_after)
        )
    assert await backend.leftovers() == []


@pytest.mark.parametrize("key", ["", "../x", "a/b", "a b", "é", "k" * 65])
async def test_keys_are_never_paths(backend: Backend, key: str) -> None:
    with pytest.raises(ValueError):
        await backend.storage.write(key, chunks(b"x"))
    with pytest.raises(ValueError):
        await read_all(backend.storage, key)


async def test_the_storage_answers_a_ping(backend: Backend) -> None:
    assert await backend.storage.ping() is True


async def test_an_unreachable_bucket_is_a_clear_error(s3_endpoint: str) -> None:
    storage = S3Storage(location(s3_endpoint, "parley-no-such-bucket"))
    try:
        assert await storage.ping() is False
        with pytest.raises(StorageUnavailable) as refused:
            await storage.write(new_key(), chunks(b"hello"))
        assert refused.value.status == 503
        assert "NoSuchBucket" in refused.value.message
    finally:
        await storage.close()


async def test_objects_are_named_under_the_prefix(s3_endpoint: str) -> None:
    bucket = await new_bucket(s3_endpoint)
    storage = S3Storage(location(s3_endpoint, bucket, prefix="node-a/files/"))
    key = new_key()
    try:
        await storage.write(key, chunks(b"hello"))
    finally:
        await storage.close()
    assert await objects(s3_endpoint, bucket) == {f"node-a/files/{key}": 5}


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"storage_backend": "s3"}, "PARLEY_STORAGE_BACKEND=s3 needs PARLEY_S3_BUCKET"),
        ({"storage_backend": "s4"}, "PARLEY_STORAGE_BACKEND: Input should be 'local' or 's3'"),
        ({"s3_bucket": "Bad_Bucket"}, "PARLEY_S3_BUCKET: Value error, expected an S3 bucket"),
        ({"s3_prefix": "a b"}, "PARLEY_S3_PREFIX: Value error, expected at most 200"),
        (
            {"storage_backend": "s3", "s3_bucket": "files", "s3_access_key_id": "AKIA"},
            "PARLEY_S3_ACCESS_KEY_ID and PARLEY_S3_SECRET_ACCESS_KEY are set together",
        ),
        ({"unsent_upload_max_age_seconds": -1}, "PARLEY_UNSENT_UPLOAD_MAX_AGE_SECONDS"),
    ],
)
def test_storage_settings_are_checked_at_start(overrides: dict[str, object], said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, **overrides)
    assert said in str(refused.value)


def test_the_settings_pick_the_storage() -> None:
    assert isinstance(open_storage(load_settings(_env_file=None)), LocalStorage)
    s3 = load_settings(_env_file=None, storage_backend="s3", s3_bucket="files")
    assert isinstance(open_storage(s3), S3Storage)
