"""SQL for data-subject requests, one function per query."""

from datetime import date

import asyncpg


async def insert_request(
    conn: asyncpg.Connection,
    request_id: str,
    type_: str,
    status: str,
    subject: str | None,
    subject_kind: str,
    email_hash: str | None,
    due: date,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO requests(id, type, status, subject, subject_kind, email_hash, due_on,"
        " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        request_id,
        type_,
        status,
        subject,
        subject_kind,
        email_hash,
        due,
        actor,
    )
    await conn.execute(
        "INSERT INTO request_events(request_id, status, actor) VALUES ($1, $2, $3)",
        request_id,
        status,
        actor,
    )


async def set_status(conn: asyncpg.Connection, request_id: str, status: str, actor: str) -> None:
    await conn.execute(
        "UPDATE requests SET status = $2,"
        " completed_at = CASE WHEN $2 = 'complete' THEN now() ELSE completed_at END"
        " WHERE id = $1",
        request_id,
        status,
    )
    await conn.execute(
        "INSERT INTO request_events(request_id, status, actor) VALUES ($1, $2, $3)",
        request_id,
        status,
        actor,
    )


async def add_pending(conn: asyncpg.Connection, request_id: str, services: tuple[str, ...]) -> None:
    await conn.executemany(
        "INSERT INTO request_progress(request_id, service, status) VALUES ($1, $2, 'pending')"
        " ON CONFLICT DO NOTHING",
        [(request_id, s) for s in services],
    )


async def mark_done(
    conn: asyncpg.Connection, request_id: str, service: str, counts_json: str
) -> None:
    await conn.execute(
        "UPDATE request_progress SET status = 'done', done_at = now(), counts = $3::jsonb"
        " WHERE request_id = $1 AND service = $2",
        request_id,
        service,
        counts_json,
    )


async def pending_count(conn: asyncpg.Connection, request_id: str) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM request_progress WHERE request_id = $1 AND status = 'pending'",
        request_id,
    )


async def get_request(conn: asyncpg.Connection, request_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM requests WHERE id = $1", request_id)


async def get_progress(conn: asyncpg.Connection, request_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT service, status, sent_at, done_at, counts FROM request_progress"
        " WHERE request_id = $1 ORDER BY service",
        request_id,
    )
