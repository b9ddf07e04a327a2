"""Correcting and removing entries of the contact-moment register: a report with a typo, the
wrong contact or channel, or a moment recorded twice."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Response

from services.common.auth import Actor
from services.common.db import db_conn

from . import store
from .api import (
    EARLIEST,
    Channel,
    MomentOut,
    Report,
    Strict,
    _plain,
    emit,
    invalid,
    not_found,
    recruiter,
)

router = APIRouter(prefix="/api/crm")


class MomentPatch(Strict):
    contact_id: UUID | None = None  # null: the moment was with nobody in particular
    occurred_at: datetime | None = None
    channel: Channel | None = None
    report: Report | None = None


def _occurred(value: datetime) -> datetime:
    """The same rules as when the moment was recorded."""
    if value.tzinfo is None:
        raise invalid("occurred_at", "give a time zone, e.g. 2024-03-01T10:00:00+01:00")
    if value > datetime.now(UTC) + timedelta(minutes=5):
        raise invalid("occurred_at", "a contact moment cannot lie in the future")
    if value.date() < EARLIEST:
        raise invalid("occurred_at", "date out of range")
    return value


def _subject(row: asyncpg.Record) -> str | None:
    return str(row["contact_id"]) if row["contact_id"] else None


@router.get("/contact-moments/{moment_id}", response_model=MomentOut)
async def get_contact_moment(
    moment_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    row = await store.get_moment(conn, moment_id)
    if row is None:
        raise not_found("contact moment")
    return _plain(row)


@router.patch("/contact-moments/{moment_id}", response_model=MomentOut)
async def correct_contact_moment(
    moment_id: UUID,
    body: MomentPatch,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    for field in ("occurred_at", "channel"):
        if field in changes and changes[field] is None:
            raise invalid(field, "may not be empty")
    if changes.get("occurred_at") is not None:
        _occurred(changes["occurred_at"])
    if "report" in changes and not changes["report"]:
        changes["report"] = None
    async with conn.transaction():
        row = await store.get_moment(conn, moment_id)
        if row is None:
            raise not_found("contact moment")
        if changes.get("contact_id") is not None:
            contact = await store.get_contact(conn, changes["contact_id"])
            if contact is None:
                raise invalid("contact_id", "no such contact")
            if contact["organisation_id"] != row["organisation_id"]:
                raise invalid("contact_id", "this contact works for another organisation")
        try:
            updated = await store.update_moment(conn, moment_id, changes)
        except asyncpg.ForeignKeyViolationError as exc:  # the contact was erased meanwhile
            raise invalid("contact_id", "no such contact") from exc
        assert updated is not None  # read above, in this transaction
        await emit(
            conn,
            "contact_moment.corrected",
            {
                "moment_id": str(moment_id),
                "organisation_id": str(row["organisation_id"]),
                "contact_id": _subject(updated),
                "channel": updated["channel"],
                "fields": sorted(changes),
            },
            subject=_subject(updated),
        )
    return _plain(updated)


@router.delete("/contact-moments/{moment_id}", status_code=204)
async def delete_contact_moment(
    moment_id: UUID,
    _: Actor = Depends(recruiter),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Response:
    async with conn.transaction():
        row = await store.delete_moment(conn, moment_id)
        if row is None:
            raise not_found("contact moment")
        await emit(
            conn,
            "contact_moment.deleted",
            {"moment_id": str(moment_id), "organisation_id": str(row["organisation_id"])},
            subject=_subject(row),
        )
    return Response(status_code=204)
