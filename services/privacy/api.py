"""Privacy HTTP API: data-subject requests (via the gateway) and the internal key service."""

import base64
import json
from datetime import datetime
from typing import Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, EmailStr, Field, model_validator

from services.common import outbox
from services.common.auth import Actor, require_service, role
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id
from services.common.topics import DATA_SERVICES, PRIVACY_ERASURE

from . import domain, keystore, store

router = APIRouter()
internal = APIRouter(prefix="/internal", dependencies=[Depends(require_service)])


class SubjectRef(BaseModel):
    email: EmailStr | None = None
    candidate_id: str | None = Field(default=None, max_length=64)
    contact_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def exactly_one(self) -> "SubjectRef":
        given = [v for v in (self.email, self.candidate_id, self.contact_id) if v]
        if len(given) != 1:
            raise ValueError("give exactly one of email, candidate_id, contact_id")
        return self


class RequestIn(BaseModel):
    type: Literal["access", "rectification", "erasure", "unsubscribe"]
    subject: SubjectRef


class ProgressOut(BaseModel):
    service: str
    status: str
    done_at: datetime | None
    deleted: dict[str, Any] | None = None


class RequestOut(BaseModel):
    id: str
    type: str
    status: str
    due_at: str
    received_at: datetime
    completed_at: datetime | None
    progress: list[ProgressOut] = []


async def _request_out(conn: asyncpg.Connection, request_id: str) -> RequestOut:
    row = await store.get_request(conn, request_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such request")
    progress = [
        ProgressOut(
            service=p["service"],
            status=p["status"],
            done_at=p["done_at"],
            deleted=json.loads(p["counts"]) if p["counts"] else None,
        )
        for p in await store.get_progress(conn, request_id)
    ]
    return RequestOut(
        id=str(row["id"]),
        type=row["type"],
        status=row["status"],
        due_at=row["due_on"].isoformat(),
        received_at=row["received_at"],
        completed_at=row["completed_at"],
        progress=progress,
    )


@router.post("/api/privacy/requests", status_code=201, response_model=RequestOut)
async def create_request(
    body: RequestIn,
    who: Actor = Depends(role("privacy_officer", "admin")),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    request_id = new_id()
    subject = body.subject.candidate_id or body.subject.contact_id
    kind = "candidate" if body.subject.candidate_id else "contact" if subject else "email"
    received = datetime.now().date()
    async with conn.transaction():
        await store.insert_request(
            conn,
            request_id,
            body.type,
            "received",
            subject,
            kind,
            None,
            domain.due_on(received),
            who.user_id,
        )
        if body.type == "erasure" and subject:
            await start_erasure(conn, request_id, subject, who.user_id)
    return await _request_out(conn, request_id)


async def start_erasure(
    conn: asyncpg.Connection, request_id: str, subject: str, actor: str
) -> None:
    """Shred the key first: from this moment every sealed copy is unreadable."""
    await keystore.shred(conn, subject)
    await store.add_pending(conn, request_id, DATA_SERVICES)
    await store.set_status(conn, request_id, "in_progress", actor)
    await outbox.record(
        conn,
        PRIVACY_ERASURE,
        Envelope(
            type="erasure.requested",
            source="privacy",
            subject=subject,
            correlation_id=request_id,
            data={"request_id": request_id},
        ),
    )


@router.get("/api/privacy/requests/{request_id}", response_model=RequestOut)
async def get_request(
    request_id: str,
    _: Actor = Depends(role("privacy_officer", "admin")),
    conn: asyncpg.Connection = Depends(db_conn),
) -> RequestOut:
    try:
        return await _request_out(conn, request_id)
    except asyncpg.DataError as exc:
        raise HTTPException(status_code=404, detail="no such request") from exc


@internal.post("/keys/{subject}")
async def key_for(
    subject: str, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    key = await keystore.get_or_create(conn, request.app.state.settings.master_key, subject)
    if key is None:
        raise HTTPException(status_code=410, detail="this subject was erased")
    return {"key": base64.b64encode(key).decode()}


@internal.get("/keys/{subject}")
async def existing_key(
    subject: str, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> dict[str, str]:
    key = await keystore.get(conn, request.app.state.settings.master_key, subject)
    if key is None:
        raise HTTPException(status_code=404, detail="no key for this subject")
    return {"key": base64.b64encode(key).decode()}
