"""The staging area: uploads wait here, SSE-C encrypted under their registration's own key,
until documents has its copy. The minio client is synchronous, so calls run in a thread."""

import asyncio
import io
import logging
from datetime import datetime

from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.sse import SseCustomerKey
from urllib3.exceptions import HTTPError

from services.common.storage import ensure_bucket

log = logging.getLogger(__name__)

BUCKET = "intake-staging"  # not versioned: a delete really removes the object


class Unavailable(Exception):
    """The object store did not answer (or refused): the caller answers 503, stores nothing."""


def object_name(reg_id: str, file_id: str) -> str:
    return f"{reg_id}/{file_id}"


async def ensure(s3: Minio) -> None:
    await asyncio.to_thread(ensure_bucket, s3, BUCKET)


async def put(s3: Minio, name: str, data: bytes, content_type: str, key: bytes) -> None:
    try:
        await asyncio.to_thread(
            s3.put_object,
            BUCKET,
            name,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            sse=SseCustomerKey(key),
        )
    except (S3Error, HTTPError, OSError) as exc:
        raise Unavailable(type(exc).__name__) from exc


def _get(s3: Minio, name: str, key: bytes) -> bytes:
    resp = s3.get_object(BUCKET, name, ssec=SseCustomerKey(key))
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


async def get(s3: Minio, name: str, key: bytes) -> bytes:
    try:
        return await asyncio.to_thread(_get, s3, name, key)
    except (S3Error, HTTPError, OSError) as exc:
        raise Unavailable(type(exc).__name__) from exc


def _remove(s3: Minio, names: list[str]) -> None:
    errors = list(s3.remove_objects(BUCKET, [DeleteObject(n) for n in names]))
    if errors:
        raise RuntimeError(f"{len(errors)} staging objects could not be deleted")


async def remove(s3: Minio, names: list[str]) -> None:
    if names:
        await asyncio.to_thread(_remove, s3, names)


async def remove_quietly(s3: Minio, names: list[str]) -> None:
    """Best effort (the store is failing): what stays is unreadable, its key died with the
    request, and the sweeper removes it later."""
    try:
        await remove(s3, names)
    except Exception as exc:
        log.warning("staging delete failed", extra={"error": type(exc).__name__})


def _listing(s3: Minio, prefix: str | None) -> list[tuple[str, datetime | None]]:
    return [
        (o.object_name, o.last_modified)
        for o in s3.list_objects(BUCKET, prefix=prefix, recursive=True)
        if o.object_name
    ]


async def listing(s3: Minio, prefix: str | None = None) -> list[tuple[str, datetime | None]]:
    """Every staging object (name, last modified), optionally under a prefix."""
    return await asyncio.to_thread(_listing, s3, prefix)


async def put_plain(s3: Minio, bucket: str, name: str, data: bytes, content_type: str) -> None:
    """Write into another bucket (an access export), without the staging key."""
    await asyncio.to_thread(
        s3.put_object, bucket, name, io.BytesIO(data), len(data), content_type=content_type
    )
