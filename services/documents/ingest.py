"""Taking in a validated file, the same way for a registration's hand-off and a recruiter's
upload: store it encrypted, record its metadata and publish `document.stored`, in the
transaction that holds the subject's lock (see store.lock_subject)."""

import asyncio
from typing import Any

import asyncpg
from prometheus_client import Counter

from services.common import keys, outbox
from services.common.envelope import Envelope
from services.common.topics import DOCUMENTS_OBJECTS

from . import domain, objects, store
from .bootstrap import service, settings

STORED = Counter("documents_stored_total", "Documents stored", ["kind"])
REJECTED = Counter("documents_rejected_total", "Files refused by the checks", ["kind", "status"])


def bucket_for(kind: str) -> str:
    return settings.photos_bucket if domain.is_photo(kind) else settings.documents_bucket


def _name_key(subject_key: bytes) -> bytes:
    return keys.derive(subject_key, "documents.names")


def seal_name(subject_key: bytes, document_id: str, name: str) -> bytes:
    return keys.encrypt(_name_key(subject_key), name.encode(), document_id)


def open_name(subject_key: bytes, row: asyncpg.Record) -> str:
    return keys.decrypt(_name_key(subject_key), row["name_sealed"], str(row["id"])).decode()


def describe(row: asyncpg.Record, subject_key: bytes) -> dict[str, Any]:
    """A document's metadata as recruiters and the person's access export see it."""
    return {
        "id": str(row["id"]),
        "subject": row["subject"],
        "kind": row["kind"],
        "original_name": open_name(subject_key, row),
        "size": row["size"],
        "sha256": row["sha256"],
        "content_type": row["content_type"],
        "uploaded_at": row["uploaded_at"].isoformat(),
        "uploaded_by": row["uploaded_by"],
        "registration_id": str(row["registration_id"]) if row["registration_id"] else None,
    }


async def store_document(
    conn: asyncpg.Connection,
    *,
    subject: str,
    subject_key: bytes,
    document_id: str,
    kind: str,
    data: bytes,
    inspected: tuple[str, str | None],
    original_name: str | None,
    uploaded_by: str,
    registration_id: str | None = None,
    file_id: str | None = None,
) -> asyncpg.Record:
    content_type, text = inspected
    bucket = bucket_for(kind)
    name = objects.object_name(subject, document_id)
    version_id = await asyncio.to_thread(
        objects.put, service.s3, bucket, name, data, content_type, subject_key
    )
    row = await store.insert_document(
        conn,
        document_id=document_id,
        subject=subject,
        kind=kind,
        name_sealed=seal_name(
            subject_key, document_id, domain.clean_name(original_name, content_type)
        ),
        size=len(data),
        sha256=domain.sha256(data),
        content_type=content_type,
        bucket=bucket,
        object_name=name,
        version_id=version_id,
        registration_id=registration_id,
        file_id=file_id,
        uploaded_by=uploaded_by,
    )
    await outbox.record(
        conn,
        DOCUMENTS_OBJECTS,
        Envelope(
            type="document.stored",
            source="documents",
            subject=subject,
            correlation_id=registration_id,
            data={
                "registration_id": registration_id,
                "file_id": file_id,
                "document_id": document_id,
                "kind": kind,
                "content_type": content_type,
                "size": len(data),
            },
            # The CV's text is personal data: sealed, for candidates' search index only.
            sealed=keys.seal(subject_key, {"text": text}, subject) if text is not None else None,
        ),
    )
    STORED.labels(kind).inc()
    return row
