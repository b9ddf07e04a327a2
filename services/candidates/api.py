"""Candidates HTTP API: recruiters (through the gateway) and internal reads for other services.

Every read of personal data records an `ops.audit` event and every change a
`candidates.profiles` event, in the same transaction as the read or change (ids only).
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

import asyncpg
import httpx
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.common import identifiers, outbox
from services.common.audit import record_read
from services.common.auth import Actor, require_service, role
from services.common.batching import MAX_ITEMS
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id, utcnow
from services.common.errors import field_errors, invalid
from services.common.scan import ScanRequest
from services.common.topics import CANDIDATES_PROFILES, CANDIDATES_RETENTION

from . import domain, retention, store
from .bootstrap import service, settings
from .handlers import announce_identifiers

router = APIRouter()
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])
# The candidate's own renewal link, forwarded by the gateway without a login: the token is
# the credential. Included before `router`, whose /api/candidates/{id}/... would shadow it.
public = APIRouter(prefix="/api/candidates/renewal")
# Likewise before `router`: /api/candidates/retention and /share-sections are no candidate ids.
named = APIRouter()

Recruiter = Annotated[Actor, Depends(role("recruiter", "admin"))]
Officer = Annotated[Actor, Depends(role("privacy_officer", "admin"))]
Conn = Annotated[asyncpg.Connection, Depends(db_conn)]
CandidateId = Annotated[UUID, Path(description="the candidate's id")]
AssignmentId = Annotated[UUID, Path(description="crm's assignment id")]
Stage = Literal[
    "shortlisted", "contacted", "proposed", "interview", "offered", "placed", "declined",
    "withdrawn",
]  # fmt: skip
# Stages that put the candidate in front of the client: only with recorded consent.
NEEDS_CONSENT = ("proposed", "interview", "offered", "placed")


# --- helpers --------------------------------------------------------------------------------


async def audit(
    conn: asyncpg.Connection, who: Actor, action: str, subject: str | None, **extra: Any
) -> None:
    resource = f"candidates/{subject}" if subject else "candidates"
    await record_read(conn, "candidates", who.user_id, who.role, action, resource, subject, **extra)


async def changed(
    conn: asyncpg.Connection, kind: str, candidate_id: str, who: Actor | None, **data: Any
) -> None:
    """Every change is an event; `data` carries ids and field names, never values. Changes
    that are activity (domain.ACTIVITY) restart the candidate's retention clock."""
    if who is not None:
        data["actor"] = who.user_id
    if domain.is_activity(kind):
        await store.touch(conn, candidate_id)
    await outbox.record(
        conn,
        CANDIDATES_PROFILES,
        Envelope(type=kind, source="candidates", subject=candidate_id, data=data),
    )


async def existing(
    conn: asyncpg.Connection, candidate_id: str, *, lock: bool = False
) -> asyncpg.Record:
    """The profile, or 404 (unknown) / 410 (erased: only the tombstone is left)."""
    row = await (store.lock_profile if lock else store.get_profile)(conn, candidate_id)
    if row is not None:
        return row
    if await conn.fetchval("SELECT true FROM tombstones WHERE subject = $1", candidate_id):
        raise HTTPException(status_code=410, detail="this candidate was erased")
    raise HTTPException(status_code=404, detail="no such candidate")


def approachable(row: asyncpg.Record) -> None:
    """Unsubscribed people are never approached or proposed again."""
    if row["status"] != "active":
        raise HTTPException(status_code=409, detail="the candidate has unsubscribed")


def profile_out(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "status": row["status"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        **domain.loads(row["profile"]),
    }


# --- search ---------------------------------------------------------------------------------


RESULT_WINDOW = 10_000


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    function_type: domain.Code | list[domain.Code] | None = None
    available_by: date | None = Field(default=None, description="available on or before this date")
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    postcode_area: Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")] | None = None
    min_years_experience: int | None = Field(default=None, ge=0, le=60)
    education_level: domain.EducationLevel | None = Field(
        default=None, description="at least this level"
    )
    page_size: int = Field(default=20, ge=1, le=100)
    page: int = Field(default=1, ge=1, le=1000)

    @field_validator("page")
    @classmethod
    def within_the_window(cls, page: int, info: ValidationInfo) -> int:
        # A page far down is found by walking every match before it: beyond the window the
        # recruiter narrows the search instead (and nobody can make us walk 100,000 rows).
        if page * info.data.get("page_size", 20) > RESULT_WINDOW:
            raise ValueError(f"only the first {RESULT_WINDOW} results can be paged through")
        return page


class SearchItem(BaseModel):
    id: str
    first_name: str | None
    last_name: str | None
    city: str | None
    function_types: list[str]
    regions: list[str]
    available_from: date | None
    years_experience: int
    education_level: str | None
    rank: float


class SearchOut(BaseModel):
    items: list[SearchItem]
    total: int = Field(description=f"matches, counted exactly up to {store.COUNT_LIMIT}")
    total_is_lower_bound: bool = Field(
        description="true when there are more matches than `total` (it is the counting limit)"
    )
    page: int
    page_size: int


@router.post("/api/candidates/search", response_model=SearchOut)
async def search(body: SearchIn, who: Recruiter, conn: Conn) -> SearchOut:
    """Best match first: the share of the query's words found in a candidate's names,
    functions and roles (`rank`), then the most recently updated."""
    types = [body.function_type] if isinstance(body.function_type, str) else body.function_type
    filters = store.Filters(
        query=body.query or None,
        function_types=types or None,
        available_by=body.available_by,
        region=body.region or None,
        postcode_area=body.postcode_area,
        min_years_experience=body.min_years_experience,
        min_education_rank=domain.EDUCATION_RANK[body.education_level]
        if body.education_level
        else None,
    )
    async with conn.transaction():
        found = await store.search(conn, filters, body.page_size, (body.page - 1) * body.page_size)
        items = [
            SearchItem(
                id=r["id"],
                first_name=r["first_name"],
                last_name=r["last_name"],
                city=r["city"],
                function_types=r["function_types"],
                regions=r["regions"],
                available_from=r["available_from"],
                years_experience=r["years_experience"],
                education_level=domain.LEVEL_LABEL.get(r["education_rank"]),
                rank=round(r["rank"], 6),
            )
            for r in found.rows
        ]
        # One audit event per results page: who saw which candidates (ids only, no query).
        await audit(conn, who, "candidate.search", None, subjects=[i.id for i in items])
    return SearchOut(
        items=items,
        total=found.total,
        total_is_lower_bound=found.total_is_lower_bound,
        page=body.page,
        page_size=body.page_size,
    )


# --- profile --------------------------------------------------------------------------------


@router.get("/api/candidates/{candidate_id}")
async def get_candidate(candidate_id: CandidateId, who: Recruiter, conn: Conn) -> dict[str, Any]:
    cid = str(candidate_id)
    async with conn.transaction():
        row = await existing(conn, cid)
        await audit(conn, who, "candidate.read", cid)
    return profile_out(row)


@router.patch("/api/candidates/{candidate_id}", response_model=None)
async def change_candidate(
    candidate_id: CandidateId,
    request: Request,
    who: Recruiter,
    conn: Conn,
    changes: dict[str, Any] = Body(..., max_length=40),
) -> dict[str, Any] | JSONResponse:
    """Change profile fields (whole top-level fields; lists are replaced as given)."""
    editable = set(domain.Profile.model_fields) - set(domain.NOT_EDITABLE)
    unknown = [k for k in changes if k not in editable]
    if unknown:
        return invalid([{"field": k, "message": "not a field you can change"} for k in unknown])
    if not changes:
        return invalid([{"field": "request", "message": "name at least one field"}])
    cid = str(candidate_id)
    corrects_identifiers = bool(identifiers.FIELDS & changes.keys())
    if corrects_identifiers:
        await identifiers.key_at_hand(service.keys, cid)
    async with conn.transaction():
        row = await existing(conn, cid, lock=True)
        try:
            profile = domain.validate_profile(domain.loads(row["profile"]) | changes)
        except ValidationError as exc:
            return invalid(field_errors(exc.errors()))
        derived = domain.derive(profile, request.app.state.settings.blind_index_key, date.today())
        await store.replace_profile(conn, cid, profile, derived)
        await changed(conn, "profile.updated", cid, who, fields=sorted(changes))
        if corrects_identifiers:
            await announce_identifiers(conn, cid)
        row = await existing(conn, cid)
    return profile_out(row)


# --- notes ----------------------------------------------------------------------------------


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class NoteOut(BaseModel):
    id: UUID
    author: str
    created_at: datetime
    text: str


@router.post("/api/candidates/{candidate_id}/notes", status_code=201, response_model=NoteOut)
async def add_note(candidate_id: CandidateId, body: NoteIn, who: Recruiter, conn: Conn) -> Any:
    cid = str(candidate_id)
    async with conn.transaction():
        await existing(conn, cid)
        note = await store.add_note(conn, new_id(), cid, who.user_id, body.text)
        await changed(conn, "note.added", cid, who, note_id=str(note["id"]))
    return dict(note)


@router.get("/api/candidates/{candidate_id}/notes", response_model=list[NoteOut])
async def list_notes(candidate_id: CandidateId, who: Recruiter, conn: Conn) -> Any:
    cid = str(candidate_id)
    async with conn.transaction():
        await existing(conn, cid)
        notes = await store.notes(conn, cid)
        await audit(conn, who, "candidate.notes.read", cid)
    return [dict(n) for n in notes]


# --- placement involvement and the placement procedure's checks ------------------------------


class PlacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: Stage


class CheckIn(BaseModel):
    """What the recruiter checked personally with the candidate before proposing."""

    model_config = ConfigDict(extra="forbid")
    work_situation: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)
    ]
    available_from: date | None = None
    hours_per_week: int | None = Field(default=None, ge=0, le=80)
    interested: bool
    consent: bool = Field(description="consents to be proposed to this assignment's client")
    share: list[domain.ShareSection] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def consent_is_specific(self) -> "CheckIn":
        if self.consent and not self.interested:
            raise ValueError("consent to be proposed needs interest in the vacancy")
        if self.consent and not self.share:
            raise ValueError("share: name what the candidate agreed to share with the client")
        if not self.consent:
            self.share = []
        self.share = list(dict.fromkeys(self.share))
        return self


def check_out(row: asyncpg.Record | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": str(row["id"]),
        "assignment_id": str(row["assignment_id"]),
        "work_situation": row["work_situation"],
        "available_from": row["available_from"],
        "hours_per_week": row["hours_per_week"],
        "interested": row["interested"],
        "consent": row["consent"],
        "share": row["share"],
        "checked_by": row["checked_by"],
        "checked_at": row["checked_at"],
    }


async def known_assignment(assignment_id: str) -> None:
    """crm's word that the assignment exists: a placement or a check must not point nowhere."""
    try:
        resp = await service.http.get(
            f"{settings.crm_url}/internal/assignments/{assignment_id}", timeout=5.0
        )
    except httpx.HTTPError as exc:
        raise HTTPException(503, "crm is unavailable; please try again soon") from exc
    if resp.status_code == 404:
        raise HTTPException(404, "crm has no assignment with this id")
    if resp.status_code != 200:
        raise HTTPException(503, "crm is unavailable; please try again soon")


@router.put("/api/candidates/{candidate_id}/placements/{assignment_id}")
async def set_placement(
    candidate_id: CandidateId,
    assignment_id: AssignmentId,
    body: PlacementIn,
    who: Recruiter,
    conn: Conn,
) -> dict[str, Any]:
    cid, aid = str(candidate_id), str(assignment_id)
    await known_assignment(aid)
    async with conn.transaction():
        approachable(await existing(conn, cid, lock=True))
        if body.stage in NEEDS_CONSENT:
            check = await store.latest_check(conn, cid, aid)
            if check is None or not check["consent"]:
                raise HTTPException(
                    status_code=409,
                    detail="record the candidate's consent for this assignment first",
                )
        row = await store.set_placement(conn, cid, aid, body.stage, who.user_id)
        await changed(conn, "placement.updated", cid, who, assignment_id=aid, stage=body.stage)
    return {**dict(row), "assignment_id": aid}


@router.get("/api/candidates/{candidate_id}/placements")
async def list_placements(candidate_id: CandidateId, who: Recruiter, conn: Conn) -> Any:
    """Involvement per assignment with the latest placement check."""
    cid = str(candidate_id)
    async with conn.transaction():
        await existing(conn, cid)
        involved = {str(p["assignment_id"]): dict(p) for p in await store.placements(conn, cid)}
        latest: dict[str, asyncpg.Record] = {}
        for c in await store.checks(conn, cid):
            latest[str(c["assignment_id"])] = c
        await audit(conn, who, "candidate.placements.read", cid)
    return [
        {
            "assignment_id": aid,
            "stage": involved.get(aid, {}).get("stage"),
            "updated_at": involved.get(aid, {}).get("updated_at"),
            "check": check_out(latest.get(aid)),
        }
        for aid in sorted(set(involved) | set(latest))
    ]


@router.post("/api/candidates/{candidate_id}/placements/{assignment_id}/checks", status_code=201)
async def record_check(
    candidate_id: CandidateId,
    assignment_id: AssignmentId,
    body: CheckIn,
    who: Recruiter,
    conn: Conn,
) -> dict[str, Any] | None:
    cid, aid = str(candidate_id), str(assignment_id)
    await known_assignment(aid)
    async with conn.transaction():
        approachable(await existing(conn, cid, lock=True))
        row = await store.add_check(conn, new_id(), cid, aid, body.model_dump(), who.user_id)
        await changed(
            conn, "placement.checked", cid, who, assignment_id=aid, check_id=str(row["id"]),
            interested=body.interested, consent=body.consent, share=body.share,
        )  # fmt: skip
    return check_out(row)


@router.post("/api/candidates/{candidate_id}/placements/{assignment_id}/export")
async def export_for_client(
    candidate_id: CandidateId, assignment_id: AssignmentId, who: Recruiter, conn: Conn
) -> dict[str, Any]:
    """The profile as the client receives it: refused without consent for this assignment,
    and holding only the sections the candidate agreed to share."""
    cid, aid = str(candidate_id), str(assignment_id)
    async with conn.transaction():
        row = await existing(conn, cid, lock=True)
        approachable(row)
        check = await store.latest_check(conn, cid, aid)
        if check is None or not check["consent"]:
            raise HTTPException(
                status_code=409,
                detail="the candidate has not consented to be proposed for this assignment",
            )
        sections = list(check["share"])
        export = await store.add_export(
            conn, new_id(), cid, aid, str(check["id"]), sections, who.user_id
        )
        await audit(
            conn, who, "candidate.export", cid, assignment_id=aid, export_id=str(export["id"])
        )
        await changed(
            conn, "profile.shared", cid, who, assignment_id=aid, export_id=str(export["id"]),
            sections=sections,
        )  # fmt: skip
    return {
        "export_id": str(export["id"]),
        "assignment_id": aid,
        "check_id": str(check["id"]),
        "sections": sections,
        "exported_at": export["exported_at"].isoformat(),
        "profile": domain.client_export(cid, domain.loads(row["profile"]), sections),
    }


# --- internal reads (service token only) ----------------------------------------------------

Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email_hash: Hash | None = None
    phone_hash: Hash | None = None

    @model_validator(mode="after")
    def one_given(self) -> "LookupIn":
        if not (self.email_hash or self.phone_hash):
            raise ValueError("give email_hash or phone_hash")
        return self


@internal.post("/candidates/lookup")
async def lookup(body: LookupIn, conn: Conn) -> dict[str, str]:
    found = await store.find_by_hash(conn, body.email_hash, body.phone_hash)
    if found is None:
        raise HTTPException(status_code=404, detail="no candidate with this identifier")
    return {"candidate_id": found}


class LookupsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email_hashes: list[Hash] = Field(default_factory=list, max_length=MAX_ITEMS)
    phone_hashes: list[Hash] = Field(default_factory=list, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def some_given(self) -> "LookupsIn":
        if not (self.email_hashes or self.phone_hashes):
            raise ValueError("give email_hashes or phone_hashes")
        return self


@internal.post("/candidates/lookups")
async def lookups(body: LookupsIn, conn: Conn) -> dict[str, dict[str, str]]:
    """Intake identifies many registrants at once under load: email hash → candidate id
    (`candidates`) and phone hash → candidate id (`phones`), for those that have a profile."""
    emails = list(dict.fromkeys(body.email_hashes))
    phones = list(dict.fromkeys(body.phone_hashes))
    return {
        "candidates": await store.find_by_emails(conn, emails) if emails else {},
        "phones": await store.find_by_phones(conn, phones) if phones else {},
    }


@internal.post("/scan")
async def scan(body: ScanRequest, conn: Conn) -> dict[str, Any]:
    """The erasure verification scan: what of this person is still here (tombstones aside)."""
    return {"hits": await store.scan(conn, body.subject, body.email_hash, body.phone_hash)}


@internal.get("/candidates/{candidate_id}/consent/{assignment_id}")
async def consent(
    candidate_id: CandidateId, assignment_id: AssignmentId, conn: Conn
) -> dict[str, Any]:
    """crm asks before it records a proposal. No consent while unsubscribed."""
    cid, aid = str(candidate_id), str(assignment_id)
    row = await existing(conn, cid)
    check = await store.latest_check(conn, cid, aid)
    return {
        "consent": bool(check and check["consent"] and row["status"] == "active"),
        "checked_at": check["checked_at"].isoformat() if check else None,
        "share": list(check["share"]) if check and check["consent"] else [],
    }


# --- retention: the candidate's renewal link, the officer's view, the sweep ------------------


class RenewalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["renew", "forget"]
    # The statement version shown on the page, i.e. the one the candidate agrees to.
    statement_version: (
        Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}(-\d{2})?$")] | None
    ) = None

    @model_validator(mode="after")
    def version_to_renew(self) -> "RenewalIn":
        if self.action == "renew" and not self.statement_version:
            raise ValueError("statement_version: renewing means agreeing to a statement version")
        return self


async def usable_link(conn: asyncpg.Connection, token: str) -> tuple[str, asyncpg.Record]:
    """(token hash, locked link row), or the 4xx that tells the candidate why not."""
    if not domain.TOKEN.fullmatch(token):
        raise HTTPException(status_code=404, detail="Deze link kennen we niet.")
    token_hash = domain.renewal_token_hash(token)
    row = await store.lock_renewal_token(conn, token_hash)
    if row is None:
        raise HTTPException(status_code=404, detail="Deze link kennen we niet.")
    problem = domain.token_problem(row["used_at"], row["expires_at"], row["closed"], utcnow())
    if problem is not None:
        raise HTTPException(status_code=problem[0], detail=problem[1])
    return token_hash, row


@public.get("/{token}")
async def renewal_link(token: str, conn: Conn) -> dict[str, Any]:
    """Whether the link still works (opening it changes nothing: mail scanners open links)."""
    async with conn.transaction():
        _, row = await usable_link(conn, token)
    return {"valid": True, "expires_at": row["expires_at"].isoformat()}


async def current_statement_version() -> str:
    """The version the public privacy page shows now (privacy publishes the statements)."""
    try:
        resp = await service.http.get(
            f"{settings.privacy_url}/api/privacy/statements/current", timeout=5.0
        )
        resp.raise_for_status()
        return str(resp.json()["version"])
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise HTTPException(
            status_code=503, detail="Dit lukt nu even niet; probeer het later opnieuw."
        ) from exc


@public.post("/{token}")
async def use_renewal_link(token: str, body: RenewalIn, conn: Conn) -> JSONResponse:
    """Renew consent (the clock starts again) or ask to be forgotten right away (privacy's
    erasure saga, like every forget-me). The link works once."""
    if not domain.TOKEN.fullmatch(token):  # before asking privacy anything
        raise HTTPException(status_code=404, detail="Deze link kennen we niet.")
    current = await current_statement_version() if body.action == "renew" else None
    try:
        return await _answer_renewal(token, body, current, conn)
    except StatementChanged:
        return JSONResponse(
            {
                "detail": "De privacyverklaring is intussen gewijzigd. Lees de nieuwe versie.",
                "current_version": current,
            },
            status_code=409,
        )


class StatementChanged(Exception):
    """The candidate saw another version than the one published now."""


async def _answer_renewal(
    token: str, body: RenewalIn, current: str | None, conn: asyncpg.Connection
) -> JSONResponse:
    async with conn.transaction():
        token_hash, link = await usable_link(conn, token)
        cid = link["candidate_id"]
        row = await existing(conn, cid, lock=True)
        await store.use_renewal_token(conn, token_hash, body.action)
        if body.action == "forget":
            await store.close_retention(conn, cid, "forget_asked")
            await outbox.record(
                conn,
                CANDIDATES_RETENTION,
                Envelope(
                    type="retention.erasure_requested",
                    source="candidates",
                    subject=cid,
                    data={"candidate_id": cid},
                ),
            )
            return JSONResponse(
                {
                    "outcome": "forget",
                    "message": "Je verzoek is ontvangen: we verwijderen al je gegevens en "
                    "benaderen je niet meer.",
                },
                status_code=202,
            )
        if current is None or body.statement_version != current:
            raise StatementChanged  # rolls back: the link stays usable
        profile = domain.loads(row["profile"])
        profile["consent"] = domain.renewed_consent(profile.get("consent"), current, utcnow())
        await store.replace_profile(conn, cid, profile, derive_now(profile))
        await changed(conn, "consent.renewed", cid, None, statement_version=current)
    return JSONResponse(
        {
            "outcome": "renewed",
            "statement_version": current,
            "message": "Dank je wel! Je blijft ingeschreven en we bewaren je gegevens.",
        }
    )


def derive_now(profile: dict[str, Any]) -> domain.Derived:
    return domain.derive(profile, settings.blind_index_key, date.today())


class RenewalOut(BaseModel):
    candidate_id: str
    status: str
    last_activity_at: datetime
    renewal_started_at: datetime
    mailed_at: datetime | None
    reminded_at: datetime | None
    erasure_on: datetime


@named.get("/api/candidates/retention")
async def renewals(
    who: Officer, conn: Conn, limit: int = Query(default=200, ge=1, le=1000)
) -> dict[str, Any]:
    """Who has been asked to renew consent and when their profile is erased without an
    answer; ids and dates only. The privacy officer's view."""
    rules = retention.policy()
    async with conn.transaction():
        rows = await store.renewals_running(conn, limit)
        due = await store.renewals_due(conn, rules.asked_if_inactive_since(utcnow()))
        await audit(conn, who, "candidate.retention.read", None, subjects=[r["id"] for r in rows])
    return {
        "inactive_days": settings.retention_inactive_days,
        "grace_days": settings.retention_grace_days,
        "reminder_days": settings.retention_reminder_days,
        "awaiting_sweep": due,
        "pending": [
            RenewalOut(
                candidate_id=r["id"],
                status=r["status"],
                last_activity_at=r["last_activity_at"],
                renewal_started_at=r["renewal_started_at"],
                mailed_at=r["renewal_mailed_at"],
                reminded_at=r["renewal_reminded_at"],
                erasure_on=rules.erasure_on(r["renewal_started_at"]),
            ).model_dump(mode="json")
            for r in rows
        ],
    }


@internal.post("/retention/sweep")
async def sweep_now() -> dict[str, int]:
    """One retention round now instead of at the next timer tick (operators, tests)."""
    return await retention.sweep(service.pool)


@named.get("/api/candidates/share-sections")
async def share_sections(_: Recruiter) -> dict[str, list[str]]:
    """The parts of a profile a candidate can consent to share with a client (the one list,
    which the gateway's profile page shows as checkboxes)."""
    return {"items": list(get_args(domain.ShareSection))}
