"""The `Storage` port over Amazon S3 or any S3-compatible server (MinIO, Ceph, R2, …).

Built on aiobotocore, the asyncio port of the AWS SDK's botocore: the event loop is never
blocked, credentials and regions resolve as every AWS tool resolves them, and requests are
signed and retried by the SDK itself.

Memory stays flat both ways: a write sends a file of up to `PART_BYTES` with one `PutObject`
and a larger one as a multipart upload, one part in memory at a time; a read is one `GetObject`
(with `Range` for a span) streamed in `CHUNK`s. S3 makes an object visible only once its
`PutObject` or `CompleteMultipartUpload` succeeds, so readers never see a partial file; a write
that fails half way aborts its multipart upload and leaves nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiobotocore.session import AioSession, get_session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from parley.errors import StorageUnavailable
from parley.media.storage import CHUNK, check_key

log = logging.getLogger("parley.media")
# S3's smallest part but the last is 5 MiB; one part (and its copy for sending) is held at once.
PART_BYTES = 5 * 1024 * 1024
_MISSING = {"NoSuchKey", "404", "NotFound"}
_session: AioSession | None = None


def sdk_session() -> AioSession:
    """One SDK session per process: clients made from it share the loaded S3 service model."""
    global _session
    _session = _session or get_session()
    return _session


@dataclass(frozen=True)
class S3Location:
    """Which bucket, where, and as whom. Empty `endpoint_url`: Amazon S3; empty `region`, key
    id and secret: the AWS SDK's standard chain (environment, profile, instance role)."""

    bucket: str
    endpoint_url: str = ""
    region: str = ""
    prefix: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""


class S3Storage:
    """Objects named `<prefix><key>` in one bucket. The client is made on first use and closed
    by `close()`."""

    def __init__(self, location: S3Location, *, part_bytes: int = PART_BYTES) -> None:
        self._where = location
        self._part_bytes = part_bytes
        self._client: Any = None
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is not None:
            return self._client
        async with self._opening:
            if self._client is None:
                where = self._where
                config = Config(
                    # A custom endpoint (MinIO and most S3-compatible servers) is addressed by
                    # path; Amazon's own by virtual host.
                    s3={"addressing_style": "path" if where.endpoint_url else "auto"},
                    retries={"mode": "standard", "max_attempts": 4},
                    connect_timeout=10,
                    read_timeout=60,
                    # Servers other than Amazon's often refuse the newer default checksums;
                    # Parley checks every file's sha256 itself.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                )
                self._client = await self._stack.enter_async_context(
                    sdk_session().create_client(
                        "s3",
                        endpoint_url=where.endpoint_url or None,
                        region_name=where.region or None,
                        aws_access_key_id=where.access_key_id or None,
                        aws_secret_access_key=where.secret_access_key or None,
                        config=config,
                    )
                )
        return self._client

    def _name(self, key: str) -> str:
        return self._where.prefix + check_key(key)

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        name = self._name(key)
        s3 = await self._s3()
        held: list[bytes] = []  # the part being gathered, as the chunks came (joined once)
        size = written = 0
        upload: _Multipart | None = None
        try:
            async for chunk in chunks:
                held.append(chunk)
                size += len(chunk)
                written += len(chunk)
                if size >= self._part_bytes:
                    upload = upload or await _Multipart.start(s3, self._where.bucket, name)
                    data, held, size = b"".join(held), [], 0
                    await upload.send(data)  # only the joined part is held while it is sent
            if upload is None:
                await _call(s3.put_object(Bucket=self._where.bucket, Key=name, Body=b"".join(held)))
            else:
                if held:
                    await upload.send(b"".join(held))
                await upload.complete()
        except BaseException:
            if upload is not None:
                await upload.abort()
            raise
        return written

    async def read(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        name = self._name(key)
        if end is not None and end <= start:
            return
        request: dict[str, str] = {"Bucket": self._where.bucket, "Key": name}
        if start or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        s3 = await self._s3()
        try:
            answer = await s3.get_object(**request)
        except ClientError as exc:
            code = _code(exc)
            if code in _MISSING:
                raise FileNotFoundError(name) from None
            if code == "InvalidRange":  # `start` at or past the end: nothing to read
                return
            raise _unavailable(exc) from None
        except BotoCoreError as exc:
            raise _unavailable(exc) from None
        body = answer["Body"]
        try:
            async for chunk in body.iter_chunks(CHUNK):
                yield chunk
        except (BotoCoreError, OSError) as exc:
            raise _unavailable(exc) from None
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        name = self._name(key)
        s3 = await self._s3()
        await _call(s3.delete_object(Bucket=self._where.bucket, Key=name))

    async def ping(self) -> bool:
        """Whether the bucket answers (`HeadBucket`)."""
        try:
            await _call((await self._s3()).head_bucket(Bucket=self._where.bucket))
        except StorageUnavailable:
            return False
        return True

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None


@dataclass
class _Multipart:
    s3: Any
    bucket: str
    name: str
    upload_id: str
    parts: list[dict[str, Any]]

    @classmethod
    async def start(cls, s3: Any, bucket: str, name: str) -> _Multipart:
        answer = await _call(s3.create_multipart_upload(Bucket=bucket, Key=name))
        return cls(s3, bucket, name, answer["UploadId"], [])

    async def send(self, data: bytes) -> None:
        number = len(self.parts) + 1
        answer = await _call(
            self.s3.upload_part(
                Bucket=self.bucket,
                Key=self.name,
                UploadId=self.upload_id,
                PartNumber=number,
                Body=data,
            )
        )
        self.parts.append({"ETag": answer["ETag"], "PartNumber": number})

    async def complete(self) -> None:
        await _call(
            self.s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.name,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},
            )
        )

    async def abort(self) -> None:
        # Shielded: an upload cut off by a cancelled request must still not leave its parts.
        with contextlib.suppress(Exception):
            await asyncio.shield(
                self.s3.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.name, UploadId=self.upload_id
                )
            )


async def _call(request: Any) -> Any:
    """Await one S3 request, its failures as `StorageUnavailable`."""
    try:
        return await request
    except (ClientError, BotoCoreError) as exc:
        raise _unavailable(exc) from None


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(exc: Exception) -> StorageUnavailable:
    log.warning("storage.s3_failed", extra={"error": str(exc)[:500]})
    detail = _code(exc) if isinstance(exc, ClientError) else type(exc).__name__
    return StorageUnavailable(f"The file storage did not answer ({detail}); try again shortly.")
