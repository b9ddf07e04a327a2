"""documents event handlers: files from intake's hand-off, erasure, access."""

import asyncio
import logging
import re
import uuid
from typing import Any, Literal

import asyncpg
from minio.error import S3Error
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common import erasure, keys, outbox
from services.common.access import answer as access_answer
from services.common.consumer import Poison
from services.common.envelope import Envelope
from services.common.storage import put_export_copy
from services.common.topics import (
    DOCUMENTS_OBJECTS,
    INTAKE_REGISTRATIONS,
    PRIVACY_ACCESS,
    PRIVACY_ERASURE,
)

from . import domain, ingest, objects, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)

# Document ids of handed-off files are derived from (registration, file): a redelivered or
# retried hand-off finds the document already there instead of storing it twice.
HANDOFF_NAMESPACE = uuid.UUID("3f5b7d0e-7f0c-4d1e-9a51-6b1f1b0d2c40")


class HandOffFile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    file_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["cv", "photo"]
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")


class HandOff(BaseModel):
    model_config = ConfigDict(extra="ignore")
    registration_id: uuid.UUID
    files: list[HandOffFile] = Field(default_factory=list, max_length=20)


def _subject_uuid(event: Envelope) -> str | None:
    """Documents only ever stores under UUID subjects; anything else holds nothing here."""
    try:
        return str(uuid.UUID(event.subject or ""))
    except ValueError:
        return None


async def fetch_file(registration_id: str, file_id: str, limit: int) -> bytes:
    """The file's bytes from intake's internal route, never more than `limit` + 1 bytes."""
    url = f"{settings.intake_url}/internal/registrations/{registration_id}/files/{file_id}"
    async with service.http.stream("GET", url, timeout=30.0) as resp:
        if resp.status_code == 404:
            raise Poison("intake does not have this file (any more)")
        resp.raise_for_status()
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        return b"".join(chunks)


@service.consumer(INTAKE_REGISTRATIONS)
async def registration_accepted(event: Envelope, conn: asyncpg.Connection) -> None:
    if event.type != "registration.accepted":
        return
    try:
        handoff = HandOff.model_validate(event.data)
    except ValidationError as exc:
        raise Poison(f"malformed hand-off: {len(exc.errors())} errors") from exc
    subject = _subject_uuid(event)
    if subject is None:
        raise Poison("the hand-off's subject is not a candidate id")
    if not handoff.files:
        return
    registration_id = str(handoff.registration_id)
    try:
        subject_key = await service.keys.get(subject)
    except keys.KeyShredded:
        log.info("hand-off for an erased subject dropped", extra={"event_id": event.id})
        return
    names: dict[str, str] = {}
    if event.sealed:
        opened = keys.open_sealed(subject_key, event.sealed, subject)
        names = {str(k): str(v) for k, v in (opened.get("original_names") or {}).items()}

    await store.lock_subject(conn, subject)
    if await erasure.is_erased(conn, subject):
        return  # erased while this event waited: store nothing (erasure wins)
    for f in handoff.files:
        document_id = str(uuid.uuid5(HANDOFF_NAMESPACE, f"{registration_id}/{f.file_id}"))
        if await store.exists(conn, document_id):
            continue
        data = await fetch_file(registration_id, f.file_id, domain.max_size(f.kind))
        oversized = len(data) > domain.max_size(f.kind)  # inspect refuses it below
        if f.sha256 and not oversized and domain.sha256(data) != f.sha256.lower():
            raise RuntimeError("the file differs from the one intake announced")
        try:
            inspected = await asyncio.to_thread(domain.inspect, f.kind, data)
        except domain.Rejected as exc:
            ingest.REJECTED.labels(f.kind, str(exc.status)).inc()
            await _reject(conn, subject, registration_id, f, str(exc))
            continue
        await ingest.store_document(
            conn,
            subject=subject,
            subject_key=subject_key,
            document_id=document_id,
            kind=f.kind,
            data=data,
            inspected=inspected,
            original_name=names.get(f.file_id),
            uploaded_by="service:intake",
            registration_id=registration_id,
            file_id=f.file_id,
        )
        log.info("hand-off file stored", extra={"document_id": document_id, "kind": f.kind})


async def _reject(
    conn: asyncpg.Connection, subject: str, registration_id: str, f: HandOffFile, reason: str
) -> None:
    """Intake screened the file, we check again; a refusal is answered so intake can finish."""
    log.warning(
        "hand-off file rejected",
        extra={"registration_id": registration_id, "file_id": f.file_id, "reason": reason},
    )
    await outbox.record(
        conn,
        DOCUMENTS_OBJECTS,
        Envelope(
            type="document.rejected",
            source="documents",
            subject=subject,
            correlation_id=registration_id,
            data={
                "registration_id": registration_id,
                "file_id": f.file_id,
                "kind": f.kind,
                "reason": reason,
            },
        ),
    )


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    """Every object and every version (delete markers too) of the subject, then the metadata."""
    assert event.subject
    service.keys.forget(event.subject)
    subject = _subject_uuid(event)
    versions = 0
    if subject is not None:
        await store.lock_subject(conn, subject)
        # Both buckets at once: each is a listing and a bulk delete, S3 round trips that
        # dominate this handler.
        per_bucket = await asyncio.gather(
            *(
                asyncio.to_thread(objects.delete_every_version, service.s3, bucket, f"{subject}/")
                for bucket in (settings.documents_bucket, settings.photos_bucket)
            )
        )
        versions = sum(per_bucket)
    documents = await store.delete_subject(conn, event.subject)
    log.info("subject erased", extra={"documents": documents, "object_versions": versions})
    await erasure.complete(
        conn, "documents", event, {"documents": documents, "object_versions": versions}
    )


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,199}$")


class AccessCommand(BaseModel):
    model_config = ConfigDict(extra="ignore")
    request_id: str = Field(min_length=1, max_length=64)
    export_bucket: str = Field(pattern=_BUCKET.pattern)
    export_prefix: str = Field(pattern=_PREFIX.pattern)


@service.consumer(PRIVACY_ACCESS, after_erasure=True)
async def access_requested(event: Envelope, conn: asyncpg.Connection) -> None:
    """The subject's files copied into privacy's export area, and the metadata as the slice."""
    try:
        command = AccessCommand.model_validate(event.data)
    except ValidationError as exc:
        raise Poison(f"malformed access request: {len(exc.errors())} errors") from exc
    if ".." in command.export_prefix:
        raise Poison("the export prefix may not climb")
    assert event.subject
    if await erasure.is_erased(conn, event.subject):
        await access_answer(conn, "documents", event, service.keys, None)
        return
    rows = await store.list_for_subject(conn, event.subject)
    found: dict[str, Any] = {"documents": []}
    files: list[str] = []
    if rows:  # no key (shredded a moment ago): retried until the erasure has run here
        found, files = await _export(rows, await service.keys.get(event.subject), command)
    await access_answer(conn, "documents", event, service.keys, found, files)


async def _export(
    rows: list[asyncpg.Record], subject_key: bytes, command: AccessCommand
) -> tuple[dict[str, object], list[str]]:
    prefix = command.export_prefix.rstrip("/")
    documents, files = [], []
    for row in rows:
        described = ingest.describe(row, subject_key)
        name = f"{prefix}/files/{domain.export_name(described['id'], described['original_name'])}"
        try:
            content = await asyncio.to_thread(
                objects.read,
                service.s3,
                row["bucket"],
                row["object_name"],
                row["version_id"],
                subject_key,
            )
        except S3Error as exc:
            if exc.code not in ("NoSuchKey", "NoSuchVersion"):
                raise  # storage trouble: retried, then dead-lettered for a replay
            # The object is gone while its metadata stayed: say so rather than withhold the rest.
            log.error("document object missing", extra={"document_id": described["id"]})
            documents.append(described | {"file": None, "missing": True})
            continue
        await asyncio.to_thread(
            put_export_copy,
            service.s3,
            command.export_bucket,
            name,
            content,
            row["content_type"],
        )
        documents.append(described | {"file": name})
        files.append(name)
    return {"documents": documents}, files
