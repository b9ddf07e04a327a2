"""SQL for the privacy officer's desk: the filtered, paged request list and the address an
officer-filed request is answered at (held sealed like a self-service one, see notify.py)."""

from datetime import date

import asyncpg


async def list_requests(
    conn: asyncpg.Connection,
    *,
    status: str | None,
    type_: str | None,
    due_by: date | None,
    limit: int,
    offset: int,
) -> list[asyncpg.Record]:
    """Newest first; `due_by`: only open requests due on or before that day (overdue ones
    included)."""
    return await conn.fetch(
        "SELECT id FROM requests WHERE ($1::text IS NULL OR status = $1)"
        " AND ($2::text IS NULL OR type = $2)"
        " AND ($3::date IS NULL OR (due_on <= $3 AND status IN ('received', 'in_progress',"
        " 'error')))"
        " ORDER BY received_at DESC, id LIMIT $4 OFFSET $5",
        status,
        type_,
        due_by,
        limit,
        offset,
    )


async def hold_reply_address(conn: asyncpg.Connection, request_id: str, sealed: bytes) -> None:
    """The address the outcome is mailed to; a request that already has one keeps it (a
    repeat linked to it, say)."""
    await conn.execute(
        "INSERT INTO selfservice_sealed(request_id, address) VALUES ($1, $2)"
        " ON CONFLICT (request_id) DO NOTHING",
        request_id,
        sealed,
    )


async def reply_address(conn: asyncpg.Connection, request_id: str) -> bytes | None:
    return await conn.fetchval(
        "SELECT address FROM selfservice_sealed WHERE request_id = $1", request_id
    )
