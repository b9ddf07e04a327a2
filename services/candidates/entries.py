"""One entry of a profile's list sections (education, jobs, references, ...) added, changed or
removed on its own, so a recruiter editing one reference does not send (and overwrite) the
whole list a colleague may be changing at the same time: the row is locked for the change.

Entries are addressed by their position in the list, as the profile shows them.
"""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.common.errors import field_errors, invalid

from . import domain, store
from .api import CandidateId, Conn, Recruiter, changed, existing, profile_out

router = APIRouter()

Section = Literal[
    "education", "internships", "work_experience", "trainings", "tests", "leave", "references",
    "testimonials",
]  # fmt: skip
Index = Annotated[int, Path(ge=0, lt=domain.Items, description="position in the list, from 0")]
Entry = Annotated[dict[str, Any], Body(max_length=20, description="the entry's fields")]


async def _change(
    request: Request,
    conn: Conn,
    who: Recruiter,
    candidate_id: str,
    section: str,
    edit: Any,
) -> dict[str, Any] | JSONResponse:
    """Lock the profile, apply `edit` to a copy of the section's list, validate the whole
    profile as PATCH does, store it and record the change (field names only)."""
    async with conn.transaction():
        row = await existing(conn, candidate_id, lock=True)
        current = domain.loads(row["profile"])
        entries = list(current.get(section) or [])
        edit(entries)
        try:
            profile = domain.validate_profile(current | {section: entries})
        except ValidationError as exc:
            return invalid(field_errors(exc.errors()))
        settings = request.app.state.settings
        derived = domain.derive(profile, settings.blind_index_key, date.today())
        await store.replace_profile(conn, candidate_id, profile, derived)
        await changed(conn, "profile.updated", candidate_id, who, fields=[section])
        row = await existing(conn, candidate_id)
    return profile_out(row)


def _at(entries: list[Any], index: int) -> None:
    if index >= len(entries):
        raise HTTPException(status_code=404, detail="no entry at this position")


@router.post(
    "/api/candidates/{candidate_id}/entries/{section}", status_code=201, response_model=None
)
async def add_entry(
    candidate_id: CandidateId,
    section: Section,
    body: Entry,
    request: Request,
    who: Recruiter,
    conn: Conn,
) -> dict[str, Any] | JSONResponse:
    """Append an entry; the answer is the whole profile."""
    return await _change(request, conn, who, str(candidate_id), section, lambda e: e.append(body))


@router.put("/api/candidates/{candidate_id}/entries/{section}/{index}", response_model=None)
async def replace_entry(
    candidate_id: CandidateId,
    section: Section,
    index: Index,
    body: Entry,
    request: Request,
    who: Recruiter,
    conn: Conn,
) -> dict[str, Any] | JSONResponse:
    def edit(entries: list[Any]) -> None:
        _at(entries, index)
        entries[index] = body

    return await _change(request, conn, who, str(candidate_id), section, edit)


@router.delete("/api/candidates/{candidate_id}/entries/{section}/{index}", response_model=None)
async def remove_entry(
    candidate_id: CandidateId,
    section: Section,
    index: Index,
    request: Request,
    who: Recruiter,
    conn: Conn,
) -> dict[str, Any] | JSONResponse:
    def edit(entries: list[Any]) -> None:
        _at(entries, index)
        del entries[index]

    return await _change(request, conn, who, str(candidate_id), section, edit)
