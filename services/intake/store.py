"""SQL for registrations, one function per query."""

import json
from typing import Any

import asyncpg


async def insert_registration(
    conn: asyncpg.Connection, reg_id: str, subject: str, status: str, data: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO registrations(id, subject, status, data) VALUES ($1, $2, $3, $4::jsonb)",
        reg_id,
        subject,
        status,
        json.dumps(data),
    )


async def delete_registration(conn: asyncpg.Connection, reg_id: str) -> int:
    result = await conn.execute("DELETE FROM registrations WHERE id = $1", reg_id)
    return int(result.split()[-1])


async def delete_subject(conn: asyncpg.Connection, subject: str) -> int:
    result = await conn.execute("DELETE FROM registrations WHERE subject = $1", subject)
    return int(result.split()[-1])


async def get_status(conn: asyncpg.Connection, reg_id: str) -> str | None:
    return await conn.fetchval("SELECT status FROM registrations WHERE id = $1", reg_id)
