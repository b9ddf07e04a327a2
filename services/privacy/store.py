"""SQL for the privacy ledger, one function per query."""

import json
from datetime import date, datetime
from typing import Any

import asyncpg

# --- requests -------------------------------------------------------------------------------


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
    *,
    channel: str = "officer",
    sealed_changes: str | None = None,
) -> bool:
    """False when an open request of this type for this person already exists (linked)."""
    inserted = await conn.fetchval(
        "INSERT INTO requests(id, type, status, subject, subject_kind, email_hash, due_on,"
        " created_by, channel, sealed_changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (type, (coalesce(subject, email_hash)))"
        " WHERE status IN ('received', 'in_progress', 'error') DO NOTHING RETURNING true",
        request_id,
        type_,
        status,
        subject,
        subject_kind,
        email_hash,
        due,
        actor,
        channel,
        sealed_changes,
    )
    if inserted:
        await add_event(conn, request_id, status, actor)
    return bool(inserted)


async def find_open(
    conn: asyncpg.Connection, type_: str, person: str | None
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM requests WHERE type = $1 AND coalesce(subject, email_hash) = $2"
        " AND status IN ('received', 'in_progress', 'error')",
        type_,
        person,
    )


async def link(conn: asyncpg.Connection, request_id: str, actor: str, channel: str) -> None:
    await conn.execute(
        "INSERT INTO request_links(request_id, actor, channel) VALUES ($1, $2, $3)",
        request_id,
        actor,
        channel,
    )
    await add_event(conn, request_id, None, actor, f"repeated request linked ({channel})")


async def count_links(conn: asyncpg.Connection, request_id: str) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM request_links WHERE request_id = $1", request_id
    )


async def add_event(
    conn: asyncpg.Connection,
    request_id: str,
    status: str | None,
    actor: str,
    note: str | None = None,
) -> None:
    """A status change (or, with status None, a note) with its time and who acted."""
    if status is None:
        status = await conn.fetchval("SELECT status FROM requests WHERE id = $1", request_id)
    await conn.execute(
        "INSERT INTO request_events(request_id, status, actor, note) VALUES ($1, $2, $3, $4)",
        request_id,
        status,
        actor,
        note,
    )


async def set_status(
    conn: asyncpg.Connection,
    request_id: str,
    status: str,
    actor: str,
    note: str | None = None,
) -> None:
    await conn.execute(
        "UPDATE requests SET status = $2,"
        " completed_at = CASE WHEN $2 = 'complete' THEN now() ELSE completed_at END,"
        " error = CASE WHEN $2 = 'error' THEN $3 ELSE NULL END"
        " WHERE id = $1",
        request_id,
        status,
        note,
    )
    await add_event(conn, request_id, status, actor, note)


async def complete(conn: asyncpg.Connection, request_id: str, actor: str) -> bytes | None:
    """`set_status(..., "complete")` in one round trip; a rectification's sealed new values
    are dropped, as they live with their owner now. Returns the sealed address of a
    self-service request (for its completion mail), read in the same round trip."""
    return await conn.fetchval(
        "WITH done AS ("
        "  UPDATE requests SET status = 'complete', completed_at = now(), error = NULL,"
        "  sealed_changes = NULL WHERE id = $1 RETURNING id),"
        " event AS (INSERT INTO request_events(request_id, status, actor)"
        "  SELECT id, 'complete', $2 FROM done)"
        " SELECT s.address FROM selfservice_sealed s JOIN done ON s.request_id = done.id",
        request_id,
        actor,
    )


async def set_subject(conn: asyncpg.Connection, request_id: str, subject: str, kind: str) -> None:
    await conn.execute(
        "UPDATE requests SET subject = $2, subject_kind = $3 WHERE id = $1",
        request_id,
        subject,
        kind,
    )


async def set_sealed_changes(conn: asyncpg.Connection, request_id: str, sealed: str) -> None:
    await conn.execute("UPDATE requests SET sealed_changes = $2 WHERE id = $1", request_id, sealed)


async def set_phone_hash(conn: asyncpg.Connection, request_id: str, phone_hash: str) -> None:
    await conn.execute("UPDATE requests SET phone_hash = $2 WHERE id = $1", request_id, phone_hash)


async def set_note(conn: asyncpg.Connection, request_id: str, note: str) -> None:
    await conn.execute("UPDATE requests SET note = $2 WHERE id = $1", request_id, note)


async def extend(
    conn: asyncpg.Connection, request_id: str, due: date, days: int, actor: str, reason: str
) -> None:
    await conn.execute(
        "UPDATE requests SET due_on = $2, extended_days = extended_days + $3 WHERE id = $1",
        request_id,
        due,
        days,
    )
    await add_event(conn, request_id, None, actor, f"deadline extended by {days}: {reason}")


async def get_request(
    conn: asyncpg.Connection, request_id: str, *, lock: bool = False
) -> asyncpg.Record | None:
    sql = "SELECT * FROM requests WHERE id = $1" + (" FOR UPDATE" if lock else "")
    return await conn.fetchrow(sql, request_id)


async def list_requests(
    conn: asyncpg.Connection, status: str | None, limit: int
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM requests WHERE ($1::text IS NULL OR status = $1)"
        " ORDER BY received_at DESC LIMIT $2",
        status,
        limit,
    )


async def requests_of_subject(conn: asyncpg.Connection, subject: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, type, status, channel, received_at, due_on, completed_at FROM requests"
        " WHERE subject = $1 ORDER BY received_at",
        subject,
    )


async def get_events(conn: asyncpg.Connection, request_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT at, status, actor, note FROM request_events WHERE request_id = $1 ORDER BY at, seq",
        request_id,
    )


async def open_requests(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM requests WHERE status IN ('received', 'in_progress', 'error')"
    )


# --- self-service codes ---------------------------------------------------------------------


async def set_code(
    conn: asyncpg.Connection, request_id: str, code_hash: str, expires_at: datetime
) -> None:
    await conn.execute(
        "UPDATE requests SET code_hash = $2, code_expires_at = $3, code_attempts = 0 WHERE id = $1",
        request_id,
        code_hash,
        expires_at,
    )


async def count_code_attempt(conn: asyncpg.Connection, request_id: str) -> int:
    return await conn.fetchval(
        "UPDATE requests SET code_attempts = code_attempts + 1 WHERE id = $1"
        " RETURNING code_attempts",
        request_id,
    )


async def code_to_new_address(
    conn: asyncpg.Connection, request_id: str, code_hash: str, expires_at: datetime
) -> None:
    """The next code goes to the new address of an email correction (attempts start afresh)."""
    await set_code(conn, request_id, code_hash, expires_at)
    await conn.execute("UPDATE requests SET code_sent_to = 'new_address' WHERE id = $1", request_id)


async def clear_code(conn: asyncpg.Connection, request_id: str) -> None:
    await conn.execute(
        "UPDATE requests SET code_hash = NULL, code_expires_at = NULL WHERE id = $1", request_id
    )


async def expired_unverified(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT id FROM requests WHERE status = 'identity_unverified'"
        " AND code_expires_at < now() - interval '1 day'"
    )
    return [str(r["id"]) for r in rows]


# Namespace of the self-service limit locks (the two-key form, apart from SUBJECT_LOCK's).
LIMIT_LOCK = 7_204_554


async def lock_buckets(conn: asyncpg.Connection, buckets: list[str]) -> None:
    """Counting and recording attempts take turns per bucket until the transaction ends, so
    parallel requests are counted one by one: none decides on a count another is about to
    raise. Taken in one order, so two requests never wait on each other crosswise."""
    for bucket in sorted(set(buckets)):
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", LIMIT_LOCK, bucket)


async def record_attempt(conn: asyncpg.Connection, bucket: str) -> None:
    await conn.execute("INSERT INTO selfservice_attempts(bucket) VALUES ($1)", bucket)


async def recent_attempts(conn: asyncpg.Connection, bucket: str, seconds: int) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM selfservice_attempts"
        " WHERE bucket = $1 AND at > now() - make_interval(secs => $2)",
        bucket,
        seconds,
    )


async def forget_old_attempts(conn: asyncpg.Connection) -> None:
    await conn.execute("DELETE FROM selfservice_attempts WHERE at < now() - interval '1 day'")


# --- self-service: sealed address and corrections -----------------------------------------


async def hold_sealed(
    conn: asyncpg.Connection, request_id: str, address: bytes, changes: bytes | None
) -> None:
    await conn.execute(
        "INSERT INTO selfservice_sealed(request_id, address, changes) VALUES ($1, $2, $3)",
        request_id,
        address,
        changes,
    )


async def get_sealed(conn: asyncpg.Connection, request_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM selfservice_sealed WHERE request_id = $1 FOR UPDATE", request_id
    )


async def drop_sealed_changes(conn: asyncpg.Connection, request_id: str) -> None:
    await conn.execute(
        "UPDATE selfservice_sealed SET changes = NULL WHERE request_id = $1", request_id
    )


async def drop_sealed(conn: asyncpg.Connection, request_id: str) -> None:
    await conn.execute("DELETE FROM selfservice_sealed WHERE request_id = $1", request_id)


async def move_sealed(conn: asyncpg.Connection, request_id: str, to_request: str) -> None:
    """A request folded into an open one: its person hears when that one completes (unless
    that one already has an address to tell)."""
    await conn.execute(
        "WITH gone AS (DELETE FROM selfservice_sealed WHERE request_id = $1 RETURNING address)"
        " INSERT INTO selfservice_sealed(request_id, address) SELECT $2, address FROM gone"
        " ON CONFLICT DO NOTHING",
        request_id,
        to_request,
    )


async def drop_sealed_of_subject(conn: asyncpg.Connection, subject: str, keep: str) -> None:
    """An erasure: the addresses held for the person's other requests go now (the erasure's
    own completion mail is the one answer they get)."""
    await conn.execute(
        "DELETE FROM selfservice_sealed WHERE request_id <> $2"
        " AND request_id IN (SELECT id FROM requests WHERE subject = $1)",
        subject,
        keep,
    )


async def mail_failed(conn: asyncpg.Connection, request_id: str) -> int:
    return await conn.fetchval(
        "UPDATE selfservice_sealed SET mail_attempts = mail_attempts + 1 WHERE request_id = $1"
        " RETURNING mail_attempts",
        request_id,
    )


async def sealed_to_settle(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Held addresses whose request is final: a completion mail still to send (it failed
    before), or a closed request whose address must simply go; also those whose code expired
    unused (nobody can verify that request any more, so nobody is owed a mail)."""
    return await conn.fetch(
        "SELECT s.request_id, r.status FROM selfservice_sealed s"
        " JOIN requests r ON r.id = s.request_id WHERE r.status IN ('complete', 'cancelled')"
        " OR (r.status = 'identity_unverified' AND r.code_expires_at IS NULL)"
        " OR (r.status = 'identity_unverified' AND r.code_expires_at < now())"
    )


async def set_download_hash(conn: asyncpg.Connection, request_id: str, token_hash: str) -> None:
    await conn.execute(
        "UPDATE exports SET download_hash = $2 WHERE request_id = $1", request_id, token_hash
    )


# --- fan-out progress -----------------------------------------------------------------------


async def add_pending(conn: asyncpg.Connection, request_id: str, services: tuple[str, ...]) -> None:
    await conn.executemany(
        "INSERT INTO request_progress(request_id, service, status) VALUES ($1, $2, 'pending')"
        " ON CONFLICT DO NOTHING",
        [(request_id, s) for s in services],
    )


async def mark_done(
    conn: asyncpg.Connection, request_id: str, service: str, counts: dict[str, Any]
) -> int | None:
    """Record a service's answer; returns how many services are still missing, or None when
    this answer changes nothing (the first answer counts, a re-sent command's second does not).

    One round trip: the pending count is read from the snapshot before the update, so the
    row marked here is still counted in it.
    """
    row = await conn.fetchrow(
        "WITH marked AS ("
        "  UPDATE request_progress SET status = 'done', done_at = now(), counts = $3::jsonb"
        "  WHERE request_id = $1 AND service = $2 AND status = 'pending' RETURNING 1)"
        " SELECT (SELECT count(*) FROM marked) AS marked,"
        " (SELECT count(*) FROM request_progress WHERE request_id = $1 AND status = 'pending')"
        "  AS pending",
        request_id,
        service,
        json.dumps(counts),
    )
    if not row["marked"]:
        return None
    return row["pending"] - row["marked"]


async def ask_everyone_again(conn: asyncpg.Connection, request_id: str) -> None:
    """Every service's answer counts as missing again (their slices were deleted)."""
    await conn.execute(
        "UPDATE request_progress SET status = 'pending', done_at = NULL, counts = NULL"
        " WHERE request_id = $1",
        request_id,
    )


async def pending_services(conn: asyncpg.Connection, request_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT service, sent_at, attempts FROM request_progress"
        " WHERE request_id = $1 AND status = 'pending' ORDER BY service",
        request_id,
    )


async def mark_resent(
    conn: asyncpg.Connection, request_id: str, services: list[str], reset: bool = False
) -> None:
    await conn.execute(
        "UPDATE request_progress SET sent_at = now(),"
        " attempts = CASE WHEN $3 THEN 1 ELSE attempts + 1 END"
        " WHERE request_id = $1 AND service = ANY($2::text[])",
        request_id,
        services,
        reset,
    )


async def get_progress(conn: asyncpg.Connection, request_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT service, status, sent_at, done_at, counts, attempts FROM request_progress"
        " WHERE request_id = $1 ORDER BY service",
        request_id,
    )


# --- subjects and suppression ---------------------------------------------------------------


async def remember_hashes(
    conn: asyncpg.Connection,
    subject: str,
    email_hash: str | None,
    phone_hash: str | None,
    *,
    came_back: bool,
) -> None:
    """A registration's hashes: what it leaves out stays as known (a returning candidate's
    registration is merged into the profile the same way). `came_back`: the registrant proved
    to own the address (registered_since counts only such a registration as the person's
    return; someone typing their phone is not)."""
    await _index_hashes(
        conn, subject, email_hash, phone_hash, "candidate", registration=True, came_back=came_back
    )


async def correct_hashes(
    conn: asyncpg.Connection,
    subject: str,
    email_hash: str | None,
    phone_hash: str | None,
    kind: str,
) -> None:
    """The owner's hashes after a correction, exactly (a phone or email taken out goes too)."""
    await _index_hashes(conn, subject, email_hash, phone_hash, kind, registration=False)


async def _index_hashes(
    conn: asyncpg.Connection,
    subject: str,
    email_hash: str | None,
    phone_hash: str | None,
    kind: str,
    *,
    registration: bool,
    came_back: bool = False,
) -> None:
    """Set the subject's current hashes; those they replace are kept as former ones."""
    old = await conn.fetchrow(
        "SELECT email_hash, phone_hash FROM subject_index WHERE subject = $1 FOR UPDATE", subject
    )
    if registration and old is not None:
        email_hash = email_hash or old["email_hash"]
        phone_hash = phone_hash or old["phone_hash"]
    # updated_at is when a registration proven by its registrant was last read
    # (registered_since: the person came back); a correction or a registration nobody proved
    # is not that, so it leaves the time alone ('-infinity': none read).
    await conn.execute(
        "INSERT INTO subject_index(subject, email_hash, phone_hash, updated_at)"
        " VALUES ($1, $2, $3, CASE WHEN $4 THEN now() ELSE '-infinity' END)"
        " ON CONFLICT (subject) DO UPDATE SET"
        " email_hash = EXCLUDED.email_hash, phone_hash = EXCLUDED.phone_hash,"
        " updated_at = CASE WHEN $4 THEN now() ELSE subject_index.updated_at END",
        subject,
        email_hash,
        phone_hash,
        came_back,
    )
    current = [h for h in (email_hash, phone_hash) if h]
    if old is not None:
        replaced = [
            (what, old[f"{what}_hash"])
            for what in ("email", "phone")
            if old[f"{what}_hash"] and old[f"{what}_hash"] not in current
        ]
        await conn.executemany(
            "INSERT INTO subject_former_hashes(subject, kind, hash, subject_kind)"
            " VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (subject, hash) DO UPDATE SET replaced_at = now()",
            [(subject, what, h, kind) for what, h in replaced],
        )
    await conn.execute(
        "DELETE FROM subject_former_hashes WHERE subject = $1 AND hash = ANY($2::text[])",
        subject,
        current,
    )


async def hashes_of(conn: asyncpg.Connection, subject: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT email_hash, phone_hash FROM subject_index WHERE subject = $1", subject
    )


async def former_hashes_of(conn: asyncpg.Connection, subject: str) -> list[tuple[str, str]]:
    rows = await conn.fetch(
        "SELECT kind, hash FROM subject_former_hashes WHERE subject = $1", subject
    )
    return [(r["kind"], r["hash"]) for r in rows]


async def former_owner(conn: asyncpg.Connection, email_hash: str) -> tuple[str, str] | None:
    """(subject, kind) of whoever last gave this email before correcting it (None: nobody)."""
    row = await conn.fetchrow(
        "SELECT subject, subject_kind FROM subject_former_hashes WHERE hash = $1"
        " AND kind = 'email' ORDER BY replaced_at DESC LIMIT 1",
        email_hash,
    )
    return (row["subject"], row["subject_kind"]) if row else None


async def forget_subject_index(conn: asyncpg.Connection, subject: str) -> None:
    await conn.execute("DELETE FROM subject_index WHERE subject = $1", subject)
    await conn.execute("DELETE FROM subject_former_hashes WHERE subject = $1", subject)


async def registered_since(
    conn: asyncpg.Connection, hashes: list[str], since: datetime
) -> set[str]:
    """Those of `hashes` that a registration read after `since` carries: the person came back."""
    rows = await conn.fetch(
        "SELECT email_hash, phone_hash FROM subject_index WHERE updated_at > $2"
        " AND (email_hash = ANY($1) OR phone_hash = ANY($1))",
        hashes,
        since,
    )
    return {h for r in rows for h in (r["email_hash"], r["phone_hash"]) if h in hashes}


async def suppress(
    conn: asyncpg.Connection, hashes: list[tuple[str, str]], reason: str, request_id: str
) -> None:
    await conn.executemany(
        "INSERT INTO suppression(hash, kind, reason, request_id) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (hash) DO NOTHING",
        [(h, kind, reason, request_id) for kind, h in hashes],
    )


async def is_suppressed(conn: asyncpg.Connection, hashes: list[str]) -> bool:
    return bool(await conn.fetchval("SELECT true FROM suppression WHERE hash = ANY($1)", hashes))


async def suppressed_among(conn: asyncpg.Connection, hashes: list[str]) -> set[str]:
    rows = await conn.fetch("SELECT hash FROM suppression WHERE hash = ANY($1)", hashes)
    return {r["hash"] for r in rows}


async def lift_suppression(
    conn: asyncpg.Connection,
    proven: list[str],
    hashes: list[str],
    subject: str,
    registration_id: str | None,
) -> int:
    """Lift the suppression of the `proven` hashes (the person showed they own them), and of
    those of `hashes` suppressed by the same request as a proven one: the same person's other
    identifier, from the same forget-me or unsubscribe (say their phone with their email).
    A hash suppressed by another request stays: nothing shows it is this person's."""
    result = await conn.execute(
        "WITH same AS (SELECT request_id FROM suppression WHERE hash = ANY($1)"
        "  AND request_id IS NOT NULL)"
        " DELETE FROM suppression WHERE hash = ANY($1)"
        " OR (hash = ANY($2) AND request_id IN (SELECT request_id FROM same))",
        proven,
        hashes,
    )
    lifted = int(result.split()[-1])
    if lifted:
        await conn.execute(
            "INSERT INTO suppression_lifts(subject, registration_id, hashes) VALUES ($1, $2, $3)",
            subject,
            registration_id,
            lifted,
        )
    return lifted


# --- exports --------------------------------------------------------------------------------

# Namespace of the per-subject advisory locks (the two-key form: apart from housekeeping's).
SUBJECT_LOCK = 7_204_553


async def lock_subject(conn: asyncpg.Connection, subject: str) -> bool:
    """Erasure and access take turns per person: held until the transaction ends. Returns
    whether the person is erased, read in a statement of its own so that its snapshot is
    taken after the wait (an erasure that held the lock has committed its tombstone)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", SUBJECT_LOCK, subject)
    return bool(await conn.fetchval("SELECT true FROM tombstones WHERE subject = $1", subject))


async def insert_export(
    conn: asyncpg.Connection, request_id: str, subject: str, bucket: str, prefix: str
) -> None:
    await conn.execute(
        "INSERT INTO exports(request_id, subject, bucket, prefix) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        request_id,
        subject,
        bucket,
        prefix,
    )


async def get_export(
    conn: asyncpg.Connection, request_id: str, *, lock: bool = False
) -> asyncpg.Record | None:
    sql = "SELECT * FROM exports WHERE request_id = $1"
    return await conn.fetchrow(sql + (" FOR UPDATE" if lock else ""), request_id)


async def add_slice(
    conn: asyncpg.Connection, request_id: str, service: str, info: dict[str, Any]
) -> None:
    await conn.execute(
        "UPDATE exports SET slices = slices || jsonb_build_object($2::text, $3::jsonb)"
        " WHERE request_id = $1",
        request_id,
        service,
        json.dumps(info),
    )


async def export_ready(
    conn: asyncpg.Connection, request_id: str, obj: str, expires_at: datetime
) -> None:
    await conn.execute(
        "UPDATE exports SET object = $2, ready_at = now(), expires_at = $3 WHERE request_id = $1",
        request_id,
        obj,
        expires_at,
    )


async def exports_to_delete(
    conn: asyncpg.Connection, subject: str | None = None
) -> list[asyncpg.Record]:
    """Expired exports, or (given a subject being erased) all of that subject's."""
    if subject is not None:
        return await conn.fetch(
            "SELECT * FROM exports WHERE subject = $1 AND deleted_at IS NULL", subject
        )
    return await conn.fetch("SELECT * FROM exports WHERE deleted_at IS NULL AND expires_at < now()")


async def stopped_exports(conn: asyncpg.Connection, keep_hours: float) -> list[asyncpg.Record]:
    """Exports of access requests that will not complete on their own: cancelled ones, and
    those in error (a service never answered) for longer than `keep_hours`. Their partial
    contents (the other services' slices) are personal data, and no expiry was ever set."""
    return await conn.fetch(
        "SELECT e.* FROM exports e JOIN requests r ON r.id = e.request_id"
        " WHERE e.deleted_at IS NULL AND (r.status = 'cancelled' OR (r.status = 'error' AND"
        "  (SELECT max(v.at) FROM request_events v WHERE v.request_id = r.id"
        "   AND v.status = 'error') < now() - make_interval(secs => $1)))",
        keep_hours * 3600,
    )


async def reopen_export(conn: asyncpg.Connection, request_id: str) -> None:
    """A deleted partial export starts again, empty, under the same prefix."""
    await conn.execute(
        "UPDATE exports SET deleted_at = NULL, slices = '{}', object = NULL, ready_at = NULL,"
        " expires_at = NULL WHERE request_id = $1",
        request_id,
    )


async def exports_deleted_within(conn: asyncpg.Connection, hours: float) -> list[asyncpg.Record]:
    """Exports deleted in the last `hours`: their prefixes should be empty, and are made so."""
    return await conn.fetch(
        "SELECT request_id, bucket, prefix FROM exports"
        " WHERE deleted_at > now() - make_interval(secs => $1)",
        hours * 3600,
    )


async def export_deleted(conn: asyncpg.Connection, request_id: str) -> None:
    await conn.execute("UPDATE exports SET deleted_at = now() WHERE request_id = $1", request_id)


# --- verification scan jobs -----------------------------------------------------------------

SCAN_JOB_COLUMNS = (
    "id, status, request_id, started_by, looks_for, created_at, started_at, finished_at,"
    " progress, result, error"
)


async def insert_scan_job(
    conn: asyncpg.Connection,
    job_id: str,
    request_id: str | None,
    started_by: str,
    looks_for: list[str],
) -> None:
    await conn.execute(
        "INSERT INTO scan_jobs(id, request_id, started_by, looks_for) VALUES ($1, $2, $3, $4)",
        job_id,
        request_id,
        started_by,
        looks_for,
    )


async def scan_job_running(conn: asyncpg.Connection, job_id: str) -> None:
    await conn.execute(
        "UPDATE scan_jobs SET status = 'running', started_at = now(), alive_at = now()"
        " WHERE id = $1 AND status = 'queued'",
        job_id,
    )


async def scan_jobs_alive(conn: asyncpg.Connection, progress: dict[str, dict[str, Any]]) -> None:
    """This instance's open jobs are alive, with their progress so far."""
    await conn.executemany(
        "UPDATE scan_jobs SET alive_at = now(), progress = $2::jsonb"
        " WHERE id = $1 AND finished_at IS NULL",
        [(job_id, json.dumps(p)) for job_id, p in progress.items()],
    )


async def finish_scan_job(
    conn: asyncpg.Connection,
    job_id: str,
    status: str,
    progress: dict[str, Any],
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    await conn.execute(
        "UPDATE scan_jobs SET status = $2, finished_at = now(), alive_at = now(),"
        " progress = $3::jsonb, result = $4::jsonb, error = $5"
        # A job thought stale (its instance too busy to touch it) that finishes after all
        # still records its outcome.
        " WHERE id = $1 AND status IN ('queued', 'running', 'interrupted')",
        job_id,
        status,
        json.dumps(progress),
        json.dumps(result) if result is not None else None,
        error,
    )


async def interrupt_stale_scan_jobs(
    conn: asyncpg.Connection, stale_seconds: float, job_id: str | None = None
) -> int:
    """Jobs whose instance stopped touching them (it stopped or crashed) are interrupted:
    their identifiers were in that process's memory only, so nothing can resume them."""
    status = await conn.execute(
        "UPDATE scan_jobs SET status = 'interrupted', finished_at = now(),"
        " error = 'the privacy service stopped during the scan; start it again'"
        " WHERE finished_at IS NULL AND alive_at < now() - make_interval(secs => $1)"
        " AND ($2::uuid IS NULL OR id = $2)",
        stale_seconds,
        job_id,
    )
    return int(status.split()[-1])


async def get_scan_job(conn: asyncpg.Connection, job_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {SCAN_JOB_COLUMNS} FROM scan_jobs WHERE id = $1", job_id)


async def list_scan_jobs(
    conn: asyncpg.Connection, request_id: str | None, limit: int
) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"SELECT {SCAN_JOB_COLUMNS} FROM scan_jobs"
        " WHERE $1::uuid IS NULL OR request_id = $1 ORDER BY created_at DESC LIMIT $2",
        request_id,
        limit,
    )


async def forget_old_scan_jobs(conn: asyncpg.Connection, keep_hours: float) -> int:
    status = await conn.execute(
        "DELETE FROM scan_jobs WHERE finished_at < now() - make_interval(secs => $1)",
        keep_hours * 3600,
    )
    return int(status.split()[-1])


# --- alerts ---------------------------------------------------------------------------------


async def claim_alert(conn: asyncpg.Connection, ref: str, kind: str) -> bool:
    """True the first time only: each alert goes out once."""
    return bool(
        await conn.fetchval(
            "INSERT INTO alerts_sent(ref, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            " RETURNING true",
            ref,
            kind,
        )
    )


# --- registers ------------------------------------------------------------------------------


async def insert_breach(conn: asyncpg.Connection, breach_id: str, fields: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO breaches(id, summary, occurred_at, discovered_at, categories,"
        " people_affected, measures, notify_people, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        breach_id,
        fields["summary"],
        fields["occurred_at"],
        fields["discovered_at"],
        fields["categories"],
        fields["people_affected"],
        fields["measures"],
        fields["notify_people"],
        fields["created_by"],
    )


async def update_breach(conn: asyncpg.Connection, breach_id: str, fields: dict[str, Any]) -> None:
    allowed = (
        "measures",
        "notify_people",
        "people_affected",
        "categories",
        "reported_to_ap_at",
        "people_notified_at",
        "closed_at",
    )
    sets = [(k, v) for k, v in fields.items() if k in allowed]
    if not sets:
        return
    assignments = ", ".join(f"{k} = ${i + 2}" for i, (k, _) in enumerate(sets))
    await conn.execute(
        f"UPDATE breaches SET {assignments} WHERE id = $1", breach_id, *[v for _, v in sets]
    )


async def get_breach(conn: asyncpg.Connection, breach_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM breaches WHERE id = $1", breach_id)


async def list_breaches(conn: asyncpg.Connection, open_only: bool = False) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM breaches WHERE NOT $1 OR closed_at IS NULL ORDER BY discovered_at DESC",
        open_only,
    )


async def insert_processor(conn: asyncpg.Connection, fields: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO processors(id, name, service, data_categories, agreement_date, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        fields["id"],
        fields["name"],
        fields["service"],
        fields["data_categories"],
        fields["agreement_date"],
        fields["created_by"],
    )


async def list_processors(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM processors ORDER BY name")


async def insert_activity(conn: asyncpg.Connection, fields: dict[str, Any]) -> bool:
    return bool(
        await conn.fetchval(
            "INSERT INTO processing_activities(id, name, purposes, data_subjects,"
            " data_categories, created_by) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (name) DO NOTHING RETURNING true",
            fields["id"],
            fields["name"],
            fields["purposes"],
            fields["data_subjects"],
            fields["data_categories"],
            fields["created_by"],
        )
    )


async def list_activities(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM processing_activities ORDER BY created_at, name")


# --- privacy statements ---------------------------------------------------------------------


async def insert_statement(
    conn: asyncpg.Connection, version: str, published_on: date, title: str, body: str
) -> bool:
    return bool(
        await conn.fetchval(
            "INSERT INTO statements(version, published_on, title, body) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING RETURNING true",
            version,
            published_on,
            title,
            body,
        )
    )


async def list_statements(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT version, published_on, language, title FROM statements"
        " ORDER BY published_on DESC, version DESC"
    )


async def get_statement(conn: asyncpg.Connection, version: str | None) -> asyncpg.Record | None:
    if version is None:
        return await conn.fetchrow(
            "SELECT * FROM statements ORDER BY published_on DESC, version DESC LIMIT 1"
        )
    return await conn.fetchrow("SELECT * FROM statements WHERE version = $1", version)
