"""Intake HTTP API: the public registration endpoint and its status, the published criteria,
the recruiters' review queue, and the internal reads for the hand-off and for privacy."""

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal
from uuid import UUID

import asyncpg
import httpx
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException

from services.common import erasure, filecheck, keys, outbox
from services.common.auth import Actor, require_service, role
from services.common.batching import Batcher
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id, utcnow
from services.common.errors import field_errors, invalid
from services.common.mail import send_mail
from services.common.scan import ScanRequest
from services.common.topics import INTAKE_REGISTRATIONS

from . import domain, staging, statement, store, workers
from .bootstrap import service, settings

log = logging.getLogger(__name__)
router = APIRouter()
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])
recruiter = role("recruiter", "admin")

REGISTRATIONS = Counter("intake_registrations_total", "Registrations by outcome", ["outcome"])
MAX_JSON_BYTES = 256 * 1024
# The whole request: both files at their limit plus the JSON and multipart overhead.
MAX_REQUEST_BYTES = domain.CV_MAX_BYTES + domain.PHOTO_MAX_BYTES + 1024 * 1024
FORM_PARTS = ("registration", "cv", "photo")


def problem(
    status: int, field: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The kit's error shape for answers other than plain validation (413, 429, 409, 503)."""
    return JSONResponse(
        {"detail": message, "errors": [{"field": field, "message": message}]},
        status_code=status,
        headers=headers,
    )


# --- registering ---------------------------------------------------------------------------


class Receipt(BaseModel):
    id: str
    status: str  # rejected | in_review | accepted
    status_url: str  # carries the registration id only, never personal data


def receipt(reg_id: str, status: str) -> Receipt:
    return Receipt(id=reg_id, status=status, status_url=f"/api/intake/registrations/{reg_id}")


@dataclass
class Upload:
    kind: str
    data: bytes
    content_type: str
    original_name: str

    def describe(self) -> dict[str, Any]:
        return {
            "file_id": new_id(),
            "kind": self.kind,
            "content_type": self.content_type,
            "size": len(self.data),
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "original_name": self.original_name,
        }


class TooLarge(Exception):
    def __init__(self, field: str, limit: int) -> None:
        super().__init__(field)
        self.field, self.limit = field, limit


def client_address(request: Request) -> str | None:
    """The address to rate-limit. Behind a trusted proxy (FORWARDED_ALLOW_IPS, loopback by
    default) uvicorn already put the forwarded client address here. A loopback caller that
    forwards none is local (the gateway acting itself, an operator) and is not limited."""
    host = request.client.host if request.client else None
    if not host:
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return host


def safe_name(name: str | None) -> str:
    """The uploaded file's name as something printable and short (it is kept sealed only)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return base[:200] or "upload"


async def read_upload(
    form: FormData, field: str, limit: int, sniff: Any, what: str, required: bool
) -> tuple[Upload | None, list[dict[str, str]]]:
    parts = form.getlist(field)
    # A browser posts an empty file part when no file was chosen: that is no file.
    parts = [p for p in parts if not (isinstance(p, str) and not p)]
    parts = [p for p in parts if not (isinstance(p, UploadFile) and not p.filename and not p.size)]
    if not parts:
        return None, ([{"field": field, "message": "a file is required"}] if required else [])
    if len(parts) > 1:
        return None, [{"field": field, "message": "send one file only"}]
    part = parts[0]
    if not isinstance(part, UploadFile):
        return None, [{"field": field, "message": "must be a file upload"}]
    data = await part.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(field, limit)
    if not data:
        return None, [{"field": field, "message": "the file is empty"}]
    content_type = sniff(data)
    if content_type is None:
        return None, [{"field": field, "message": f"must be {what} (judged by its content)"}]
    return Upload(field, data, content_type, safe_name(part.filename)), []


async def parse(
    form: FormData,
) -> tuple[domain.Registration | None, list[Upload], list[dict[str, str]]]:
    """Validate every part; all field errors at once, so the page can show them together."""
    errors = [
        {"field": name, "message": "unknown part"}
        for name in dict.fromkeys(form.keys())
        if name not in FORM_PARTS
    ]
    reg = None
    raw = form.getlist("registration")
    if len(raw) != 1 or not isinstance(raw[0], str) or not raw[0].strip():
        errors.append({"field": "registration", "message": "required: one JSON text part"})
    else:
        try:
            reg = domain.Registration.model_validate_json(raw[0])
        except ValidationError as exc:
            errors += [
                {**e, "field": "registration"} if e["field"] == "request" else e
                for e in field_errors(exc.errors())
            ]
    cv, cv_errors = await read_upload(
        form, "cv", domain.CV_MAX_BYTES, domain.sniff_cv, "a PDF or DOCX document", True
    )
    photo, photo_errors = await read_upload(
        form, "photo", domain.PHOTO_MAX_BYTES, domain.sniff_photo, "a JPEG or PNG image", False
    )
    uploads = [u for u in (cv, photo) if u is not None]
    return reg, uploads, errors + cv_errors + photo_errors


Identifier = tuple[str, str]  # (kind, keyed hash): ("email", …) or ("phone", …)


async def _lookup_many(identifiers: list[Identifier]) -> dict[Identifier, str]:
    resp = await service.http.post(
        f"{settings.candidates_url}/internal/candidates/lookups",
        json={
            "email_hashes": [h for kind, h in identifiers if kind == "email"],
            "phone_hashes": [h for kind, h in identifiers if kind == "phone"],
        },
        timeout=5.0,
    )
    resp.raise_for_status()
    body = resp.json()
    found = {("email", h): str(UUID(str(c))) for h, c in body["candidates"].items()}
    found |= {("phone", h): str(UUID(str(c))) for h, c in (body.get("phones") or {}).items()}
    return found


_lookups = Batcher[Identifier, str](_lookup_many)  # registrations arriving together, one request


async def lookup_candidate(kind: str, hashed: str) -> str | None:
    """The existing candidate with this email (or phone), if any. Candidates being unreachable
    counts as 'nobody': the registration then becomes a person of its own, which changes no one
    else's data (a duplicate profile is merged later; a lost registration is not)."""
    try:
        return await _lookups.get((kind, hashed))
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        log.warning("candidate lookup failed", extra={"error": type(exc).__name__})
    return None


class SuppressionUnknown(Exception):
    """privacy could not say whether the person is suppressed."""


async def _suppressed_many(hashes: list[str]) -> dict[str, bool]:
    resp = await service.http.post(
        f"{settings.privacy_url}/internal/suppression/lookups",
        json={"hashes": hashes},
        timeout=5.0,
    )
    resp.raise_for_status()
    return {str(h): True for h in resp.json()["suppressed"]}


_suppression = Batcher[str, bool](_suppressed_many)  # like _lookups: one request for many


async def suppressed_kinds(email_hash: str, phone_hash: str) -> set[str]:
    """Which of the registration's identifiers are on privacy's suppression list. Unlike the
    candidate lookup, not knowing is not taken as 'no': a suppressed person's registration
    must wait for their confirmation."""
    try:
        email, phone = await asyncio.gather(
            _suppression.get(email_hash), _suppression.get(phone_hash)
        )
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        log.warning("suppression check failed", extra={"error": type(exc).__name__})
        raise SuppressionUnknown from exc
    return {kind for kind, found in (("email", email), ("phone", phone)) if found}


@dataclass
class Known:
    """Who a registration's identifiers point to."""

    subject: str  # the registration's subject: the known person's, or a new one
    existing: bool  # the subject is an existing candidate
    email: bool  # the email is known: only its owner's confirmation lets the registration on
    phone: bool  # the phone is someone else's too (and cannot be proven by mail): a recruiter


async def identify(conn: asyncpg.Connection, email_hash: str, phone_hash: str) -> Known:
    """A registration of the same email still in progress (the same subject), else the existing
    candidate with this email, else a new subject; and whether the email or phone is known: to
    a candidate, to a registration in progress, or to the suppression list."""
    row = await store.in_flight_subject(conn, email_hash)
    by_email, by_phone, suppressed = await asyncio.gather(
        lookup_candidate("email", email_hash),
        lookup_candidate("phone", phone_hash),
        suppressed_kinds(email_hash, phone_hash),
    )
    phone = (
        by_phone is not None
        or "phone" in suppressed
        or await store.phone_in_flight(conn, phone_hash)
    )
    if row is not None:  # (its hand-off may have made the candidate already)
        return Known(row["subject"], row["existing"] or by_email == row["subject"], True, phone)
    if by_email is not None:
        return Known(by_email, True, True, phone)
    return Known(new_id(), False, "email" in suppressed, phone)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def hold(conn: asyncpg.Connection, reg_id: str, outcome: str) -> str:
    """Hold a registration (in the caller's transaction) for its address's owner; the token of
    the link to mail once the transaction is committed."""
    token = secrets.token_urlsafe(32)
    hours = settings.intake_confirmation_hours
    await store.hold(conn, reg_id, outcome, token_hash(token), hours * 3600)
    return token


async def mail_confirmation_link(reg_id: str, address: str, token: str) -> bool:
    """The link goes to the address the registration names, never anywhere else."""
    link = f"{settings.link_base}/register/confirm/{reg_id}/{token}"
    subject, body = domain.confirmation_mail(link, settings.intake_confirmation_hours)
    try:
        await send_mail(settings, address, subject, body)
    except OSError as exc:
        log.warning("confirmation mail failed", extra={"error": type(exc).__name__})
        return False
    log.info("registration held for confirmation", extra={"registration_id": reg_id})
    return True


def handoff_event(
    row: dict[str, Any], files: list[dict[str, Any]], key: bytes, decided_by: str
) -> Envelope:
    """registration.accepted (docs/contracts.md): ids and facts in data, the person sealed."""
    data = row["data"]
    sealed = {
        **data,
        "email_hash": row["email_hash"],
        "phone_hash": row["phone_hash"],
        "consent": {**data["consent"], "given_at": row["received_at"]},
        "original_names": {str(f["file_id"]): f["original_name"] for f in files},
    }
    return Envelope(
        type="registration.accepted",
        source="intake",
        subject=row["subject"],
        correlation_id=str(row["id"]),
        data={
            "registration_id": str(row["id"]),
            "existing": row["existing"],
            # What the registrant proved to own (the mailed link): only that lets candidates
            # update a known person and privacy lift a suppression.
            "verified": ["email"] if row.get("email_verified") else [],
            "files": [
                {k: (str(f[k]) if k == "file_id" else f[k]) for k in FILE_FACTS} for f in files
            ],
            "criteria_version": row["screening"]["criteria_version"],
            "decided_by": decided_by,
        },
        sealed=keys.seal(key, sealed, row["subject"]),
    )


FILE_FACTS = ("file_id", "kind", "content_type", "size", "sha256")


async def subject_key(subject: str) -> bytes | None:
    """The subject's key, made if new; None if the subject was erased meanwhile."""
    try:
        return await service.keys.get_or_create(subject)
    except keys.KeyShredded:
        return None


class SubjectErased(Exception):
    """The subject was erased while this registration was being stored."""


class EnoughWaiting(Exception):
    """Links enough wait in the mailbox of this registration's address."""


async def rate_limit(request: Request, conn: asyncpg.Connection) -> JSONResponse | None:
    """429 when this client address made too many attempts within the window; every attempt
    counts, valid or not, in the database so that every instance sees the same count."""
    client = client_address(request)
    if client is None:
        return None
    client_hash = keys.blind_index(settings.blind_index_key, "client", client)
    window = settings.intake_registration_window_seconds
    if await store.count_attempt(conn, client_hash, window) <= settings.intake_registration_limit:
        return None
    log.info("registration rate-limited")
    return problem(
        429,
        "request",
        "too many registrations from your address; please try again later",
        {"Retry-After": str(window)},
    )


async def reject_at_once(
    conn: asyncpg.Connection,
    reg_id: str,
    reg: domain.Registration,
    screening: domain.Screening,
    today: date,
) -> None:
    """A registration that fails a rejecting criterion is never stored: only the notice (until
    it is sent) and the counts. Its files are not even staged."""
    unmet = [r.criterion for r in screening.reasons if r.result == "unmet"]
    async with conn.transaction():
        await store.count_decision(
            conn, today, screening.criteria_version, "screening", "rejected", unmet
        )
        await store.insert_notice(conn, new_id(), None, reg.email, reg.first_name, unmet)
    workers.wake()
    REGISTRATIONS.labels("rejected").inc()
    log.info("registration rejected", extra={"registration_id": reg_id, "criteria": unmet})


@router.post(
    "/api/intake/registrations",
    status_code=202,
    response_model=Receipt,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["registration", "cv"],
                        "properties": {
                            "registration": {"type": "string", "description": "JSON"},
                            "cv": {"type": "string", "format": "binary"},
                            "photo": {"type": "string", "format": "binary"},
                        },
                    }
                }
            }
        }
    },
)
async def register(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Any:
    """Public (no login): a candidate registers; screened at once, answered with an id."""
    refused = await rate_limit(request, conn)
    if refused is not None:
        return refused
    try:
        form = await request.form(max_files=3, max_fields=3, max_part_size=MAX_JSON_BYTES)
    except MultiPartException as exc:
        return invalid([{"field": "request", "message": exc.message}])
    try:
        reg, uploads, errors = await parse(form)
    except TooLarge as exc:
        mb = exc.limit // (1024 * 1024)
        return problem(413, exc.field, f"the file is larger than {mb} MB")
    finally:
        await form.close()
    if errors or reg is None:
        return invalid(errors)
    if not await statement.is_current(reg.consent.privacy_statement_version):
        # The statement changed after the form was shown: consent to the old one is not
        # consent to what we do now (the page shows the new one and asks again).
        return invalid(
            [
                {
                    "field": "consent.privacy_statement_version",
                    "message": "consent must be to the privacy statement in force; read it again",
                }
            ]
        )

    today = date.today()
    screening = domain.screen(reg, domain.load_criteria(), today)
    reg_id = new_id()
    if screening.outcome == "rejected":
        await reject_at_once(conn, reg_id, reg, screening, today)
        return receipt(reg_id, "rejected")

    email_hash = keys.blind_index(settings.blind_index_key, "email", reg.email)
    phone_hash = keys.blind_index(settings.blind_index_key, "phone", reg.phone)
    try:
        known = await identify(conn, email_hash, phone_hash)
    except SuppressionUnknown:
        return problem(503, "request", "registration is unavailable; please try again soon")
    if known.phone and not known.email:
        # A person of its own, but a recruiter looks first (domain.KNOWN_PHONE).
        screening = domain.flag_known_phone(screening)
    subject, existing = known.subject, known.existing
    # A known email: nothing happens until the address's owner confirms (the mailed link).
    # Whether the person was suppressed is privacy's to act on, and only for what was proven.
    held = known.email
    accepted = screening.outcome == "accepted" and not held
    key = None
    if accepted:
        try:
            key = await subject_key(subject)
            if key is None:  # the person was erased just now: this registration starts afresh
                subject, existing = new_id(), False
                key = await subject_key(subject)
        except httpx.HTTPError as exc:
            log.warning("subject key unavailable", extra={"error": type(exc).__name__})
            return problem(503, "request", "registration is unavailable; please try again soon")
        assert key is not None

    file_key, wrapped_key = staging.new_key(settings.staging_key, reg_id)
    files = [u.describe() for u in uploads]
    row: dict[str, Any] = {
        "id": reg_id,
        "subject": subject,
        "existing": existing,
        "data": reg.model_dump(mode="json"),
        "screening": screening.model_dump(mode="json"),
        "email_hash": email_hash,
        "phone_hash": phone_hash,
        "received_at": utcnow().isoformat(),
        "email_verified": False,
    }
    # AES-GCM runs at gigabytes a second: even a 10 MB CV seals in a few milliseconds.
    sealed = [
        staging.seal(file_key, u.data, str(f["file_id"]))
        for u, f in zip(uploads, files, strict=True)
    ]
    token = None
    try:
        async with conn.transaction():
            await store.lock_subject(conn, subject)
            if await erasure.is_erased(conn, subject):
                raise SubjectErased
            await store.insert_registration(
                conn,
                reg_id,
                subject,
                existing,
                "accepted" if accepted else "needs_review",
                row["data"],
                row["screening"],
                email_hash,
                phone_hash,
                wrapped_key,
            )
            if held:
                # Counted under the address's lock (holds for a suppressed address each have a
                # subject of their own): a burst gets no more than a sequence would.
                await store.lock_address(conn, email_hash)
                waiting = await store.unconfirmed_for(conn, email_hash)
                if waiting >= settings.intake_unconfirmed_per_address:
                    raise EnoughWaiting
                token = await hold(conn, reg_id, screening.outcome)
            for file, content in zip(files, sealed, strict=True):
                await store.insert_file(conn, reg_id, file, content)
            failing = [r.criterion for r in screening.failing()]
            await store.count_decision(
                conn, today, screening.criteria_version, "screening", screening.outcome, failing
            )
            if not held:  # a held one's owner gets the confirmation link instead
                await store.insert_notice(
                    conn,
                    new_id(),
                    subject,
                    reg.email,
                    reg.first_name,
                    [],
                    kind="accepted" if accepted else "in_review",
                    reference=reg_id,
                )
            if accepted:
                assert key is not None
                await outbox.record(
                    conn, INTAKE_REGISTRATIONS, handoff_event(row, files, key, "screening")
                )
    except SubjectErased:
        log.info("registration raced an erasure", extra={"registration_id": reg_id})
        return problem(409, "request", "your registration could not be completed; please resend")
    except EnoughWaiting:
        # Neither kept nor mailed; the answer is the one anybody gets, so that it does not
        # tell that the address is known.
        REGISTRATIONS.labels("dropped").inc()
        log.info("registration dropped: enough wait", extra={"registration_id": reg_id})
        return receipt(reg_id, "accepted" if screening.outcome == "accepted" else "in_review")
    if token is not None and not await mail_confirmation_link(reg_id, reg.email, token):
        await store.delete_registration(conn, reg_id)  # nobody could ever confirm it
        return problem(503, "request", "registration is unavailable; please try again soon")
    REGISTRATIONS.labels("held" if held else screening.outcome).inc()
    workers.wake()
    log.info(
        "registration stored",
        extra={"registration_id": reg_id, "outcome": screening.outcome, "files": len(files)},
    )
    # The same answer whether or not the address is known: it must not tell who is a candidate
    # or suppressed. The owner learns it from the mail, in their own mailbox.
    return receipt(reg_id, "accepted" if screening.outcome == "accepted" else "in_review")


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(pattern=r"^[A-Za-z0-9_-]{43}$")


NOT_WAITING = "no registration waits for confirmation with this link"


async def waiting_for_owner(conn: asyncpg.Connection, reg_id: str, token: str) -> asyncpg.Record:
    """The unconfirmed registration this link's token opens (404 for any other link)."""
    row = await store.get_registration(conn, reg_id)
    if (
        row is None
        or row["status"] != "unconfirmed"
        or not hmac.compare_digest(token_hash(token), row["confirm_hash"])
    ):
        raise HTTPException(404, NOT_WAITING)
    if row["confirm_by"] < utcnow():
        await store.delete_registration(conn, reg_id)  # what the sweep would do shortly
        raise HTTPException(404, NOT_WAITING)
    return row


@router.post("/api/intake/registrations/{registration_id}/preview")
async def preview_registration(
    registration_id: UUID, body: ConfirmIn, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    """Public, with the mailed link's token: what the address's owner is asked to confirm, so
    that they recognise their own registration (and do not confirm one someone else made with
    their address). A read: the token is in the body, out of URLs and access logs."""
    row = await waiting_for_owner(conn, str(registration_id), body.token)
    data = json.loads(row["data"])
    return {
        "received_at": row["received_at"].isoformat(),
        "confirm_by": row["confirm_by"].isoformat(),
        "registration": {k: data.get(k) for k in ("first_name", "last_name", "phone")}
        | {"city": (data.get("address") or {}).get("city")},
    }


@router.post("/api/intake/registrations/{registration_id}/confirm")
async def confirm_registration(
    registration_id: UUID, body: ConfirmIn, conn: asyncpg.Connection = Depends(db_conn)
) -> Any:
    """Public: the owner of the address followed the mailed link (through the gateway's page,
    so that a mail scanner opening the link confirms nothing). Only now does a registration
    with a known email go on: to the hand-off (updating that person, lifting a suppression of
    the address) or to a recruiter. The link works once."""
    reg_id = str(registration_id)
    row = await waiting_for_owner(conn, reg_id, body.token)
    subject, existing = row["subject"], row["existing"]
    key = None
    if row["held_outcome"] == "accepted":
        try:
            key = await subject_key(subject)
            if key is None:  # the person was erased meanwhile: a new person now
                subject, existing = new_id(), False
                key = await subject_key(subject)
        except httpx.HTTPError:
            return problem(503, "request", "confirmation is unavailable; please try again soon")
        assert key is not None
    try:
        async with conn.transaction():
            await store.lock_subject(conn, subject)
            if await erasure.is_erased(conn, subject):
                raise SubjectErased
            confirmed = await store.confirm_held(conn, reg_id, subject, existing)
            if confirmed is None:  # confirmed (or swept) by a concurrent request
                raise HTTPException(404, NOT_WAITING)
            data = json.loads(confirmed["data"])
            await store.insert_notice(  # the acknowledgement a registration gets, now
                conn,
                new_id(),
                subject,
                data["email"],
                data["first_name"],
                [],
                kind="accepted" if confirmed["status"] == "accepted" else "in_review",
                reference=reg_id,
            )
            if confirmed["status"] == "accepted":
                assert key is not None
                files = [dict(f) for f in await store.files_of(conn, reg_id)]
                record = {
                    **dict(confirmed),
                    "data": data,
                    "screening": json.loads(confirmed["screening"]),
                    "received_at": confirmed["received_at"].isoformat(),
                }
                await outbox.record(
                    conn, INTAKE_REGISTRATIONS, handoff_event(record, files, key, "screening")
                )
    except SubjectErased:
        return problem(409, "request", "your registration could not be completed; please resend")
    workers.wake()
    log.info("registration confirmed", extra={"registration_id": reg_id})
    shown = "accepted" if confirmed["status"] == "accepted" else "in_review"
    return {"id": reg_id, "status": shown}


@router.get("/api/intake/registrations/{registration_id}")
async def registration_status(
    registration_id: UUID, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    """Public: where a registration in progress stands. Finished ones are gone from intake."""
    status = await store.status_shown(conn, str(registration_id))
    if status is None:
        raise HTTPException(404, "no registration in progress with this id")
    return {
        "id": str(registration_id),
        "status": "in_review" if status == "needs_review" else status,
    }


@router.get("/api/intake/criteria")
async def published_criteria() -> dict[str, Any]:
    """Public: the criteria registrations are screened against (the statement promises them)."""
    criteria = domain.load_criteria()
    return {
        "version": criteria.version,
        "criteria": [
            {
                "criterion": name,
                "label": c.label_nl,
                "requirement": c.requirement_nl,
                "on_fail": c.on_fail,
            }
            for name, c in criteria.criteria.items()
        ],
    }


# --- the review queue (recruiters, through the gateway) ------------------------------------


def review_item(row: asyncpg.Record, files: list[asyncpg.Record]) -> dict[str, Any]:
    screening = json.loads(row["screening"])
    return {
        "id": str(row["id"]),
        "received_at": row["received_at"].isoformat(),
        "existing_candidate": row["existing"],
        "criteria_version": screening["criteria_version"],
        "reasons": screening["reasons"],
        "registration": json.loads(row["data"]),
        "files": [
            {
                "file_id": str(f["file_id"]),
                "kind": f["kind"],
                "content_type": f["content_type"],
                "size": f["size"],
            }
            for f in files
        ],
    }


@router.get("/api/intake/review")
async def review_queue(
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """Registrations the criteria could not decide, oldest first."""
    rows = await store.review_queue(conn, limit, offset)
    items = [review_item(r, await store.files_of(conn, str(r["id"]))) for r in rows]
    return {"items": items, "total": await store.review_total(conn)}


async def waiting_for_review(
    conn: asyncpg.Connection, registration_id: UUID, lock: bool = False
) -> asyncpg.Record:
    row = await store.get_registration(conn, str(registration_id), lock=lock)
    if row is None:
        raise HTTPException(404, "no registration in progress with this id")
    if row["status"] != "needs_review":
        raise HTTPException(409, "this registration has already been decided")
    return row


@router.get("/api/intake/review/{registration_id}")
async def review_one(
    registration_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    row = await waiting_for_review(conn, registration_id)
    return review_item(row, await store.files_of(conn, str(registration_id)))


@router.get("/api/intake/review/{registration_id}/files/{file_id}")
async def review_file(
    registration_id: UUID,
    file_id: UUID,
    disposition: Literal["attachment", "inline"] = "attachment",
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Response:
    """The CV or photo, so the recruiter can judge what the criteria could not: only if it
    passes the checks documents applies to every file it stores (a recruiter's machine is
    where a hostile file would do its harm)."""
    await waiting_for_review(conn, registration_id)
    file = await store.get_file(conn, str(registration_id), str(file_id))
    if file is None:
        raise HTTPException(404, "no such file")
    data = staging.read(settings.staging_key, file)
    try:
        await asyncio.to_thread(filecheck.validate, file["kind"], data)
    except filecheck.Rejected as exc:
        return problem(exc.status, file["kind"], f"this file is not shown: {exc}")
    return file_download(file, data, disposition)


@router.post("/api/intake/review/{registration_id}/accept", response_model=dict[str, str])
async def review_accept(
    registration_id: UUID,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, str] | JSONResponse:
    """Accept: the registration is handed off to candidates and documents. One whose email
    became a candidate's while it waited (another registration of the address, confirmed by its
    owner) now waits for that owner too: accepting it must not update them unasked."""
    row = await waiting_for_review(conn, registration_id)
    if not row["email_verified"]:
        candidate = await lookup_candidate("email", row["email_hash"])
        if candidate is not None:
            return await hold_accepted(conn, row, candidate, who)
    try:
        key = await subject_key(row["subject"])
    except httpx.HTTPError:
        return problem(503, "request", "the key service is unavailable; please try again soon")
    if key is None:  # erased meanwhile; the erasure handler removes the registration
        raise HTTPException(404, "no registration in progress with this id")
    async with conn.transaction():
        row = await waiting_for_review(conn, registration_id, lock=True)
        files = [dict(f) for f in await store.files_of(conn, str(registration_id))]
        record = {
            **dict(row),
            "data": json.loads(row["data"]),
            "screening": json.loads(row["screening"]),
        }
        await store.set_accepted(conn, str(registration_id))
        version = record["screening"]["criteria_version"]
        await store.count_decision(conn, date.today(), version, "recruiter", "accepted", [])
        await outbox.record(
            conn, INTAKE_REGISTRATIONS, handoff_event(record, files, key, "recruiter")
        )
        await store.insert_notice(
            conn,
            new_id(),
            row["subject"],
            record["data"]["email"],
            record["data"]["first_name"],
            [],
            kind="accepted",
            reference=str(registration_id),
        )
    workers.wake()
    REGISTRATIONS.labels("accepted").inc()
    log.info(
        "registration accepted on review",
        extra={"registration_id": str(registration_id), "actor": who.user_id},
    )
    return {"id": str(registration_id), "status": "accepted"}


async def hold_accepted(
    conn: asyncpg.Connection, row: asyncpg.Record, candidate: str, who: Actor
) -> Any:
    reg_id = str(row["id"])
    async with conn.transaction():
        row = await waiting_for_review(conn, row["id"], lock=True)
        await store.set_candidate(conn, reg_id, candidate)
        token = await hold(conn, reg_id, "accepted")
    if not await mail_confirmation_link(reg_id, json.loads(row["data"])["email"], token):
        async with conn.transaction():  # back in the queue: nobody could confirm it
            await store.unhold(conn, reg_id)
        return problem(503, "request", "the confirmation mail could not be sent; try again soon")
    log.info(
        "registration accepted on review, held for its owner",
        extra={"registration_id": reg_id, "actor": who.user_id},
    )
    return {"id": reg_id, "status": "awaiting_confirmation"}


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The criteria the candidate is told were not met; by default those flagged for review.
    criteria: list[str] | None = Field(default=None, min_length=1, max_length=20)


@router.post("/api/intake/review/{registration_id}/reject")
async def review_reject(
    registration_id: UUID,
    body: RejectIn | None = Body(default=None),
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    """Reject: the candidate is told why and every personal field and file is destroyed."""
    criteria = domain.load_criteria()
    if body and body.criteria:
        unknown = [
            {"field": f"criteria.{i}", "message": "not one of the published criteria"}
            for i, name in enumerate(body.criteria)
            if name not in criteria.criteria
        ]
        if unknown:
            return invalid(unknown)
    async with conn.transaction():
        row = await waiting_for_review(conn, registration_id, lock=True)
        screening = json.loads(row["screening"])
        named = (body.criteria if body and body.criteria else None) or [
            r["criterion"] for r in screening["reasons"] if r["result"] != "met"
        ]
        named = list(dict.fromkeys(named))
        data = json.loads(row["data"])
        await store.delete_registration(conn, str(registration_id))  # the staged files too
        await store.insert_notice(
            conn,
            new_id(),
            row["subject"] if row["existing"] else None,
            data["email"],
            data["first_name"],
            named,
        )
        await store.count_decision(
            conn, date.today(), screening["criteria_version"], "recruiter", "rejected", named
        )
    workers.wake()
    REGISTRATIONS.labels("rejected").inc()
    log.info(
        "registration rejected on review",
        extra={"registration_id": str(registration_id), "actor": who.user_id},
    )
    return {"id": str(registration_id), "status": "rejected"}


@router.get("/api/intake/stats")
async def screening_stats(
    since: date | None = None,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """Decisions per day, criteria version, outcome and criterion: counts, nobody in them."""
    since = since or date.today() - timedelta(days=30)
    rows = await store.counts_since(conn, since)
    return {"items": [{**dict(r), "day": r["day"].isoformat()} for r in rows]}


# --- internal reads ------------------------------------------------------------------------


async def file_response(conn: asyncpg.Connection, registration_id: UUID, file_id: UUID) -> Response:
    file = await store.get_file(conn, str(registration_id), str(file_id))
    if file is None:
        raise HTTPException(404, "no such file")
    return file_download(file, staging.read(settings.staging_key, file))


def file_download(file: asyncpg.Record, data: bytes, disposition: str = "attachment") -> Response:
    return Response(
        data,
        media_type=file["content_type"],
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": disposition,
            "X-Content-SHA256": file["sha256"],
            **filecheck.shown_headers(file["content_type"], disposition),
        },
    )


@internal.get("/registrations/{registration_id}/files/{file_id}")
async def handoff_file(
    registration_id: UUID, file_id: UUID, conn: asyncpg.Connection = Depends(db_conn)
) -> Response:
    """documents fetches each file of an accepted registration (decrypted from staging)."""
    status = await store.get_status(conn, str(registration_id))
    if status != "accepted":
        raise HTTPException(404, "no such file")
    return await file_response(conn, registration_id, file_id)


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email_hash: str = Field(pattern=r"^[0-9a-f]{64}$")


@internal.post("/registrations/lookup")
async def lookup_registration(
    body: LookupIn, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    """privacy: the subject of a registration in progress with this email (erasure by email)."""
    row = await store.in_flight_subject(conn, body.email_hash)
    if row is None:
        raise HTTPException(404, "no registration in progress for this person")
    return {"subject": row["subject"]}


@internal.post("/scan")
async def scan(body: ScanRequest, conn: asyncpg.Connection = Depends(db_conn)) -> dict[str, Any]:
    """privacy's erasure verification: where intake still holds something of this person."""
    counts = await store.scan(conn, body.subject, body.email_hash, body.phone_hash)
    if body.email_hash:  # a notice waiting to go out holds the address itself, few rows
        counts["rejection_notices"] += sum(
            keys.blind_index(settings.blind_index_key, "email", address) == body.email_hash
            for address in await store.notice_emails(conn)
        )
    return {"hits": [{"where": k, "count": n} for k, n in counts.items() if n]}
