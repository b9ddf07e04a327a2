"""Access exports in the export bucket: slices in, one archive out, a short-lived link, deletion.

The minio client is synchronous; every call runs in a worker thread.
"""

import asyncio
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from minio.deleteobjects import DeleteObject

from services.common.storage import ensure_bucket

from .bootstrap import service, settings

ARCHIVE = "export.zip"


async def ensure_export_bucket() -> None:
    await asyncio.to_thread(ensure_bucket, service.s3, settings.export_bucket)


def _put_json(bucket: str, name: str, content: Any) -> None:
    raw = json.dumps(content, ensure_ascii=False, indent=2, default=str).encode()
    service.s3.put_object(bucket, name, io.BytesIO(raw), len(raw), content_type="application/json")


async def write_slice(bucket: str, prefix: str, service_name: str, content: Any) -> str:
    name = f"{prefix}{service_name}.json"
    await asyncio.to_thread(_put_json, bucket, name, content)
    return name


def _assemble(bucket: str, prefix: str, extra: dict[str, Any]) -> tuple[str, list[str]]:
    s3 = service.s3
    names = [
        o.object_name
        for o in s3.list_objects(bucket, prefix=prefix, recursive=True)
        if o.object_name and o.object_name != prefix + ARCHIVE
    ]
    buffer = io.BytesIO()
    # Stored, not deflated: the verification scan can then see identifiers inside it.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            resp = s3.get_object(bucket, name)
            try:
                archive.writestr(name[len(prefix) :], resp.read())
            finally:
                resp.close()
                resp.release_conn()
        for name, content in extra.items():
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2, default=str))
    raw = buffer.getvalue()
    target = prefix + ARCHIVE
    s3.put_object(bucket, target, io.BytesIO(raw), len(raw), content_type="application/zip")
    # The archive is the one copy; the loose parts go.
    _remove(bucket, names)
    return target, sorted([n[len(prefix) :] for n in names] + list(extra))


def _remove(bucket: str, names: list[str]) -> None:
    if names:
        errors = list(service.s3.remove_objects(bucket, [DeleteObject(n) for n in names]))
        if errors:
            raise RuntimeError(f"{len(errors)} export objects could not be deleted")


async def assemble(bucket: str, prefix: str, extra: dict[str, Any]) -> tuple[str, list[str]]:
    """Zip every part under the prefix (+ extra JSON parts) into one archive."""
    return await asyncio.to_thread(_assemble, bucket, prefix, extra)


def _delete_prefix(bucket: str, prefix: str, keep: str | None) -> int:
    names = [
        o.object_name
        for o in service.s3.list_objects(bucket, prefix=prefix, recursive=True)
        if o.object_name and o.object_name != keep
    ]
    _remove(bucket, names)
    return len(names)


async def delete_prefix(bucket: str, prefix: str, keep: str | None = None) -> int:
    """Every object under the prefix, but `keep` (an export's finished archive)."""
    return await asyncio.to_thread(_delete_prefix, bucket, prefix, keep)


async def link(bucket: str, name: str) -> str:
    return await asyncio.to_thread(
        service.s3.presigned_get_object,
        bucket,
        name,
        timedelta(minutes=settings.export_link_minutes),
    )
