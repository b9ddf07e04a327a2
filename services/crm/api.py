"""crm HTTP API: organisations, contacts, contact moments, assignments, proposals, placements and
placement statistics for recruiters (through the gateway); lookups for the other services."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
)

from services.common import erasure, identifiers, keys, outbox
from services.common.auth import Actor, require_service, role
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id
from services.common.scan import ScanRequest
from services.common.topics import CRM_RELATIONS

from . import consent, domain, retention, store
from .bootstrap import service, settings

router = APIRouter(prefix="/api/crm")
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])
recruiter = role("recruiter", "admin")

EARLIEST = date(1990, 1, 1)


def _sane_day(value: date) -> date:
    # Far-off dates are typing errors, and they would skew every statistic.
    if not EARLIEST <= value <= date.today() + timedelta(days=10 * 366):
        raise ValueError("date out of range")
    return value


def _past_day(value: date) -> date:
    if value > date.today():
        raise ValueError("date lies in the future")
    return _sane_day(value)


def _storable(value: str) -> str:
    # PostgreSQL text holds no NUL, and JSON may smuggle in lone surrogates: refuse both here
    # rather than fail in the database.
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("is not valid text") from exc
    return value


Day = Annotated[date, AfterValidator(_sane_day)]
PastDay = Annotated[date, AfterValidator(_past_day)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_storable),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_storable)
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()\-]{6,24}$")]
Report = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_storable)
]
Kind = Literal["client", "supplier", "vendor", "referee", "other"]
Channel = Literal["phone", "email", "meeting", "video", "letter", "other"]
FunctionType = Literal[
    "personal_assistant",
    "office_manager",
    "executive_secretary",
    "management_assistant",
    "management_support",
    "other",
]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def invalid(field: str, message: str) -> RequestValidationError:
    """A business-rule violation in the kit's one error shape, naming the field."""
    return RequestValidationError(
        [{"loc": ("body", *field.split(".")), "msg": message, "type": "value_error"}]
    )


def _plain(rows: Any) -> Any:
    """asyncpg records as dicts, which the response models validate."""
    if isinstance(rows, list):
        return [dict(r) for r in rows]
    return dict(rows) if rows is not None else None


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no such {what}")


async def emit(
    conn: asyncpg.Connection, type_: str, data: dict[str, Any], subject: str | None = None
) -> None:
    """Every change goes on crm.relations with ids and non-personal facts only."""
    await outbox.record(
        conn,
        CRM_RELATIONS,
        Envelope(type=type_, source="crm", subject=subject, data=data),
    )


# --- organisations -------------------------------------------------------------------------


class OrganisationIn(Strict):
    name: Name
    kind: Kind


class OrganisationPatch(Strict):
    name: Name | None = None
    kind: Kind | None = None


class OrganisationOut(BaseModel):
    id: UUID
    name: str
    kind: str
    created_at: datetime
    updated_at: datetime


class OrganisationPage(BaseModel):
    items: list[OrganisationOut]
    total: int


class ContactOut(BaseModel):
    id: UUID
    organisation_id: UUID
    name: str
    email: str | None
    phone: str | None
    function: str | None
    referee_for: str | None
    unsubscribed: bool
    created_at: datetime
    updated_at: datetime


class OrganisationDetail(OrganisationOut):
    contacts: list[ContactOut]


def _contact_out(row: asyncpg.Record) -> ContactOut:
    return ContactOut(
        **{k: row[k] for k in ContactOut.model_fields if k != "unsubscribed"},
        unsubscribed=row["unsubscribed_at"] is not None,
    )


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
async def create_organisation(
    body: OrganisationIn,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    org_id = new_id()
    async with conn.transaction():
        await store.insert_organisation(conn, org_id, body.name, body.kind)
        await emit(conn, "organisation.created", {"organisation_id": org_id, "kind": body.kind})
    return _plain(await store.get_organisation(conn, org_id))


@router.get("/organisations", response_model=OrganisationPage)
async def list_organisations(
    kind: Kind | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    rows, total = await store.list_organisations(conn, kind, limit, offset)
    return {"items": [dict(r) for r in rows], "total": total}


@router.get("/organisations/{organisation_id}", response_model=OrganisationDetail)
async def get_organisation(
    organisation_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    org = await store.get_organisation(conn, organisation_id)
    if org is None:
        raise not_found("organisation")
    contacts = [_contact_out(r) for r in await store.list_contacts(conn, organisation_id)]
    return {**dict(org), "contacts": contacts}


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut)
async def update_organisation(
    organisation_id: UUID,
    body: OrganisationPatch,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    for field in ("name", "kind"):
        if field in changes and changes[field] is None:
            raise invalid(field, "may not be empty")
    async with conn.transaction():
        org = await store.get_organisation(conn, organisation_id)
        if org is None:
            raise not_found("organisation")
        if changes.get("kind", "client") != "client" and org["kind"] == "client":
            if await store.list_assignments(conn, str(organisation_id), None, 1, 0):
                raise invalid("kind", "this client has assignment agreements")
        row = await store.update_organisation(conn, organisation_id, changes)
        await emit(
            conn,
            "organisation.updated",
            {"organisation_id": str(organisation_id), "fields": sorted(changes)},
        )
    return _plain(row)


# --- contacts ------------------------------------------------------------------------------


class ContactIn(Strict):
    name: Name
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    function: Text | None = None
    referee_for: UUID | None = Field(
        default=None, description="the candidate who named this person as a referee"
    )


class ContactPatch(Strict):
    name: Name | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    function: Text | None = None
    referee_for: UUID | None = None


def _hashes(request: Request, fields: dict[str, Any]) -> dict[str, Any]:
    """Blind indexes for the identifiers present, so privacy can find the contact by email."""
    key = request.app.state.settings.blind_index_key
    out = dict(fields)
    for kind in ("email", "phone"):
        if kind in fields:
            value = fields[kind]
            out[f"{kind}_hash"] = keys.blind_index(key, kind, value) if value and key else None
    if out.get("referee_for") is not None:
        out["referee_for"] = str(out["referee_for"])
    return out


async def _not_erased(conn: asyncpg.Connection, candidate_id: UUID | None) -> None:
    """Erasure wins: a forgotten candidate's id is not written back as a referee link."""
    if candidate_id is not None and await erasure.is_erased(conn, str(candidate_id)):
        raise HTTPException(status_code=409, detail="this candidate was erased")


@router.post(
    "/organisations/{organisation_id}/contacts", status_code=201, response_model=ContactOut
)
async def create_contact(
    organisation_id: UUID,
    body: ContactIn,
    request: Request,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    if await store.get_organisation(conn, organisation_id) is None:
        raise not_found("organisation")
    await _not_erased(conn, body.referee_for)
    contact_id = new_id()
    # The contact is a data subject: the privacy service holds a key for it from the start.
    try:
        await request.app.state.service.keys.get_or_create(contact_id)
    except (httpx.HTTPError, keys.KeyShredded) as exc:
        raise HTTPException(
            status_code=503, detail="the key service is not reachable; try again shortly"
        ) from exc
    fields = _hashes(request, body.model_dump()) | {"organisation_id": organisation_id}
    async with conn.transaction():
        await store.insert_contact(conn, contact_id, fields)
        await emit(
            conn,
            "contact.created",
            {"contact_id": contact_id, "organisation_id": str(organisation_id)},
            subject=contact_id,
        )
        row = await store.get_contact(conn, contact_id)
        assert row is not None  # inserted just above, in this transaction
        if row["email_hash"] or row["phone_hash"]:
            await _announce_identifiers(request, conn, row)
    return _contact_out(row)


@router.get("/contacts/{contact_id}", response_model=ContactOut)
async def get_contact(
    contact_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    row = await store.get_contact(conn, contact_id)
    if row is None:
        raise not_found("contact")
    return _contact_out(row)


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
async def update_contact(
    contact_id: UUID,
    body: ContactPatch,
    request: Request,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise invalid("name", "may not be empty")
    await _not_erased(conn, changes.get("referee_for"))
    corrects_identifiers = bool(identifiers.FIELDS & changes.keys())
    if corrects_identifiers:
        await identifiers.key_at_hand(request.app.state.service.keys, str(contact_id))
    async with conn.transaction():
        row = await store.update_contact(conn, contact_id, _hashes(request, changes))
        if row is None:
            raise not_found("contact")
        await emit(
            conn,
            "contact.updated",
            {"contact_id": str(contact_id), "fields": sorted(changes)},
            subject=str(contact_id),
        )
        if corrects_identifiers:
            await _announce_identifiers(request, conn, row)
    return _contact_out(row)


async def _announce_identifiers(
    request: Request, conn: asyncpg.Connection, row: asyncpg.Record
) -> None:
    """A new contact's email and phone, or a recruiter's change of them, reach privacy's
    subject index (keyed hashes, sealed) in the transaction of the change: an erasure asked
    by an address the contact used before then still finds them, and unsubscribing by the
    contact's id suppresses what they use now. A rectification's answer carries them instead
    (handlers.rectify)."""
    if not request.app.state.settings.blind_index_key:
        return  # no hashes are made without it: nothing to tell
    await identifiers.announce(
        conn,
        "crm",
        request.app.state.service.keys,
        str(row["id"]),
        row["email_hash"],
        row["phone_hash"],
    )


# --- contact moments -----------------------------------------------------------------------


class MomentIn(Strict):
    contact_id: UUID | None = None
    occurred_at: datetime
    channel: Channel
    report: Report | None = None


class MomentOut(BaseModel):
    id: UUID
    organisation_id: UUID
    contact_id: UUID | None
    employee_id: str
    occurred_at: datetime
    channel: str
    report: str | None
    recorded_at: datetime


@router.post(
    "/organisations/{organisation_id}/contact-moments", status_code=201, response_model=MomentOut
)
async def record_contact_moment(
    organisation_id: UUID,
    body: MomentIn,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    occurred = body.occurred_at
    if occurred.tzinfo is None:
        raise invalid("occurred_at", "give a time zone, e.g. 2024-03-01T10:00:00+01:00")
    if occurred > datetime.now(UTC) + timedelta(minutes=5):
        raise invalid("occurred_at", "a contact moment cannot lie in the future")
    if occurred.date() < EARLIEST:
        raise invalid("occurred_at", "date out of range")
    if await store.get_organisation(conn, organisation_id) is None:
        raise not_found("organisation")
    if body.contact_id is not None:
        contact = await store.get_contact(conn, body.contact_id)
        if contact is None:
            raise invalid("contact_id", "no such contact")
        if contact["organisation_id"] != organisation_id:
            raise invalid("contact_id", "this contact works for another organisation")
    moment_id = new_id()
    async with conn.transaction():
        try:
            await store.insert_moment(
                conn,
                moment_id,
                body.model_dump()
                | {"organisation_id": organisation_id, "employee_id": who.user_id},
            )
        except asyncpg.ForeignKeyViolationError as exc:  # the contact was erased meanwhile
            raise invalid("contact_id", "no such contact") from exc
        await emit(
            conn,
            "contact_moment.recorded",
            {
                "moment_id": moment_id,
                "organisation_id": str(organisation_id),
                "contact_id": str(body.contact_id) if body.contact_id else None,
                "channel": body.channel,
            },
            subject=str(body.contact_id) if body.contact_id else None,
        )
    return _plain(await store.get_moment(conn, moment_id))


@router.get("/organisations/{organisation_id}/contact-moments", response_model=list[MomentOut])
async def organisation_contact_moments(
    organisation_id: UUID,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    if await store.get_organisation(conn, organisation_id) is None:
        raise not_found("organisation")
    return _plain(await store.moments_of_organisation(conn, organisation_id, limit, offset))


@router.get("/contacts/{contact_id}/contact-moments", response_model=list[MomentOut])
async def contact_contact_moments(
    contact_id: UUID,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    if await store.get_contact(conn, contact_id) is None:
        raise not_found("contact")
    return _plain(await store.moments_of_contact(conn, contact_id, limit, offset))


# --- assignments ---------------------------------------------------------------------------


class AssignmentIn(Strict):
    organisation_id: UUID
    vacancy: Name
    function_type: FunctionType
    opened_on: PastDay | None = Field(default=None, description="default: today")
    starts_on: Day | None = None
    ends_on: Day | None = None


class AssignmentPatch(Strict):
    vacancy: Name | None = None
    function_type: FunctionType | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    status: Literal["open", "cancelled"] | None = None


class ProposalOut(BaseModel):
    id: UUID
    assignment_id: UUID
    candidate_id: str | None
    proposed_on: date
    consent_checked_at: datetime
    proposed_by: str


class PlacementOut(BaseModel):
    id: UUID
    assignment_id: UUID
    proposal_id: UUID
    candidate_id: str | None
    placed_on: date
    starts_on: date
    ends_on: date | None
    placed_by: str


class AssignmentOut(BaseModel):
    id: UUID
    organisation_id: UUID
    vacancy: str
    function_type: str
    opened_on: date
    starts_on: date | None
    ends_on: date | None
    status: str
    closed_on: date | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class AssignmentDetail(AssignmentOut):
    proposals: list[ProposalOut]
    placement: PlacementOut | None


async def _assignment_detail(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    return {
        **dict(row),
        "proposals": [dict(p) for p in await store.proposals_of_assignment(conn, row["id"])],
        "placement": _plain(await store.placement_of_assignment(conn, row["id"])),
    }


@router.post("/assignments", status_code=201, response_model=AssignmentDetail)
async def create_assignment(
    body: AssignmentIn,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    if domain.reversed_dates(body.starts_on, body.ends_on):
        raise invalid("ends_on", "the end lies before the start")
    org = await store.get_organisation(conn, body.organisation_id)
    if org is None:
        raise invalid("organisation_id", "no such organisation")
    if org["kind"] != "client":
        raise invalid("organisation_id", "assignment agreements are made with clients only")
    assignment_id = new_id()
    fields = body.model_dump() | {
        "opened_on": body.opened_on or date.today(),
        "created_by": who.user_id,
    }
    async with conn.transaction():
        await store.insert_assignment(conn, assignment_id, fields)
        await emit(
            conn,
            "assignment.created",
            {
                "assignment_id": assignment_id,
                "organisation_id": str(body.organisation_id),
                "function_type": body.function_type,
                "status": "open",
            },
        )
    return await _assignment_detail(conn, await store.get_assignment(conn, assignment_id))


@router.get("/assignments", response_model=list[AssignmentOut])
async def list_assignments(
    organisation_id: UUID | None = None,
    status: Literal["open", "filled", "cancelled"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    return _plain(await store.list_assignments(conn, organisation_id, status, limit, offset))


@router.get("/assignments/{assignment_id}", response_model=AssignmentDetail)
async def get_assignment(
    assignment_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    row = await store.get_assignment(conn, assignment_id)
    if row is None:
        raise not_found("assignment")
    return await _assignment_detail(conn, row)


@router.patch("/assignments/{assignment_id}", response_model=AssignmentDetail)
async def update_assignment(
    assignment_id: UUID,
    body: AssignmentPatch,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    for field in ("vacancy", "function_type", "status"):
        if field in changes and changes[field] is None:
            raise invalid(field, "may not be empty")
    async with conn.transaction():
        row = await store.get_assignment(conn, assignment_id, lock=True)
        if row is None:
            raise not_found("assignment")
        starts = changes.get("starts_on", row["starts_on"])
        ends = changes.get("ends_on", row["ends_on"])
        if domain.reversed_dates(starts, ends):
            raise invalid("ends_on", "the end lies before the start")
        new_status = changes.get("status", row["status"])
        if new_status != row["status"]:
            if (row["status"], new_status) not in domain.MANUAL_TRANSITIONS:
                raise HTTPException(
                    status_code=409,
                    detail=f"an assignment cannot go from {row['status']} to {new_status}",
                )
            changes["closed_on"] = date.today() if new_status == "cancelled" else None
        else:
            changes.pop("status", None)
        updated = await store.update_assignment(conn, assignment_id, changes)
        assert updated is not None  # the row was read above, in this transaction
        await emit(
            conn,
            "assignment.updated",
            {
                "assignment_id": str(assignment_id),
                "organisation_id": str(row["organisation_id"]),
                "function_type": updated["function_type"],
                "status": updated["status"],
                "fields": sorted(changes),
            },
        )
    return await _assignment_detail(conn, updated)


# --- proposals and placements ----------------------------------------------------------------


class ProposalIn(Strict):
    candidate_id: UUID
    proposed_on: PastDay | None = Field(default=None, description="default: today")


class PlacementIn(Strict):
    candidate_id: UUID
    placed_on: PastDay | None = Field(default=None, description="default: today")
    starts_on: Day
    ends_on: Day | None = None


@router.post("/assignments/{assignment_id}/proposals", status_code=201, response_model=ProposalOut)
async def propose_candidate(
    assignment_id: UUID,
    body: ProposalIn,
    request: Request,
    response: Response,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    candidate = str(body.candidate_id)
    row = await store.get_assignment(conn, assignment_id)
    if row is None:
        raise not_found("assignment")
    existing = await store.get_proposal(conn, assignment_id, candidate)
    if existing is not None:  # a replay: same answer, no second proposal
        response.status_code = 200
        return _plain(existing)
    if row["status"] != "open":
        raise HTTPException(status_code=409, detail=f"the assignment is {row['status']}")
    proposed_on = body.proposed_on or date.today()
    if proposed_on < row["opened_on"]:
        raise invalid("proposed_on", "lies before the assignment was opened")
    if await erasure.is_erased(conn, candidate):
        raise HTTPException(status_code=409, detail="this candidate was erased")
    try:
        service = request.app.state.service
        answer = await consent.check(
            service.http, service.settings.candidates_url, body.candidate_id, assignment_id
        )
    except consent.ConsentUnknown as exc:
        raise HTTPException(
            status_code=503, detail="consent could not be checked; try again shortly"
        ) from exc
    if not answer.given:
        raise HTTPException(
            status_code=409,
            detail="the candidate has not consented to be proposed for this assignment",
        )
    async with conn.transaction():
        locked = await store.get_assignment(conn, assignment_id, lock=True)
        assert locked is not None  # read above; assignments are never deleted
        if locked["status"] != "open":
            raise HTTPException(status_code=409, detail=f"the assignment is {locked['status']}")
        proposal_id = new_id()
        created = await store.insert_proposal(
            conn,
            proposal_id,
            {
                "assignment_id": assignment_id,
                "candidate_id": candidate,
                "proposed_on": proposed_on,
                "consent_checked_at": answer.checked_at or datetime.now(UTC),
                "proposed_by": who.user_id,
            },
        )
        if created is None:  # a concurrent replay won the race
            response.status_code = 200
            return _plain(await store.get_proposal(conn, assignment_id, candidate))
        await emit(
            conn,
            "proposal.recorded",
            {
                "proposal_id": proposal_id,
                "assignment_id": str(assignment_id),
                "organisation_id": str(row["organisation_id"]),
                "function_type": row["function_type"],
            },
            subject=candidate,
        )
    return _plain(created)


@router.post(
    "/assignments/{assignment_id}/placements", status_code=201, response_model=PlacementOut
)
async def place_candidate(
    assignment_id: UUID,
    body: PlacementIn,
    response: Response,
    who: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    candidate = str(body.candidate_id)
    placed_on = body.placed_on or date.today()
    if domain.reversed_dates(body.starts_on, body.ends_on):
        raise invalid("ends_on", "the end lies before the start")
    async with conn.transaction():
        row = await store.get_assignment(conn, assignment_id, lock=True)
        if row is None:
            raise not_found("assignment")
        placement = await store.placement_of_assignment(conn, assignment_id)
        if placement is not None:
            if placement["candidate_id"] == candidate:  # a replay
                response.status_code = 200
                return _plain(placement)
            raise HTTPException(status_code=409, detail="the assignment is already filled")
        if row["status"] != "open":
            raise HTTPException(status_code=409, detail=f"the assignment is {row['status']}")
        proposal = await store.get_proposal(conn, assignment_id, candidate)
        if proposal is None:
            raise HTTPException(
                status_code=409, detail="propose the candidate for this assignment first"
            )
        if placed_on < proposal["proposed_on"]:
            raise invalid("placed_on", "lies before the candidate was proposed")
        if not domain.within(body.starts_on, body.ends_on, row["starts_on"], row["ends_on"]):
            raise invalid("starts_on", "the placement lies outside the assignment's period")
        await store.lock_candidate(conn, candidate)
        clash = await store.overlapping_placement(conn, candidate, body.starts_on, body.ends_on)
        if clash is not None:
            raise HTTPException(
                status_code=409,
                detail=f"the candidate is placed in assignment {clash['assignment_id']}"
                " during this period",
            )
        placement_id = new_id()
        created = await store.insert_placement(
            conn,
            placement_id,
            body.model_dump()
            | {
                "assignment_id": assignment_id,
                "proposal_id": proposal["id"],
                "candidate_id": candidate,
                "placed_on": placed_on,
                "placed_by": who.user_id,
            },
        )
        await store.update_assignment(
            conn, assignment_id, {"status": "filled", "closed_on": placed_on}
        )
        await emit(
            conn,
            "placement.recorded",
            {
                "placement_id": placement_id,
                "assignment_id": str(assignment_id),
                "organisation_id": str(row["organisation_id"]),
                "function_type": row["function_type"],
                "placed_on": placed_on.isoformat(),
            },
            subject=candidate,
        )
    return _plain(created)


# --- statistics ----------------------------------------------------------------------------


@router.get("/statistics")
async def placement_statistics(
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """Placement statistics over a period (default: the last 365 days); no personal data."""
    end = end or date.today()
    start = start or end - timedelta(days=365)
    if end < start:
        raise RequestValidationError(
            [{"loc": ("query", "to"), "msg": "the end lies before the start", "type": "value"}]
        )
    if start < EARLIEST or (end - start).days > 50 * 366:
        raise RequestValidationError(
            [{"loc": ("query", "from"), "msg": "period out of range", "type": "value"}]
        )
    facts = [
        domain.AssignmentFacts(
            id=str(r["id"]),
            organisation_id=str(r["organisation_id"]),
            organisation_name=r["organisation_name"],
            function_type=r["function_type"],
            opened_on=r["opened_on"],
            placed_on=r["placed_on"],
            proposals=r["proposals"],
        )
        for r in await store.assignment_facts(conn, start, end)
    ]
    return domain.placement_statistics(facts, start, end)


# --- internal reads for the other services -------------------------------------------------

Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class LookupIn(BaseModel):
    email_hash: Hash


SubjectId = Annotated[str, StringConstraints(max_length=64), AfterValidator(_storable)]


@internal.post("/contacts/lookup")
async def lookup_contact(
    body: LookupIn, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    contact_id = await store.contact_by_email_hash(conn, body.email_hash)
    if contact_id is None:
        raise not_found("contact")
    return {"contact_id": contact_id}


@internal.get("/assignments/{assignment_id}")
async def assignment_summary(
    assignment_id: UUID, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    row = await store.get_assignment(conn, assignment_id)
    if row is None:
        raise not_found("assignment")
    return {
        "id": str(row["id"]),
        "status": row["status"],
        "organisation_id": str(row["organisation_id"]),
        "function_type": row["function_type"],
    }


@internal.post("/scan")
async def scan(body: ScanRequest, conn: asyncpg.Connection = Depends(db_conn)) -> dict[str, Any]:
    """The erasure verification scan: what of this person is still here (tombstones aside)."""
    return {"hits": await store.scan(conn, body.subject, body.email_hash, body.phone_hash)}


# --- retention: the officer's view of the setting, and the sweep now -------------------------


@router.get("/retention")
async def retention_settings(
    _: Actor = Depends(role("privacy_officer", "admin")),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """How long a contact person is kept without activity, and how many were handed to
    privacy for erasure (counts only)."""
    handed = await conn.fetchval(
        "SELECT count(*) FROM contacts WHERE retention_lapsed_at IS NOT NULL"
    )
    return {"contact_inactive_days": settings.contact_retention_days, "lapsed_pending": handed}


@internal.post("/retention/sweep")
async def retention_sweep_now() -> dict[str, int]:
    """One retention round now instead of at the next timer tick (operators, tests)."""
    return await retention.sweep(service.pool)
