"""SQL for registrations, staging files, rejection notices, the rate limit and the counts;
one function per query (or per small unit that must stay together)."""

import json
from datetime import date
from typing import Any

import asyncpg


def _count(status: str) -> int:
    return int(status.split()[-1])


# --- registrations -------------------------------------------------------------------------


async def insert_registration(
    conn: asyncpg.Connection,
    reg_id: str,
    subject: str,
    existing: bool,
    status: str,
    data: dict[str, Any],
    screening: dict[str, Any],
    email_hash: str,
    phone_hash: str,
    file_key: bytes,
) -> None:
    await conn.execute(
        "INSERT INTO registrations(id, subject, existing, status, data, screening, email_hash,"
        " phone_hash, file_key, decided_at)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9,"
        " CASE WHEN $4 = 'accepted' THEN now() END)",
        reg_id,
        subject,
        existing,
        status,
        json.dumps(data),
        json.dumps(screening),
        email_hash,
        phone_hash,
        file_key,
    )


async def insert_file(
    conn: asyncpg.Connection, reg_id: str, file: dict[str, Any], sealed: bytes
) -> None:
    await conn.execute(
        "INSERT INTO registration_files(file_id, registration_id, kind, sealed,"
        " content_type, size, sha256, original_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        file["file_id"],
        reg_id,
        file["kind"],
        sealed,
        file["content_type"],
        file["size"],
        file["sha256"],
        file["original_name"],
    )


async def get_registration(
    conn: asyncpg.Connection, reg_id: str, *, lock: bool = False
) -> asyncpg.Record | None:
    sql = "SELECT * FROM registrations WHERE id = $1"
    return await conn.fetchrow(sql + (" FOR UPDATE" if lock else ""), reg_id)


async def get_status(conn: asyncpg.Connection, reg_id: str) -> str | None:
    return await conn.fetchval("SELECT status FROM registrations WHERE id = $1", reg_id)


_FILE_FACTS = "file_id, registration_id, kind, content_type, size, sha256, original_name, stored"


async def files_of(conn: asyncpg.Connection, reg_id: str) -> list[asyncpg.Record]:
    """The facts of a registration's files (not their bytes)."""
    return await conn.fetch(
        f"SELECT {_FILE_FACTS} FROM registration_files WHERE registration_id = $1 ORDER BY kind",
        reg_id,
    )


async def get_file(conn: asyncpg.Connection, reg_id: str, file_id: str) -> asyncpg.Record | None:
    """The file, sealed, with its registration's status and wrapped key."""
    return await conn.fetchrow(
        "SELECT f.*, r.status, r.file_key FROM registration_files f"
        " JOIN registrations r ON r.id = f.registration_id"
        " WHERE f.registration_id = $1 AND f.file_id = $2",
        reg_id,
        file_id,
    )


async def in_flight_subject(conn: asyncpg.Connection, email_hash: str) -> asyncpg.Record | None:
    """A registration with this email still in progress: the same person, the same subject."""
    return await conn.fetchrow(
        "SELECT subject, existing FROM registrations WHERE email_hash = $1"
        " ORDER BY received_at LIMIT 1",
        email_hash,
    )


async def phone_in_flight(conn: asyncpg.Connection, phone_hash: str) -> bool:
    """Whether a registration in progress gave this phone."""
    return bool(
        await conn.fetchval("SELECT true FROM registrations WHERE phone_hash = $1", phone_hash)
    )


async def hold(
    conn: asyncpg.Connection, reg_id: str, outcome: str, confirm_hash: str, seconds: int
) -> None:
    """A registration just inserted waits for its address's owner (status 'unconfirmed')."""
    await conn.execute(
        "UPDATE registrations SET status = 'unconfirmed', held_outcome = $2, confirm_hash = $3,"
        " confirm_by = now() + make_interval(secs => $4), decided_at = NULL WHERE id = $1",
        reg_id,
        outcome,
        confirm_hash,
        seconds,
    )


async def confirm_held(
    conn: asyncpg.Connection, reg_id: str, subject: str, existing: bool
) -> asyncpg.Record:
    """The owner confirmed: on to where the screening sent it, the address proven; the link is
    spent. Returns the row as it is now."""
    return await conn.fetchrow(
        "UPDATE registrations SET status = held_outcome, subject = $2, existing = $3,"
        " email_verified = true, confirm_hash = NULL, confirm_by = NULL,"
        " decided_at = CASE WHEN held_outcome = 'accepted' THEN now() END"
        " WHERE id = $1 AND status = 'unconfirmed' RETURNING *",
        reg_id,
        subject,
        existing,
    )


async def lock_address(conn: asyncpg.Connection, email_hash: str) -> None:
    """Registrations holding for the same address take turns (until the transaction ends)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext('intake-address:' || $1))", email_hash
    )


async def unconfirmed_for(conn: asyncpg.Connection, email_hash: str) -> int:
    """How many registrations with this email wait for its owner (each mailed a link)."""
    return await conn.fetchval(
        "SELECT count(*) FROM registrations WHERE email_hash = $1 AND status = 'unconfirmed'",
        email_hash,
    )


async def set_candidate(conn: asyncpg.Connection, reg_id: str, candidate: str) -> None:
    """The registration's email turned out to be this candidate's: theirs is the subject."""
    await conn.execute(
        "UPDATE registrations SET subject = $2, existing = true WHERE id = $1", reg_id, candidate
    )


async def unhold(conn: asyncpg.Connection, reg_id: str) -> None:
    """Back to the review queue (its confirmation mail could not be sent)."""
    await conn.execute(
        "UPDATE registrations SET status = 'needs_review', held_outcome = NULL,"
        " confirm_hash = NULL, confirm_by = NULL WHERE id = $1",
        reg_id,
    )


async def expire_unconfirmed(conn: asyncpg.Connection) -> int:
    """Delete every registration whose owner did not confirm in time (its files with it)."""
    return _count(
        await conn.execute(
            "DELETE FROM registrations WHERE status = 'unconfirmed' AND confirm_by < now()"
        )
    )


async def status_shown(conn: asyncpg.Connection, reg_id: str) -> str | None:
    """The status the public sees: a held registration shows where it will go, like any other
    (the answer must not tell that its address is known to us)."""
    return await conn.fetchval(
        "SELECT CASE WHEN status = 'unconfirmed' THEN held_outcome ELSE status END"
        " FROM registrations WHERE id = $1",
        reg_id,
    )


async def review_queue(conn: asyncpg.Connection, limit: int, offset: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM registrations WHERE status = 'needs_review'"
        " ORDER BY received_at LIMIT $1 OFFSET $2",
        limit,
        offset,
    )


async def review_total(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM registrations WHERE status = 'needs_review'")


async def set_accepted(conn: asyncpg.Connection, reg_id: str) -> None:
    await conn.execute(
        "UPDATE registrations SET status = 'accepted', decided_at = now() WHERE id = $1", reg_id
    )


async def confirm_profile(conn: asyncpg.Connection, reg_id: str) -> None:
    await conn.execute("UPDATE registrations SET profile_confirmed = true WHERE id = $1", reg_id)


async def confirm_file(conn: asyncpg.Connection, reg_id: str, file_id: str) -> None:
    """documents answered for this file: stored it, or refused it on its own checks."""
    await conn.execute(
        "UPDATE registration_files SET stored = true WHERE registration_id = $1 AND file_id = $2",
        reg_id,
        file_id,
    )


async def handed_off(conn: asyncpg.Connection, reg_id: str) -> bool:
    """Candidates has the profile and documents has answered for every file."""
    return bool(
        await conn.fetchval(
            "SELECT r.profile_confirmed AND NOT EXISTS (SELECT 1 FROM registration_files f"
            "  WHERE f.registration_id = r.id AND NOT f.stored)"
            " FROM registrations r WHERE r.id = $1 AND r.status = 'accepted'",
            reg_id,
        )
    )


async def delete_registration(conn: asyncpg.Connection, reg_id: str) -> None:
    """Delete the registration; its staged files go with it (ON DELETE CASCADE)."""
    await conn.execute("DELETE FROM registrations WHERE id = $1", reg_id)


async def lock_subject(conn: asyncpg.Connection, subject: str) -> None:
    """Serialise a registration's insert with an erasure of the same subject (same txn)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('intake-subject:' || $1))", subject)


async def registrations_of(conn: asyncpg.Connection, subject: str) -> list[asyncpg.Record]:
    """The subject's registrations for their access export. One still unconfirmed is left out:
    whoever typed it has not shown it is theirs, and what they typed is not the subject's to
    read (it is deleted unconfirmed, or becomes theirs on confirmation)."""
    return await conn.fetch(
        "SELECT * FROM registrations WHERE subject = $1 AND status <> 'unconfirmed'"
        " ORDER BY received_at",
        subject,
    )


async def identifier_hashes(conn: asyncpg.Connection, subject: str) -> list[tuple[str, str]]:
    """The keyed hashes of every registration of the subject, (kind, hash) pairs."""
    # An unconfirmed registration is not (yet) the person's: whoever typed it chose its phone.
    rows = await conn.fetch(
        "SELECT email_hash, phone_hash FROM registrations"
        " WHERE subject = $1 AND status <> 'unconfirmed'",
        subject,
    )
    return [(k, r[f"{k}_hash"]) for r in rows for k in ("email", "phone") if r[f"{k}_hash"]]


async def delete_subject(conn: asyncpg.Connection, subject: str) -> tuple[int, int]:
    """Delete every registration of the subject with its staged files; returns both counts."""
    files = await conn.fetchval(
        "SELECT count(*) FROM registration_files f"
        " JOIN registrations r ON r.id = f.registration_id WHERE r.subject = $1",
        subject,
    )
    n = _count(await conn.execute("DELETE FROM registrations WHERE subject = $1", subject))
    return n, files


async def delete_subject_events(conn: asyncpg.Connection, subject: str) -> int:
    return _count(await conn.execute("DELETE FROM outbox WHERE key = $1", subject))


async def scan(
    conn: asyncpg.Connection, subject: str | None, email_hash: str | None, phone_hash: str | None
) -> dict[str, int]:
    """How much intake holds that matches the subject or its keyed hashes (tombstones aside)."""
    row = await conn.fetchrow(
        "WITH r AS (SELECT id FROM registrations WHERE subject = $1 OR email_hash = $2"
        "  OR phone_hash = $3)"
        " SELECT (SELECT count(*) FROM r) AS registrations,"
        " (SELECT count(*) FROM registration_files WHERE registration_id IN (SELECT id FROM r))"
        "   AS registration_files,"
        " (SELECT count(*) FROM rejection_notices WHERE subject = $1) AS rejection_notices,"
        # The erasure acknowledgement carries the subject id only, like a tombstone.
        " (SELECT count(*) FROM outbox WHERE key = $1 AND topic <> 'privacy.erasure.done')"
        "   AS outbox",
        subject,
        email_hash,
        phone_hash,
    )
    return dict(row)


async def notice_emails(conn: asyncpg.Connection) -> list[str]:
    return [r["email"] for r in await conn.fetch("SELECT email FROM rejection_notices")]


async def in_progress(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Per status: how many registrations are in progress and how old the oldest is."""
    return await conn.fetch(
        "SELECT status, count(*) AS n,"
        " coalesce(extract(epoch FROM now() - min(received_at)), 0) AS oldest_seconds"
        " FROM registrations GROUP BY status"
    )


# --- rejection notices ---------------------------------------------------------------------


async def insert_notice(
    conn: asyncpg.Connection,
    notice_id: str,
    subject: str | None,
    email: str,
    first_name: str,
    criteria: list[str],
    kind: str = "rejected",
    reference: str | None = None,
) -> None:
    """A mail to send: a rejection (with the unmet criteria) or an acknowledgement."""
    await conn.execute(
        "INSERT INTO rejection_notices(id, subject, email, first_name, criteria, kind, reference)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        notice_id,
        subject,
        email,
        first_name,
        criteria,
        kind,
        reference,
    )


async def claim_notices(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Notices that are due, oldest first, locked so another instance does not send them too."""
    return await conn.fetch(
        "SELECT * FROM rejection_notices WHERE next_at <= now()"
        " ORDER BY next_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )


async def delete_notices(conn: asyncpg.Connection, notice_ids: list[Any]) -> None:
    if notice_ids:
        await conn.execute("DELETE FROM rejection_notices WHERE id = ANY($1::uuid[])", notice_ids)


async def postpone_notice(conn: asyncpg.Connection, notice_id: str, seconds: float) -> None:
    await conn.execute(
        "UPDATE rejection_notices SET attempts = attempts + 1,"
        " next_at = now() + make_interval(secs => $2) WHERE id = $1",
        notice_id,
        seconds,
    )


async def pending_notices(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM rejection_notices")


async def delete_subject_notices(conn: asyncpg.Connection, subject: str) -> int:
    return _count(await conn.execute("DELETE FROM rejection_notices WHERE subject = $1", subject))


# --- rate limit ----------------------------------------------------------------------------


async def count_attempt(conn: asyncpg.Connection, client_hash: str, window_seconds: int) -> int:
    """Count an attempt from this client; returns how many it made in its current window, this
    one included. The upsert's row lock makes concurrent requests (any instance) count one by
    one. The window is fixed: it starts with the first attempt after the previous one ran out."""
    return await conn.fetchval(
        "INSERT INTO registration_attempts AS a (client_hash) VALUES ($1)"
        " ON CONFLICT (client_hash) DO UPDATE SET"
        " window_start = CASE WHEN a.window_start < now() - make_interval(secs => $2)"
        "  THEN now() ELSE a.window_start END,"
        " attempts = CASE WHEN a.window_start < now() - make_interval(secs => $2)"
        "  THEN 1 ELSE a.attempts + 1 END"
        " RETURNING attempts",
        client_hash,
        window_seconds,
    )


async def forget_old_attempts(conn: asyncpg.Connection, window_seconds: int) -> int:
    return _count(
        await conn.execute(
            "DELETE FROM registration_attempts"
            " WHERE window_start < now() - make_interval(secs => $1)",
            window_seconds,
        )
    )


# --- counts --------------------------------------------------------------------------------


async def count_decision(
    conn: asyncpg.Connection,
    day: date,
    criteria_version: str,
    decided_by: str,
    outcome: str,
    criteria: list[str],
) -> None:
    """One decision: '*' once, and each criterion that was not met (or needed review). Counted
    in this connection's own rows, so concurrent registrations never wait on one row."""
    await conn.execute(
        "INSERT INTO screening_counts AS c"
        " (day, criteria_version, decided_by, outcome, criterion, shard, n)"
        " SELECT $1, $2, $3, $4, unnest($5::text[]), pg_backend_pid(), 1"
        " ON CONFLICT (day, criteria_version, decided_by, outcome, criterion, shard)"
        " DO UPDATE SET n = c.n + 1",
        day,
        criteria_version,
        decided_by,
        outcome,
        ["*", *dict.fromkeys(criteria)],
    )


async def counts_since(conn: asyncpg.Connection, since: date) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT day, criteria_version, decided_by, outcome, criterion, sum(n)::int AS n"
        " FROM screening_counts WHERE day >= $1"
        " GROUP BY day, criteria_version, decided_by, outcome, criterion"
        " ORDER BY day, criteria_version, decided_by, outcome, criterion",
        since,
    )
