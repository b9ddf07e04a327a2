"""The pipeline of an assignment: where each proposed candidate stands with the client
(proposed, interviewing, declined; placed once a placement names their proposal), and an
overview of the assignments with their client's name, for the recruiter's lists."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from services.common import erasure
from services.common.auth import Actor
from services.common.db import db_conn

from . import consent, store
from .api import AssignmentOut, Limit, Offset, Strict, emit, not_found, recruiter

router = APIRouter(prefix="/api/crm")

Stage = Literal["proposed", "interviewing", "declined"]
# Stages that keep the candidate in front of the client: like a proposal, only with the
# candidate's consent for this assignment as the candidates service records it now.
BEFORE_CLIENT = ("proposed", "interviewing")
NO_CONSENT = "the candidate has not consented to be proposed for this assignment"


class StageIn(Strict):
    stage: Stage


class PipelineEntry(BaseModel):
    proposal_id: UUID
    candidate_id: str | None  # None once the candidate was erased
    stage: Literal["proposed", "interviewing", "placed", "declined"]
    proposed_on: date
    proposed_by: str
    stage_changed_at: datetime | None


class Pipeline(BaseModel):
    assignment_id: UUID
    organisation_name: str
    status: str
    entries: list[PipelineEntry]


class AssignmentSummary(AssignmentOut):
    organisation_name: str
    proposals: int
    interviewing: int


class AssignmentPage(BaseModel):
    items: list[AssignmentSummary]
    total: int


@router.get("/assignment-overview", response_model=AssignmentPage)
async def assignment_overview(
    organisation_id: UUID | None = None,
    status: Literal["open", "filled", "cancelled"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    rows, total = await store.assignments_overview(conn, organisation_id, status, limit, offset)
    return {"items": [dict(r) for r in rows], "total": total}


@router.get("/assignments/{assignment_id}/pipeline", response_model=Pipeline)
async def pipeline(
    assignment_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    row = await store.get_assignment(conn, assignment_id)
    if row is None:
        raise not_found("assignment")
    entries = await store.pipeline_of_assignment(conn, assignment_id)
    org = await store.get_organisation(conn, row["organisation_id"])
    return {
        "assignment_id": assignment_id,
        "organisation_name": org["name"] if org else "",
        "status": row["status"],
        "entries": [dict(e) for e in entries],
    }


@router.patch("/assignments/{assignment_id}/proposals/{proposal_id}", response_model=PipelineEntry)
async def move_candidate(
    assignment_id: UUID,
    proposal_id: UUID,
    body: StageIn,
    request: Request,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    """Move a proposed candidate to another stage. A placement is recorded, not moved to."""
    entry = await store.pipeline_entry(conn, assignment_id, proposal_id)
    if entry is None:
        raise not_found("proposal")
    candidate = entry["candidate_id"]
    if candidate is None or await erasure.is_erased(conn, candidate):
        raise HTTPException(status_code=409, detail="this candidate was erased")
    if entry["stage"] == "placed":
        raise HTTPException(status_code=409, detail="the candidate is placed in this assignment")
    if body.stage in BEFORE_CLIENT:
        service = request.app.state.service
        try:
            answer = await consent.check(
                service.http, service.settings.candidates_url, UUID(candidate), assignment_id
            )
        except consent.ConsentUnknown as exc:
            raise HTTPException(
                status_code=503, detail="consent could not be checked; try again shortly"
            ) from exc
        if not answer.given:
            raise HTTPException(status_code=409, detail=NO_CONSENT)
    async with conn.transaction():
        row = await store.get_assignment(conn, assignment_id, lock=True)
        assert row is not None  # the proposal names it; assignments are never deleted
        entry = await store.pipeline_entry(conn, assignment_id, proposal_id)
        assert entry is not None  # proposals go only with an erasure, which unlinks, not deletes
        if entry["stage"] == "placed":
            raise HTTPException(
                status_code=409, detail="the candidate is placed in this assignment"
            )
        if body.stage in BEFORE_CLIENT and row["status"] != "open":
            raise HTTPException(status_code=409, detail=f"the assignment is {row['status']}")
        if entry["stage"] == body.stage:  # a replay: nothing changes
            return dict(entry)
        await store.set_proposal_stage(conn, proposal_id, body.stage)
        await emit(
            conn,
            "proposal.moved",
            {
                "proposal_id": str(proposal_id),
                "assignment_id": str(assignment_id),
                "organisation_id": str(row["organisation_id"]),
                "function_type": row["function_type"],
                "stage": body.stage,
            },
            subject=candidate,
        )
        return dict(await store.pipeline_entry(conn, assignment_id, proposal_id) or {})
