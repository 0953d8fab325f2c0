"""Buckets on the test S3 server (the `s3_endpoint` fixture), made and inspected with the same
client library Parley uses."""

from __future__ import annotations

import secrets
from typing import Any

from parley.media.s3 import S3Location, sdk_session

KEY_ID, SECRET = "parley-test", "parley-test-secret"


def s3_settings(endpoint: str, bucket: str) -> dict[str, object]:
    """The `PARLEY_*` settings of a node that keeps its files in `bucket`."""
    return {
        "storage_backend": "s3",
        "s3_bucket": bucket,
        "s3_endpoint_url": endpoint,
        "s3_region": "us-east-1",
        "s3_prefix": "attachments/",
        "s3_access_key_id": KEY_ID,
        "s3_secret_access_key": SECRET,
    }


def location(endpoint: str, bucket: str, prefix: str = "attachments/") -> S3Location:
    return S3Location(
        bucket=bucket,
        endpoint_url=endpoint,
        region="us-east-1",
        prefix=prefix,
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
    )


def _client(endpoint: str) -> Any:
    return sdk_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


async def new_bucket(endpoint: str) -> str:
    name = f"parley-{secrets.token_hex(6)}"
    async with _client(endpoint) as s3:
        await s3.create_bucket(Bucket=name)
    return name


async def objects(endpoint: str, bucket: str) -> dict[str, int]:
    """Every object's name and size, and `<upload>` for each multipart upload left open."""
    async with _client(endpoint) as s3:
        listed = await s3.list_objects_v2(Bucket=bucket)
        found = {o["Key"]: o["Size"] for o in listed.get("Contents", [])}
        uploads = await s3.list_multipart_uploads(Bucket=bucket)
        for upload in uploads.get("Uploads", []):
            found[f"<upload {upload['Key']}>"] = 0
    return found
