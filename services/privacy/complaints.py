"""The complaints register: when a complaint came in, what it is about, its status and how it
ended. The officer adds complaints and closes them with their outcome."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.auth import Actor, role
from services.common.db import db_conn
from services.common.envelope import new_id

router = APIRouter(prefix="/api/privacy")
officer = role("privacy_officer", "admin")


class ComplaintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    received_on: date
    summary: str = Field(min_length=3, max_length=4000)

    @field_validator("received_on")
    @classmethod
    def not_in_the_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("received_on lies in the future")
        return value


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(min_length=3, max_length=4000)


class ComplaintOut(BaseModel):
    id: str
    received_on: date
    summary: str
    status: Literal["open", "closed"]
    outcome: str | None
    created_by: str
    created_at: datetime
    closed_by: str | None
    closed_at: datetime | None


def complaint_out(row: asyncpg.Record) -> ComplaintOut:
    return ComplaintOut(**(dict(row) | {"id": str(row["id"])}))


@router.post("/complaints", status_code=201, response_model=ComplaintOut)
async def add_complaint(
    body: ComplaintIn, who: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> ComplaintOut:
    row = await conn.fetchrow(
        "INSERT INTO complaints(id, received_on, summary, created_by) VALUES ($1, $2, $3, $4)"
        " RETURNING *",
        new_id(),
        body.received_on,
        body.summary,
        who.user_id,
    )
    return complaint_out(row)


@router.get("/complaints", response_model=list[ComplaintOut])
async def list_complaints(
    status: Literal["open", "closed"] | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> list[ComplaintOut]:
    """Newest first (by the day received)."""
    rows = await conn.fetch(
        "SELECT * FROM complaints WHERE ($1::text IS NULL OR status = $1)"
        " ORDER BY received_on DESC, created_at DESC LIMIT $2 OFFSET $3",
        status,
        limit,
        offset,
    )
    return [complaint_out(r) for r in rows]


@router.post("/complaints/{complaint_id}/close", response_model=ComplaintOut)
async def close_complaint(
    complaint_id: UUID,
    body: CloseIn,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> ComplaintOut:
    row = await conn.fetchrow(
        "UPDATE complaints SET status = 'closed', outcome = $2, closed_by = $3, closed_at = now()"
        " WHERE id = $1 AND status = 'open' RETURNING *",
        complaint_id,
        body.outcome,
        who.user_id,
    )
    if row is None:
        exists = await conn.fetchval("SELECT true FROM complaints WHERE id = $1", complaint_id)
        raise HTTPException(
            status_code=409 if exists else 404,
            detail="the complaint is closed already" if exists else "no such complaint",
        )
    return complaint_out(row)
