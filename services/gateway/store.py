"""SQL for users, sessions, failed sign-ins and the audit trail, one function per query."""

from datetime import datetime
from typing import Any

import asyncpg

# --- users ---------------------------------------------------------------------------------


async def insert_user(
    conn: asyncpg.Connection, user_id: str, username: str, role: str, password_hash: str
) -> bool:
    """False when the name is taken."""
    return bool(
        await conn.fetchval(
            "INSERT INTO users(id, username, role, password_hash) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (username) DO NOTHING RETURNING true",
            user_id,
            username,
            role,
            password_hash,
        )
    )


async def get_user_by_name(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM users WHERE username = $1", username)


async def set_password(conn: asyncpg.Connection, username: str, password_hash: str) -> bool:
    result = await conn.execute(
        "UPDATE users SET password_hash = $2, password_set_at = now() WHERE username = $1",
        username,
        password_hash,
    )
    return result != "UPDATE 0"


async def set_password_hash_only(
    conn: asyncpg.Connection, user_id: str, password_hash: str
) -> None:
    """A rehash with newer parameters: the password itself did not change."""
    await conn.execute("UPDATE users SET password_hash = $2 WHERE id = $1", user_id, password_hash)


async def set_role(conn: asyncpg.Connection, user_id: str, role: str) -> None:
    await conn.execute("UPDATE users SET role = $2 WHERE id = $1", user_id, role)


async def set_disabled(conn: asyncpg.Connection, user_id: str, disabled: bool) -> None:
    await conn.execute("UPDATE users SET disabled = $2 WHERE id = $1", user_id, disabled)


async def lock_active_admins(conn: asyncpg.Connection) -> list[str]:
    """The ids of the admins who can sign in, their rows locked until the transaction ends."""
    rows = await conn.fetch(
        "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE"
    )
    return [r["id"] for r in rows]


async def count_users(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM users")


async def list_users(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, username, role, disabled, created_at FROM users ORDER BY username"
    )


# --- sessions ------------------------------------------------------------------------------


async def insert_session(
    conn: asyncpg.Connection, token_hash: str, user_id: str, csrf: str, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO sessions(token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
        token_hash,
        user_id,
        csrf,
        expires_at,
    )


async def touch_session(
    conn: asyncpg.Connection, token_hash: str, idle_seconds: float
) -> asyncpg.Record | None:
    """The live session with its user, its idle clock restarted; None if expired or unknown."""
    return await conn.fetchrow(
        "UPDATE sessions s SET last_seen = now() FROM users u"
        " WHERE s.token_hash = $1 AND u.id = s.user_id AND NOT u.disabled"
        " AND s.expires_at > now() AND s.last_seen > now() - make_interval(secs => $2)"
        " RETURNING s.token_hash, s.csrf_token, u.id AS user_id, u.username, u.role",
        token_hash,
        idle_seconds,
    )


async def delete_session(conn: asyncpg.Connection, token_hash: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)


async def delete_user_sessions(conn: asyncpg.Connection, user_id: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE user_id = $1", user_id)


async def delete_other_sessions(conn: asyncpg.Connection, user_id: str, keep: str) -> None:
    await conn.execute(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", user_id, keep
    )


async def delete_expired_sessions(conn: asyncpg.Connection, idle_seconds: float) -> None:
    await conn.execute(
        "DELETE FROM sessions WHERE expires_at < now()"
        " OR last_seen < now() - make_interval(secs => $1)",
        idle_seconds,
    )


# --- failed sign-ins -----------------------------------------------------------------------


async def purge_failures(conn: asyncpg.Connection, window_seconds: float) -> None:
    """Failures older than the window no longer count: they are deleted."""
    await conn.execute(
        "DELETE FROM login_failures WHERE at < now() - make_interval(secs => $1)", window_seconds
    )


async def add_failure(conn: asyncpg.Connection, username: str, client: str) -> int:
    """Count an attempt as a failure before its password is checked (committed at once), so
    parallel guesses see each other and cannot slip past the limits together."""
    return await conn.fetchval(
        "INSERT INTO login_failures(username, client) VALUES ($1, $2) RETURNING id",
        username,
        client,
    )


async def failures_around(
    conn: asyncpg.Connection, username: str, client: str, window_seconds: float, own: int
) -> asyncpg.Record:
    """The failures within the window besides attempt `own`: of this name from this address,
    from this address, everywhere; and the database's clock, which the times come from."""
    return await conn.fetchrow(
        "SELECT"
        " count(*) FILTER (WHERE username = $1 AND client = $2) AS pair,"
        " max(at) FILTER (WHERE username = $1 AND client = $2) AS pair_last,"
        " count(*) FILTER (WHERE client = $2) AS client,"
        " min(at) FILTER (WHERE client = $2) AS client_oldest,"
        " max(at) FILTER (WHERE client = $2) AS client_last,"
        " count(*) AS total, now() AS now"
        " FROM login_failures"
        " WHERE at >= now() - make_interval(secs => $3) AND id <> $4",
        username,
        client,
        window_seconds,
        own,
    )


async def drop_failure(conn: asyncpg.Connection, failure_id: int) -> None:
    """An attempt held back unchecked is no failure: it must not lengthen anyone's wait."""
    await conn.execute("DELETE FROM login_failures WHERE id = $1", failure_id)


async def clear_failures(conn: asyncpg.Connection, username: str, client: str | None) -> None:
    """After a sign-in from `client`: that address's failures of the name. After a password
    reset (`client` None): the name's failures from everywhere."""
    await conn.execute(
        "DELETE FROM login_failures WHERE username = $1 AND ($2::text IS NULL OR client = $2)",
        username,
        client,
    )


# --- audit ---------------------------------------------------------------------------------


async def insert_audit(
    conn: asyncpg.Connection,
    event_id: str,
    at: datetime,
    source: str,
    actor: str,
    role: str,
    action: str,
    resource: str,
    subject: str | None,
) -> None:
    await conn.execute(
        "INSERT INTO audit(event_id, at, source, actor, role, action, resource, subject)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        event_id,
        at,
        source,
        actor,
        role,
        action,
        resource,
        subject,
    )


AUDIT_WHERE = (
    " WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR actor = $2)"
    " AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)"
)
AUDIT_COLUMNS = "event_id, at, source, actor, role, action, resource, subject"


async def query_audit(
    conn: asyncpg.Connection,
    subject: str | None,
    actor: str | None,
    limit: int,
    offset: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[asyncpg.Record]:
    """Newest first; `since` inclusive, `until` exclusive."""
    return await conn.fetch(
        f"SELECT {AUDIT_COLUMNS} FROM audit{AUDIT_WHERE}"
        " ORDER BY at DESC, event_id DESC LIMIT $5 OFFSET $6",
        subject,
        actor,
        since,
        until,
        limit,
        offset,
    )


def audit_cursor(
    conn: asyncpg.Connection,
    subject: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> Any:
    """The same rows as query_audit, read in batches (in a transaction) for an export."""
    return conn.cursor(
        f"SELECT {AUDIT_COLUMNS} FROM audit{AUDIT_WHERE} ORDER BY at DESC, event_id DESC LIMIT $5",
        subject,
        actor,
        since,
        until,
        limit,
    )


async def user_ids_by_name(conn: asyncpg.Connection, username: str) -> list[str]:
    return [r["id"] for r in await conn.fetch("SELECT id FROM users WHERE username = $1", username)]
