"""Intake HTTP API: the public registration endpoint."""

import asyncpg
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from pydantic import BaseModel, ConfigDict, EmailStr, ValidationError

from services.common import keys, outbox
from services.common.db import db_conn
from services.common.envelope import Envelope, new_id
from services.common.topics import INTAKE_REGISTRATIONS

from . import store
from .bootstrap import service

router = APIRouter()


class Registration(BaseModel):
    model_config = ConfigDict(extra="allow")
    first_name: str
    last_name: str
    email: EmailStr


class Accepted(BaseModel):
    id: str
    status: str
    status_url: str


@router.post("/api/intake/registrations", status_code=202, response_model=Accepted)
async def register(
    registration: str = Form(...),
    cv: UploadFile = File(...),
    photo: UploadFile | None = File(default=None),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Accepted:
    try:
        reg = Registration.model_validate_json(registration)
    except ValidationError as exc:
        raise HTTPException(status_code=422, detail="registration is not valid") from exc
    reg_id, subject = new_id(), new_id()
    key = await service.keys.get_or_create(subject)
    async with conn.transaction():
        await store.insert_registration(conn, reg_id, subject, "accepted", reg.model_dump())
        await outbox.record(
            conn,
            INTAKE_REGISTRATIONS,
            Envelope(
                type="registration.accepted",
                source="intake",
                subject=subject,
                correlation_id=reg_id,
                data={"registration_id": reg_id},
                sealed=keys.seal(key, reg.model_dump(mode="json"), subject),
            ),
        )
    return Accepted(id=reg_id, status="accepted", status_url=f"/api/intake/registrations/{reg_id}")
