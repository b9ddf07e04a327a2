"""documents HTTP API for recruiters (through the gateway): a subject's documents, uploads,
short-lived download links and the downloads themselves. Every read is an audit event."""

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

import asyncpg
import httpx
import urllib3
from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from minio.error import S3Error
from pydantic import BaseModel

from services.common import erasure, filecheck, keys, outbox
from services.common.audit import record_read
from services.common.auth import Actor, actor, require_service, role
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id
from services.common.scan import ScanRequest
from services.common.topics import DOCUMENTS_OBJECTS

from . import domain, ingest, objects, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/documents", tags=["documents"])
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])
recruiter = role("recruiter", "admin")


class DocumentOut(BaseModel):
    id: str
    subject: str
    kind: str
    original_name: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: datetime
    uploaded_by: str
    registration_id: str | None


class DocumentList(BaseModel):
    items: list[DocumentOut]


class LinkOut(BaseModel):
    url: str
    expires_at: datetime


def rejected(exc: domain.Rejected) -> JSONResponse:
    """The kit's error shape, with the status that fits (413 too large, 415 wrong type)."""
    return JSONResponse(
        {"detail": "the file is not accepted", "errors": [{"field": "file", "message": str(exc)}]},
        status_code=exc.status,
    )


async def audit(
    conn: asyncpg.Connection, who: Actor, action: str, resource: str, subject: str
) -> None:
    """Who read which document of whom: ids only (contracts: ops.audit)."""
    await record_read(conn, "documents", who.user_id, who.role, action, resource, subject)


async def subject_key_or_gone(conn: asyncpg.Connection, subject: str, fresh: bool = False) -> bytes:
    """The subject's key. `fresh` skips the brief key cache: privacy shreds the key before our
    erasure event arrives, and a download must not outlive the key by even those seconds."""
    if await erasure.is_erased(conn, subject):
        raise HTTPException(status_code=410, detail="this person was erased")
    if fresh:
        service.keys.forget(subject)
    try:
        return await service.keys.get(subject)
    except keys.KeyShredded as exc:
        raise HTTPException(status_code=404, detail="no such candidate") from exc
    except httpx.HTTPError as exc:
        raise HTTPException(status_code=503, detail="the key service is unavailable") from exc


@router.get("/candidates/{candidate_id}", response_model=DocumentList)
async def list_documents(
    candidate_id: uuid.UUID,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    subject = str(candidate_id)
    if await erasure.is_erased(conn, subject):
        raise HTTPException(status_code=410, detail="this person was erased")
    rows = await store.list_for_subject(conn, subject)
    items: list[dict[str, Any]] = []
    if rows:
        subject_key = await subject_key_or_gone(conn, subject)
        items = [ingest.describe(row, subject_key) for row in rows]
    async with conn.transaction():
        await audit(conn, who, "documents.list", f"documents/candidates/{subject}", subject)
    return {"items": items}


@router.post("/candidates/{candidate_id}", status_code=201, response_model=DocumentOut)
async def upload(
    candidate_id: uuid.UUID,
    kind: domain.Kind = Form(...),
    file: UploadFile = File(...),
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    subject = str(candidate_id)
    data = await file.read(domain.max_size(kind) + 1)
    try:
        inspected = await asyncio.to_thread(domain.inspect, kind, data)
    except domain.Rejected as exc:
        ingest.REJECTED.labels(kind, str(exc.status)).inc()
        return rejected(exc)
    subject_key = await subject_key_or_gone(conn, subject)
    async with conn.transaction():
        await store.lock_subject(conn, subject)
        if await erasure.is_erased(conn, subject):  # erased while we validated: store nothing
            raise HTTPException(status_code=410, detail="this person was erased")
        row = await ingest.store_document(
            conn,
            subject=subject,
            subject_key=subject_key,
            document_id=new_id(),
            kind=kind,
            data=data,
            inspected=inspected,
            original_name=file.filename,
            uploaded_by=who.user_id,
        )
    return ingest.describe(row, subject_key)


async def _document(conn: asyncpg.Connection, document_id: uuid.UUID) -> asyncpg.Record:
    row = await store.get_document(conn, str(document_id))
    if row is None:
        raise HTTPException(status_code=404, detail="no such document")
    return row


@router.post("/{document_id}/links", status_code=201, response_model=LinkOut)
async def hand_out_link(
    document_id: uuid.UUID,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> LinkOut:
    """A link to the download route below, valid for a few minutes and only for this employee:
    SSE-C objects cannot be served by a presigned URL, so the service decrypts and streams."""
    row = await _document(conn, document_id)
    expires = int(time.time()) + settings.download_link_seconds
    token = domain.sign_link(
        settings.link_secret, domain.Link(str(row["id"]), who.user_id, expires)
    )
    async with conn.transaction():
        await audit(conn, who, "document.link", f"documents/{row['id']}", row["subject"])
    return LinkOut(
        url=f"/api/documents/links/{token}", expires_at=datetime.fromtimestamp(expires, UTC)
    )


@router.get("/links/{token}")
async def download(
    token: str = Path(max_length=1000),
    disposition: Literal["attachment", "inline"] = "attachment",
    who: Actor = Depends(actor),
    conn: asyncpg.Connection = Depends(db_conn),
) -> StreamingResponse:
    try:
        link = domain.read_link(settings.link_secret, token, time.time())
    except domain.LinkExpired as exc:
        raise HTTPException(status_code=410, detail="this download link has expired") from exc
    except domain.LinkInvalid as exc:
        raise HTTPException(status_code=403, detail="this is not a valid download link") from exc
    if link.actor != who.user_id:
        raise HTTPException(status_code=403, detail="this download link was handed to someone else")
    row = await store.get_document(conn, link.document_id)
    if row is None:
        raise HTTPException(status_code=410, detail="this document no longer exists")
    subject_key = await subject_key_or_gone(conn, row["subject"], fresh=True)
    chunks = await asyncio.to_thread(
        objects.stream,
        service.s3,
        row["bucket"],
        row["object_name"],
        row["version_id"],
        subject_key,
    )
    async with conn.transaction():
        await audit(conn, who, "document.download", f"documents/{row['id']}", row["subject"])
    name = ingest.open_name(subject_key, row)
    fallback = domain.export_name(str(row["id"]), name)
    return StreamingResponse(
        chunks,
        media_type=row["content_type"],
        headers={
            "Content-Length": str(row["size"]),
            "Content-Disposition": f'{disposition}; filename="{fallback}";'
            f" filename*=UTF-8''{quote(name)}",
            # Served as the sniffed type, never re-interpreted, never cached on the way.
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            **filecheck.shown_headers(row["content_type"], disposition),
        },
    )


@router.delete("/{document_id}", status_code=204)
async def delete_document(
    document_id: uuid.UUID,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> None:
    """A document removed for good: every stored version of its object, then its metadata."""
    row = await _document(conn, document_id)
    async with conn.transaction():
        await store.lock_subject(conn, row["subject"])
        versions = await asyncio.to_thread(
            objects.delete_every_version, service.s3, row["bucket"], row["object_name"]
        )
        await store.delete_document(conn, str(row["id"]))
        await outbox.record(
            conn,
            DOCUMENTS_OBJECTS,
            Envelope(
                type="document.deleted",
                source="documents",
                subject=row["subject"],
                data={
                    "document_id": str(row["id"]),
                    "kind": row["kind"],
                    "registration_id": str(row["registration_id"])
                    if row["registration_id"]
                    else None,
                    "file_id": row["file_id"],
                    "object_versions": versions,
                    "deleted_by": who.user_id,
                },
            ),
        )


@internal.post("/scan")
async def scan(body: ScanRequest, conn: asyncpg.Connection = Depends(db_conn)) -> dict[str, Any]:
    """Erasure verification (contracts): what this database still holds of the subject.
    Documents keeps no email or phone hashes; its objects are scanned by privacy itself."""
    hits = []
    if body.subject:
        count = await store.count_for_subject(conn, body.subject)
        if count:
            hits.append({"where": "documents", "count": count})
    return {"hits": hits}


async def storage_unavailable(_: Request, exc: Exception) -> JSONResponse:
    """Object storage down or refusing: a clear 503, and nothing half-stored (the metadata
    transaction rolls back)."""
    log.warning("object storage failed", extra={"error": type(exc).__name__})
    return JSONResponse({"detail": "document storage is unavailable"}, status_code=503)


STORAGE_ERRORS = (S3Error, urllib3.exceptions.HTTPError)
