"""The privacy officer's registers: data breaches (with the 72-hour clock), processors,
processing activities; and the privacy statement versions the public /privacy page shows."""

from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.common.auth import Actor, role
from services.common.db import db_conn
from services.common.envelope import new_id, utcnow

from . import domain, registers_sql, saga, statement_versions, store

router = APIRouter(prefix="/api/privacy")
public = APIRouter(prefix="/api/privacy")
officer = role("privacy_officer", "admin")

STATEMENTS = Path(__file__).parent / "statements"
FIRST_STATEMENT = ("2018-05", date(2018, 5, 1), "Privacyverklaring Allegro Talent")

# --- data breaches --------------------------------------------------------------------------


class BreachIn(BaseModel):
    """What happened, in terms of categories and counts: no names of the people affected."""

    model_config = ConfigDict(extra="forbid")
    summary: str = Field(min_length=3, max_length=2000)
    occurred_at: AwareDatetime | None = None
    discovered_at: AwareDatetime
    categories: list[str] = Field(min_length=1, max_length=30)
    people_affected: int = Field(ge=0, le=100_000_000)
    measures: str = Field(default="", max_length=4000)
    notify_people: bool | None = None  # must the people affected be told? None: not decided

    @model_validator(mode="after")
    def plausible(self) -> "BreachIn":
        if any(not 1 <= len(c) <= 100 for c in self.categories):
            raise ValueError("each category is 1 to 100 characters")
        if self.discovered_at > utcnow():
            raise ValueError("discovered_at lies in the future")
        if self.occurred_at and self.occurred_at > self.discovered_at:
            raise ValueError("occurred_at lies after discovered_at")
        return self


class BreachUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    measures: str | None = Field(default=None, max_length=4000)
    notify_people: bool | None = None
    people_affected: int | None = Field(default=None, ge=0, le=100_000_000)
    categories: list[str] | None = Field(default=None, min_length=1, max_length=30)
    reported_to_ap_at: AwareDatetime | None = None
    people_notified_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None


def breach_out(row: asyncpg.Record, now: datetime) -> dict[str, Any]:
    deadline = domain.notify_ap_by(row["discovered_at"])
    reported = row["reported_to_ap_at"] is not None
    return {
        "id": str(row["id"]),
        "summary": row["summary"],
        "occurred_at": row["occurred_at"],
        "discovered_at": row["discovered_at"],
        "categories": list(row["categories"]),
        "people_affected": row["people_affected"],
        "measures": row["measures"],
        "notify_people": row["notify_people"],
        "notify_ap_by": deadline,
        "hours_left": None if reported else round((deadline - now).total_seconds() / 3600, 1),
        "clock": "reported"
        if reported
        else domain.breach_alert(row["discovered_at"], now, False) or "running",
        "reported_to_ap_at": row["reported_to_ap_at"],
        "people_notified_at": row["people_notified_at"],
        "closed_at": row["closed_at"],
        "created_by": row["created_by"],
    }


@router.post("/breaches", status_code=201)
async def record_breach(
    body: BreachIn, who: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    breach_id = new_id()
    async with conn.transaction():
        await store.insert_breach(conn, breach_id, body.model_dump() | {"created_by": who.user_id})
        await saga.alert(
            conn,
            "breach.recorded",
            breach_id,
            {
                "breach_id": breach_id,
                "notify_ap_by": domain.notify_ap_by(body.discovered_at).isoformat(),
            },
        )
    return await get_breach(UUID(breach_id), who, conn)


@router.get("/breaches")
async def list_breaches(
    open_only: bool = False,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> list[dict[str, Any]]:
    now = utcnow()
    return [breach_out(r, now) for r in await store.list_breaches(conn, open_only)]


@router.get("/breaches/{breach_id}")
async def get_breach(
    breach_id: UUID, _: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    row = await store.get_breach(conn, str(breach_id))
    if row is None:
        raise HTTPException(status_code=404, detail="no such breach")
    return breach_out(row, utcnow())


@router.patch("/breaches/{breach_id}")
async def update_breach(
    breach_id: UUID,
    body: BreachUpdate,
    who: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    if body.categories and any(not 1 <= len(c) <= 100 for c in body.categories):
        raise HTTPException(status_code=422, detail="each category is 1 to 100 characters")
    async with conn.transaction():
        if await store.get_breach(conn, str(breach_id)) is None:
            raise HTTPException(status_code=404, detail="no such breach")
        await store.update_breach(conn, str(breach_id), body.model_dump(exclude_unset=True))
    return await get_breach(breach_id, who, conn)


# --- processors and processing activities ---------------------------------------------------


class ProcessorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=200)
    service: str = Field(min_length=2, max_length=500)  # what they do for the agency
    data_categories: list[str] = Field(min_length=1, max_length=30)
    agreement_date: date


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=200)
    purposes: list[str] = Field(min_length=1, max_length=20)
    data_subjects: str = Field(min_length=2, max_length=200)
    data_categories: list[str] = Field(min_length=1, max_length=30)


def _short_items(items: list[str]) -> None:
    if any(not 1 <= len(i) <= 300 for i in items):
        raise HTTPException(status_code=422, detail="each list item is 1 to 300 characters")


@router.post("/processors", status_code=201)
async def add_processor(
    body: ProcessorIn, who: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    _short_items(body.data_categories)
    fields = body.model_dump() | {"id": new_id(), "created_by": who.user_id}
    await store.insert_processor(conn, fields)
    return {k: (str(v) if k == "id" else v) for k, v in fields.items()}


@router.get("/processors")
async def list_processors(
    _: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> list[dict[str, Any]]:
    return [_plain(r) for r in await store.list_processors(conn)]


@router.post("/activities", status_code=201)
async def add_activity(
    body: ActivityIn, who: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    _short_items(body.purposes + body.data_categories)
    fields = body.model_dump() | {"id": new_id(), "created_by": who.user_id}
    if not await store.insert_activity(conn, fields):
        raise HTTPException(status_code=409, detail="an activity with this name exists")
    return fields


@router.get("/activities")
async def list_activities(
    _: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> list[dict[str, Any]]:
    return [_plain(r) for r in await store.list_activities(conn)]


@router.put("/processors/{processor_id}")
async def edit_processor(
    processor_id: UUID,
    body: ProcessorIn,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    """The register is kept current: a processor's service, data or agreement changes."""
    _short_items(body.data_categories)
    row = await registers_sql.update_processor(conn, str(processor_id), body.model_dump())
    if row is None:
        raise HTTPException(status_code=404, detail="no such processor")
    return _plain(row)


@router.put("/activities/{activity_id}")
async def edit_activity(
    activity_id: UUID,
    body: ActivityIn,
    _: Actor = Depends(officer),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    _short_items(body.purposes + body.data_categories)
    try:
        row = await registers_sql.update_activity(conn, str(activity_id), body.model_dump())
    except asyncpg.UniqueViolationError as exc:
        raise HTTPException(status_code=409, detail="an activity with this name exists") from exc
    if row is None:
        raise HTTPException(status_code=404, detail="no such activity")
    return _plain(row)


def _plain(row: asyncpg.Record) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, UUID) else v) for k, v in dict(row).items()}


# --- privacy statements ---------------------------------------------------------------------


async def seed_statements(pool: asyncpg.Pool) -> None:
    """The 2018-05 statement the agency published is the first version."""
    version, published, title = FIRST_STATEMENT
    body = (STATEMENTS / f"{version}.nl.txt").read_text(encoding="utf-8")
    async with pool.acquire() as conn:
        await store.insert_statement(conn, version, published, title, body)


class StatementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    published_on: date
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=100, max_length=200_000)


@router.post("/statements", status_code=201)
async def publish_statement(
    body: StatementIn, _: Actor = Depends(officer), conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    if not await store.insert_statement(
        conn, body.version, body.published_on, body.title, body.body
    ):
        raise HTTPException(status_code=409, detail="this version exists; versions never change")
    return await statement(body.version, conn)


@public.get("/statements")
async def list_statements(conn: asyncpg.Connection = Depends(db_conn)) -> list[dict[str, Any]]:
    """Every version, newest first; earlier versions stay readable."""
    return [dict(r) for r in await store.list_statements(conn)]


@public.get("/statements/current")
async def current_statement(conn: asyncpg.Connection = Depends(db_conn)) -> dict[str, Any]:
    """The version in force today: what the public page shows and registrations consent to."""
    row = await statement_versions.current(conn)
    if row is None:
        raise HTTPException(status_code=404, detail="no statement is in force")
    return {k: row[k] for k in ("version", "published_on", "language", "title", "body")}


@public.get("/statements/{version}")
async def statement(
    version: str | None, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, Any]:
    if version is not None and len(version) > 20:
        raise HTTPException(status_code=404, detail="no such version")
    row = await store.get_statement(conn, version)
    if row is None:
        raise HTTPException(status_code=404, detail="no such version")
    return {k: row[k] for k in ("version", "published_on", "language", "title", "body")}
