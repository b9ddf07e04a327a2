"""Privacy HTTP API: data-subject requests for the privacy officer (via the gateway), the
verification scan, and the internal key and suppression services."""

import base64
import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from services.common.auth import Actor, require_service, role
from services.common.batching import MAX_ITEMS
from services.common.db import db_conn
from services.common.keys import SUBJECT_MAX, blind_index

from . import desk, domain, exports, housekeeping, keystore, notify, saga, scanjobs, store, subjects
from .bootstrap import service, settings

router = APIRouter(prefix="/api/privacy")
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])
officer = role("privacy_officer", "admin")

RequestType = Literal["access", "rectification", "erasure", "unsubscribe"]
HASH = r"^[0-9a-f]{64}$"
SubjectId = Annotated[str, StringConstraints(min_length=1, max_length=SUBJECT_MAX)]


class SubjectRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()./-]{6,32}$")
    candidate_id: UUID | None = None
    contact_id: UUID | None = None

    @model_validator(mode="after")
    def one_person(self) -> "SubjectRef":
        """An id, or an email to look the person up by; an email next to an id is kept (as a
        keyed hash) so the person is suppressed under it as well."""
        if self.candidate_id and self.contact_id:
            raise ValueError("give candidate_id or contact_id, not both")
        if not (self.email or self.candidate_id or self.contact_id):
            raise ValueError("give one of email, candidate_id, contact_id")
        return self


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: RequestType
    subject: SubjectRef
    # Rectification: {"field.path": new value}; applied by the service owning the record.
    changes: dict[str, Any] | None = Field(default=None, max_length=50)
    # Where the person is told the outcome (and of an extension); without it, the subject's
    # email if given. Held sealed until the outcome is mailed, never in the ledger.
    reply_to: EmailStr | None = Field(default=None, max_length=254)

    @model_validator(mode="after")
    def changes_for_rectification(self) -> "RequestIn":
        if self.type == "rectification":
            if not self.changes:
                raise ValueError("a rectification needs changes")
            if any(len(k) > 100 for k in self.changes) or len(json.dumps(self.changes)) > 20_000:
                raise ValueError("changes are too large")
        elif self.changes:
            raise ValueError("changes belong to a rectification only")
        return self


class ProgressOut(BaseModel):
    service: str
    status: str
    sent_at: datetime
    done_at: datetime | None
    attempts: int
    result: dict[str, Any] | None = None  # what the service reported
    deleted: dict[str, Any] | None = None  # the same, for erasures (what it deleted)


class EventOut(BaseModel):
    at: datetime
    status: str
    actor: str
    note: str | None


class RequestOut(BaseModel):
    id: str
    type: str
    status: str
    due_at: str
    days_left: int
    received_at: datetime
    completed_at: datetime | None
    subject_kind: str
    subject: str | None
    channel: str
    extended_days: int
    note: str | None
    error: str | None
    linked_requests: int
    progress: list[ProgressOut] = []
    history: list[EventOut] = []


async def request_out(conn: asyncpg.Connection, request_id: str) -> RequestOut:
    row = await store.get_request(conn, request_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such request")
    progress = [
        ProgressOut(
            service=p["service"],
            status=p["status"],
            sent_at=p["sent_at"],
            done_at=p["done_at"],
            attempts=p["attempts"],
            result=json.loads(p["counts"]) if p["counts"] else None,
            deleted=json.loads(p["counts"]) if p["counts"] and row["type"] == "erasure" else None,
        )
        for p in await store.get_progress(conn, request_id)
    ]
    history = [EventOut(**dict(e)) for e in await store.get_events(conn, request_id)]
    return RequestOut(
        id=str(row["id"]),
        type=row["type"],
        status=row["status"],
        due_at=row["due_on"].isoformat(),
        days_left=domain.working_days_left(date.today(), row["due_on"]),
        received_at=row["received_at"],
        completed_at=row["completed_at"],
        subject_kind=row["subject_kind"],
        subject=row["subject"],
        channel=row["channel"],
        extended_days=row["extended_days"],
        note=row["note"],
        error=row["error"],
        linked_requests=await store.count_links(conn, request_id),
        progress=progress,
        history=history,
    )


def email_hash(email: str) -> str:
    return blind_index(settings.blind_index_key, "email", email)


def phone_hash(phone: str) -> str:
    return blind_index(settings.blind_index_key, "phone", phone)


@router.post("/requests", status_code=201, response_model=RequestOut)
async def create_request(
    body: RequestIn,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut | JSONResponse:
    """Recorded by the officer on the person's behalf (the statement's route is an email)."""
    ref = body.subject
    e_hash = email_hash(ref.email) if ref.email else None
    subject = str(ref.candidate_id or ref.contact_id or "") or None
    kind = "candidate" if ref.candidate_id else "contact" if ref.contact_id else "email"
    if e_hash and subject is None:
        try:
            found = await subjects.resolve(e_hash)
        except subjects.LookupUnavailable as exc:
            raise HTTPException(
                status_code=503, detail=f"the {exc} lookup is unavailable; try again shortly"
            ) from exc
        if found:
            kind, subject = found
    sealed = None
    if body.type == "rectification":
        if subject is None:
            raise HTTPException(status_code=404, detail="nobody with this email is on file")
        key = await keystore.get_or_create(conn, settings.master_key, subject)
        if key is None:
            raise HTTPException(status_code=410, detail="this person was erased")
        sealed = saga.seal_changes(key, body.changes or {}, subject)
    async with conn.transaction():
        try:
            request_id, new = await saga.file_request(
                conn,
                body.type,
                subject,
                kind,
                who.user_id,
                channel="officer",
                email_hash=e_hash,
                phone_hash=phone_hash(ref.phone) if ref.phone else None,
                sealed_changes=sealed,
                reply_address=body.reply_to or ref.email,
            )
        except saga.JustClosed as exc:  # the officer simply asks again
            raise HTTPException(status_code=409, detail="a request just closed; try again") from exc
        if not new:
            out = await request_out(conn, request_id)
            return JSONResponse(out.model_dump(mode="json"), status_code=200)
    return await request_out(conn, request_id)


@router.get("/requests", response_model=list[RequestOut])
async def list_requests(
    status: Literal[
        "identity_unverified", "received", "in_progress", "complete", "error", "cancelled"
    ]
    | None = None,
    type_: RequestType | None = Query(default=None, alias="type"),
    due_within: int | None = Query(default=None, ge=0, le=60),
    overdue: bool = False,
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> list[RequestOut]:
    """Newest first. `due_within`: open requests due within that many working days, overdue
    ones included (0: due today or overdue); `overdue`: open requests past their due day."""
    due_by = None
    if overdue:
        due_by = date.today() - timedelta(days=1)
    elif due_within is not None:
        due_by = domain.add_working_days(date.today(), due_within)
    rows = await desk.list_requests(
        conn, status=status, type_=type_, due_by=due_by, limit=limit, offset=offset
    )
    return [await request_out(conn, str(r["id"])) for r in rows]


@router.get("/requests/{request_id}", response_model=RequestOut)
async def get_request(
    request_id: UUID,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    return await request_out(conn, str(request_id))


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    working_days: int = Field(ge=1, le=domain.MAX_EXTENSION_DAYS)
    reason: str = Field(min_length=3, max_length=500)


async def _locked(conn: asyncpg.Connection, request_id: UUID) -> asyncpg.Record:
    row = await store.get_request(conn, str(request_id), lock=True)
    if row is None:
        raise HTTPException(status_code=404, detail="no such request")
    return row


@router.post("/requests/{request_id}/extend", response_model=RequestOut)
async def extend_request(
    request_id: UUID,
    body: ExtendIn,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    """The law allows a longer term for complex requests; the reason is recorded."""
    async with conn.transaction():
        row = await _locked(conn, request_id)
        if row["status"] in domain.FINAL:
            raise HTTPException(status_code=409, detail=f"the request is {row['status']}")
        if row["extended_days"] + body.working_days > domain.MAX_EXTENSION_DAYS:
            left = domain.MAX_EXTENSION_DAYS - row["extended_days"]
            raise HTTPException(
                status_code=409,
                detail=f"at most {domain.MAX_EXTENSION_DAYS} working days in all; {left} left",
            )
        due = domain.add_working_days(row["due_on"], body.working_days)
        await store.extend(conn, str(request_id), due, body.working_days, who.user_id, body.reason)
        await notify.mail_extension(conn, str(request_id), due, body.reason)
    return await request_out(conn, str(request_id))


@router.post("/requests/{request_id}/retry", response_model=RequestOut)
async def retry_request(
    request_id: UUID,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    async with conn.transaction():
        row = await _locked(conn, request_id)
        if row["status"] != "error":
            raise HTTPException(status_code=409, detail="only a request in error can be retried")
        await saga.retry(conn, row, who.user_id)
    return await request_out(conn, str(request_id))


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=500)


@router.post("/requests/{request_id}/cancel", response_model=RequestOut)
async def cancel_request(
    request_id: UUID,
    body: CancelIn | None = None,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    """The person withdrew, or the request was filed in error; the reason is recorded."""
    async with conn.transaction():
        row = await _locked(conn, request_id)
        if not domain.can_cancel(row["status"], row["type"]):
            raise HTTPException(
                status_code=409,
                detail=f"a {row['type']} request that is {row['status']} cannot be cancelled",
            )
        note = f"cancelled: {body.reason}" if body else None
        await store.set_status(conn, str(request_id), "cancelled", who.user_id, note)
    return await request_out(conn, str(request_id))


@router.get("/requests/{request_id}/certificate")
async def erasure_certificate(
    request_id: UUID,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """Proof of erasure per service — when, how many records and objects — without any
    personal data (no identifiers, not even the subject id)."""
    row = await store.get_request(conn, str(request_id))
    if row is None or row["type"] != "erasure":
        raise HTTPException(status_code=404, detail="no such erasure request")
    if row["status"] != "complete":
        raise HTTPException(status_code=409, detail=f"the erasure is {row['status']}")
    shredded = None
    if row["subject"]:
        shredded = await conn.fetchval(
            "SELECT erased_at FROM tombstones WHERE subject = $1", row["subject"]
        )
    suppressed = await conn.fetchval(
        "SELECT count(*) FROM suppression WHERE request_id = $1", request_id
    )
    return {
        "certificate": "verklaring van verwijdering",
        "request_id": str(row["id"]),
        "received_at": row["received_at"].isoformat(),
        "completed_at": row["completed_at"].isoformat(),
        "subject_kind": row["subject_kind"],
        "key_destroyed_at": shredded.isoformat() if shredded else None,
        "suppression_entries": suppressed,
        "note": row["note"],
        "services": [
            {
                "service": p["service"],
                "erased_at": p["done_at"].isoformat() if p["done_at"] else None,
                "deleted": json.loads(p["counts"]) if p["counts"] else {},
            }
            for p in await store.get_progress(conn, str(request_id))
        ],
    }


@router.get("/requests/{request_id}/export")
async def export_link(
    request_id: UUID,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """A fresh short-lived link to the assembled export."""
    export = await store.get_export(conn, str(request_id))
    if export is None:
        raise HTTPException(status_code=404, detail="this request has no export")
    if export["deleted_at"] is not None:
        raise HTTPException(status_code=410, detail="the export was deleted")
    if export["object"] is None:
        raise HTTPException(status_code=409, detail="the export is not ready yet")
    url = await exports.link(export["bucket"], export["object"])
    await store.add_event(conn, str(request_id), None, who.user_id, "export link issued")
    return {
        "url": url,
        "link_valid_minutes": settings.export_link_minutes,
        "deleted_after": export["expires_at"].isoformat(),
        "slices": json.loads(export["slices"]),
    }


class ScanIn(BaseModel):
    """The identifiers the officer types in again; held in the running job's memory only,
    never stored or logged."""

    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()./-]{6,32}$")
    subject: UUID | None = None
    request_id: UUID | None = None  # the request the scan verifies, to find it again

    @model_validator(mode="after")
    def something(self) -> "ScanIn":
        if not (self.email or self.phone or self.subject):
            raise ValueError("give at least one of email, phone, subject")
        return self


class ScanJobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "interrupted"]
    request_id: str | None
    started_by: str
    looks_for: list[str]  # which kinds of identifier were given, never their values
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: dict[str, Any]
    result: dict[str, Any] | None  # hits (where, what, how many), what was and was not checked
    error: str | None


def scan_job_out(row: asyncpg.Record) -> ScanJobOut:
    return ScanJobOut(
        **{k: row[k] for k in ("status", "started_by", "looks_for", "created_at", "error")},
        id=str(row["id"]),
        request_id=str(row["request_id"]) if row["request_id"] else None,
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        progress=json.loads(row["progress"]),
        result=json.loads(row["result"]) if row["result"] else None,
    )


@router.post("/scans", status_code=202, response_model=ScanJobOut)
async def start_scan(
    body: ScanIn,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> JSONResponse:
    """Start a search of every service's database, every bucket (all versions) and every
    topic; poll `GET /api/privacy/scans/{id}` for its state and result."""
    try:
        job_id = await scanjobs.start(
            service.pool,
            started_by=who.user_id,
            request_id=str(body.request_id) if body.request_id else None,
            email=body.email,
            phone=body.phone,
            subject=str(body.subject) if body.subject else None,
        )
    except scanjobs.Busy as exc:
        raise HTTPException(
            status_code=429, detail="too many scans are running; try again in a minute"
        ) from exc
    row = await store.get_scan_job(conn, job_id)
    assert row is not None
    return JSONResponse(
        scan_job_out(row).model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/privacy/scans/{job_id}"},
    )


@router.get("/scans", response_model=list[ScanJobOut])
async def list_scans(
    request_id: UUID | None = None,
    limit: int = Query(default=20, ge=1, le=100),
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> list[ScanJobOut]:
    rows = await store.list_scan_jobs(conn, str(request_id) if request_id else None, limit)
    return [scan_job_out(r) for r in rows]


@router.get("/scans/{job_id}", response_model=ScanJobOut)
async def get_scan(
    job_id: UUID,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> ScanJobOut:
    await scanjobs.refresh(str(job_id))
    row = await store.get_scan_job(conn, str(job_id))
    if row is None:
        raise HTTPException(status_code=404, detail="no such scan (finished scans are kept a day)")
    return scan_job_out(row)


class SuppressionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()./-]{6,32}$")


@router.post("/suppression/check")
async def officer_suppression_check(
    body: SuppressionQuery,
    _: Actor = Depends(role("privacy_officer", "admin", "recruiter")),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, bool]:
    """Before approaching someone by hand: may we?"""
    hashes = [email_hash(body.email)] if body.email else []
    hashes += [phone_hash(body.phone)] if body.phone else []
    if not hashes:
        raise HTTPException(status_code=422, detail="give an email or a phone")
    return {"suppressed": await store.is_suppressed(conn, hashes)}


@router.post("/housekeeping")
async def run_housekeeping(_: Actor = Depends(role("admin"))) -> dict[str, int]:
    """One round now (re-sends, alerts, expired exports) instead of waiting for the timer."""
    return await housekeeping.run_once(service.pool)


# --- internal -------------------------------------------------------------------------------


class KeyBatch(BaseModel):
    """Several subjects' keys in one call: services under load fetch them together (keys.py)."""

    model_config = ConfigDict(extra="forbid")
    subjects: list[SubjectId] = Field(min_length=1, max_length=MAX_ITEMS)
    create: bool = False


@internal.post("/keys")
async def keys_for(
    body: KeyBatch, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, dict[str, str]]:
    """The keys found (made, with `create`, where new); a subject left out has none: erased,
    or (without `create`) never keyed."""
    master = request.app.state.settings.master_key
    subjects = list(dict.fromkeys(body.subjects))
    fetch = keystore.get_or_create_many if body.create else keystore.get_many
    found = await fetch(conn, master, subjects)
    return {"keys": {s: base64.b64encode(k).decode() for s, k in found.items()}}


class SuppressionCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email_hash: str | None = Field(default=None, pattern=HASH)
    phone_hash: str | None = Field(default=None, pattern=HASH)


@internal.post("/suppression/check")
async def suppression_check(
    body: SuppressionCheck, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, bool]:
    hashes = [h for h in (body.email_hash, body.phone_hash) if h]
    return {"suppressed": bool(hashes) and await store.is_suppressed(conn, hashes)}


class SuppressionLookups(BaseModel):
    """Many registrations' identifiers in one call: intake asks for those arriving together."""

    model_config = ConfigDict(extra="forbid")
    hashes: list[Annotated[str, Field(pattern=HASH)]] = Field(min_length=1, max_length=MAX_ITEMS)


@internal.post("/suppression/lookups")
async def suppression_lookups(
    body: SuppressionLookups, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, list[str]]:
    """Those of the keyed hashes that are suppressed (intake holds a registration with a
    suppressed email for its owner, and sends one with only a suppressed phone to a
    recruiter)."""
    found = await store.suppressed_among(conn, list(dict.fromkeys(body.hashes)))
    return {"suppressed": sorted(found)}
