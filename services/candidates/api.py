"""Candidates HTTP API for recruiters (through the gateway)."""

import json
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, HTTPException

from services.common.auth import Actor, role
from services.common.db import db_conn

from . import store

router = APIRouter()


@router.get("/api/candidates/{candidate_id}")
async def get_candidate(
    candidate_id: str,
    _: Actor = Depends(role("recruiter", "admin")),
    conn: asyncpg.Connection = Depends(db_conn),
) -> dict[str, Any]:
    row = await store.get_profile(conn, candidate_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such candidate")
    return {"id": row["id"], "status": row["status"], **json.loads(row["profile"])}
