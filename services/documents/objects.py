"""Object storage for documents (through the MinIO client, so MinIO in production).

Every object is written with SSE-C under a key derived from the subject's key: the store keeps
only ciphertext, and shredding the subject key makes every version unreadable, backups included.
Object names are `<subject>/<document id>`, so a subject's every version can be found by prefix.
The MinIO client is synchronous: callers run these functions in a thread.
"""

import io
from collections.abc import Iterator

from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.sse import SseCustomerKey

from services.common import keys
from services.common.storage import ensure_bucket

CHUNK = 256 * 1024


def sse_key(subject_key: bytes) -> SseCustomerKey:
    return SseCustomerKey(keys.derive(subject_key, "documents"))


def object_name(subject: str, document_id: str) -> str:
    return f"{subject}/{document_id}"


def ensure_buckets(client: Minio, *names: str) -> None:
    for name in names:
        ensure_bucket(client, name, versioned=True)


def put(
    client: Minio, bucket: str, name: str, data: bytes, content_type: str, subject_key: bytes
) -> str | None:
    """Store the bytes encrypted under the subject's key; returns the version id."""
    result = client.put_object(
        bucket,
        name,
        io.BytesIO(data),
        len(data),
        content_type=content_type,
        sse=sse_key(subject_key),
    )
    return result.version_id


def read(
    client: Minio, bucket: str, name: str, version_id: str | None, subject_key: bytes
) -> bytes:
    resp = client.get_object(bucket, name, version_id=version_id, ssec=sse_key(subject_key))
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


def stream(
    client: Minio, bucket: str, name: str, version_id: str | None, subject_key: bytes
) -> Iterator[bytes]:
    """The decrypted bytes in chunks; the first request happens before the first chunk."""
    resp = client.get_object(bucket, name, version_id=version_id, ssec=sse_key(subject_key))

    def chunks() -> Iterator[bytes]:
        try:
            yield from resp.stream(CHUNK)
        finally:
            resp.close()
            resp.release_conn()

    return chunks()


def delete_every_version(client: Minio, bucket: str, prefix: str) -> int:
    """Permanently delete every version and delete marker under the prefix; returns how many."""
    doomed = [
        DeleteObject(obj.object_name, obj.version_id)
        for obj in client.list_objects(bucket, prefix=prefix, recursive=True, include_version=True)
        if obj.object_name
    ]
    if not doomed:
        return 0
    errors = list(client.remove_objects(bucket, doomed))
    if errors:
        raise RuntimeError(f"{len(errors)} object versions could not be deleted")
    return len(doomed)


def count_versions(client: Minio, bucket: str, prefix: str) -> int:
    return sum(
        1 for _ in client.list_objects(bucket, prefix=prefix, recursive=True, include_version=True)
    )
