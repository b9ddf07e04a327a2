"""SQL for candidate profiles, notes, placements and checks, one function per query."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from . import domain

# Years of experience at query time: finished months plus the job still running.
_YEARS = (
    "((experience_months + CASE WHEN experience_running IS NULL THEN 0 ELSE"
    " (extract(year FROM age(current_date, experience_running)) * 12"
    " + extract(month FROM age(current_date, experience_running)))::int END) / 12)"
)


# The CV part of the search vector, from the candidate's CV texts (weight C).
_CV_VECTOR = (
    "(SELECT setweight(to_tsvector('dutch', coalesce(string_agg(text, ' '), '')), 'C')"
    " FROM cv_texts WHERE candidate_id = $1)"
)


async def index_for_search(conn: asyncpg.Connection, candidate_id: str, d: domain.Derived) -> None:
    """(Re)write the candidate's search row: filters, the small rank vector (names, functions,
    roles) and the full vector with the rest of the profile and the CV text."""
    await conn.execute(
        "INSERT INTO candidate_search AS s (candidate_id, function_types, regions,"
        " postcode_area, available_from, experience_months, experience_running, education_rank,"
        " rank_terms, search)"
        " SELECT $1, $2, $3, $4, $5, $6, $7, $8, r.terms,"
        " r.terms || setweight(to_tsvector('dutch', $10), 'B') || " + _CV_VECTOR + " FROM"
        " (SELECT setweight(to_tsvector('dutch', $9), 'A') AS terms) r"
        " ON CONFLICT (candidate_id) DO UPDATE SET function_types = EXCLUDED.function_types,"
        " regions = EXCLUDED.regions, postcode_area = EXCLUDED.postcode_area,"
        " available_from = EXCLUDED.available_from,"
        " experience_months = EXCLUDED.experience_months,"
        " experience_running = EXCLUDED.experience_running,"
        " education_rank = EXCLUDED.education_rank, rank_terms = EXCLUDED.rank_terms,"
        " search = EXCLUDED.search, updated_at = now()",
        candidate_id,
        d.function_types,
        d.regions,
        d.postcode_area,
        d.available_from,
        d.experience_months,
        d.experience_running,
        d.education_rank,
        d.text_a,
        d.text_b,
    )


async def insert_profile(
    conn: asyncpg.Connection, candidate_id: str, profile: dict[str, Any], d: domain.Derived
) -> None:
    await conn.execute(
        "INSERT INTO candidates (id, profile, email_hash, phone_hash)"
        " VALUES ($1, $2::jsonb, $3, $4)",
        candidate_id,
        json.dumps(profile),
        d.email_hash,
        d.phone_hash,
    )
    await index_for_search(conn, candidate_id, d)


async def replace_profile(
    conn: asyncpg.Connection, candidate_id: str, profile: dict[str, Any], d: domain.Derived
) -> None:
    """Overwrite in place: a corrected value leaves no copy behind in this database."""
    await conn.execute(
        "UPDATE candidates SET profile = $2::jsonb, email_hash = $3, phone_hash = $4,"
        " updated_at = now() WHERE id = $1",
        candidate_id,
        json.dumps(profile),
        d.email_hash,
        d.phone_hash,
    )
    await index_for_search(conn, candidate_id, d)


async def get_profile(conn: asyncpg.Connection, candidate_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, status, profile, created_at, updated_at, last_activity_at,"
        " renewal_started_at, renewal_mailed_at, renewal_reminded_at FROM candidates WHERE id = $1",
        candidate_id,
    )


async def lock_profile(conn: asyncpg.Connection, candidate_id: str) -> asyncpg.Record | None:
    """The profile, locked for a read-modify-write in this transaction."""
    return await conn.fetchrow(
        "SELECT id, status, profile FROM candidates WHERE id = $1 FOR UPDATE", candidate_id
    )


async def set_status(conn: asyncpg.Connection, candidate_id: str, status: str) -> bool:
    """True when the status changed. Only active candidates are listed in search."""
    changed = await conn.fetchval(
        "UPDATE candidates SET status = $2, updated_at = now()"
        " WHERE id = $1 AND status <> $2 RETURNING true",
        candidate_id,
        status,
    )
    await conn.execute(
        "UPDATE candidate_search SET active = $2, updated_at = now() WHERE candidate_id = $1",
        candidate_id,
        status == "active",
    )
    return bool(changed)


async def find_by_hash(
    conn: asyncpg.Connection, email_hash: str | None, phone_hash: str | None
) -> str | None:
    """The oldest profile with this email (else phone) blind index."""
    if email_hash:
        found = (await find_by_emails(conn, [email_hash])).get(email_hash)
        if found:
            return found
    if phone_hash:
        return await conn.fetchval(
            "SELECT id FROM candidates WHERE phone_hash = $1 ORDER BY created_at LIMIT 1",
            phone_hash,
        )
    return None


async def find_by_phones(conn: asyncpg.Connection, phone_hashes: list[str]) -> dict[str, str]:
    """Per phone blind index, the oldest profile with it (those without one are left out)."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (phone_hash) phone_hash, id FROM candidates"
        " WHERE phone_hash = ANY($1) ORDER BY phone_hash, created_at",
        phone_hashes,
    )
    return {r["phone_hash"]: str(r["id"]) for r in rows}


async def find_by_emails(conn: asyncpg.Connection, email_hashes: list[str]) -> dict[str, str]:
    """Per email blind index, the oldest profile with it (those without one are left out)."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (email_hash) email_hash, id FROM candidates"
        " WHERE email_hash = ANY($1) ORDER BY email_hash, created_at",
        email_hashes,
    )
    return {r["email_hash"]: str(r["id"]) for r in rows}


# --- CV text --------------------------------------------------------------------------------


async def put_cv_text(
    conn: asyncpg.Connection, document_id: str, candidate_id: str, text: str
) -> None:
    await conn.execute(
        "INSERT INTO cv_texts(document_id, candidate_id, text) VALUES ($1, $2, $3)"
        " ON CONFLICT (document_id) DO UPDATE SET text = EXCLUDED.text, stored_at = now()",
        document_id,
        candidate_id,
        text,
    )


async def delete_cv_text(conn: asyncpg.Connection, document_id: str) -> int:
    result = await conn.execute("DELETE FROM cv_texts WHERE document_id = $1", document_id)
    return int(result.split()[-1])


async def cv_texts(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT document_id, text, stored_at FROM cv_texts WHERE candidate_id = $1"
        " ORDER BY stored_at",
        candidate_id,
    )


# --- search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    query: str | None = None
    function_types: list[str] | None = None
    available_by: date | None = None
    region: str | None = None
    postcode_area: str | None = None
    min_years_experience: int | None = None
    min_education_rank: int | None = None


# Totals are counted exactly up to here; above it the answer says "at least this many".
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Page:
    rows: list[asyncpg.Record]
    total: int
    total_is_lower_bound: bool


def _matching(f: Filters, tsquery: str | None) -> tuple[list[str], list[Any]]:
    """(WHERE conditions, args) over candidate_search: active candidates only, every filter
    exact; written so that the partial indexes of 004 apply."""
    where = ["active"]
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if tsquery is not None:
        where.append(f"search @@ {arg(tsquery)}::tsquery")
    if f.function_types:
        where.append(f"function_types && {arg(f.function_types)}::text[]")
    if f.available_by:
        where.append(f"available_from <= {arg(f.available_by)}")
    if f.region:
        where.append(f"regions @> ARRAY[{arg(f.region.lower())}::text]")
    if f.postcode_area:
        # Digits only (validated), so the pattern has no wildcard of its own.
        where.append(f"postcode_area LIKE {arg(f.postcode_area + '%')}")
    if f.min_years_experience:
        where.append(f"{_YEARS} >= {arg(f.min_years_experience)}")
    if f.min_education_rank:
        where.append(f"education_rank >= {arg(f.min_education_rank)}")
    return where, args


async def search(conn: asyncpg.Connection, f: Filters, limit: int, offset: int) -> Page:
    """One page, best match first, and the total (exact up to COUNT_LIMIT).

    Relevance is how many of the query's words a candidate's names, functions and roles
    hold (the small rank vector); a match only in descriptions, education or the CV comes
    after; within a level the most recently updated come first. Each level is read in that
    order and only as far as the page needs, so a query matching half the candidates costs
    a page, not half the table. Call inside a transaction."""
    # A plan made for one query's words does not fit another's (a name matches ten
    # candidates, a function thirty thousand): plan each statement for its own values.
    tsquery = await conn.fetchval(
        "SELECT websearch_to_tsquery('dutch', $1)::text"
        " FROM set_config('plan_cache_mode', 'force_custom_plan', true)",
        f.query,
    )
    where, args = _matching(f, tsquery)

    wanted = offset + limit
    seen = 0
    page: list[tuple[str, float]] = []
    for holds, not_above, rank in domain.relevance_levels(tsquery or ""):
        level_args = list(args)
        conditions = list(where)
        if holds:
            level_args.append(holds)
            conditions.append(f"rank_terms @@ ${len(level_args)}::tsquery")
        if not_above:
            level_args.append(not_above)
            conditions.append(f"NOT rank_terms @@ ${len(level_args)}::tsquery")
        level_args.append(wanted - seen)
        ids = await conn.fetch(
            f"SELECT candidate_id FROM candidate_search WHERE {' AND '.join(conditions)}"
            f" ORDER BY updated_at DESC, candidate_id LIMIT ${len(level_args)}",
            *level_args,
        )
        page += [(r["candidate_id"], rank) for r in ids[max(0, offset - seen) :]]
        seen += len(ids)
        if seen >= wanted:
            break

    # The total: reading every level to its end gives it; otherwise it is counted, up to
    # the limit, in the statement that reads the page's details.
    counting = wanted <= seen <= COUNT_LIMIT
    count, details_args = "NULL::bigint", []
    if counting:
        count = (
            f"(SELECT count(*) FROM (SELECT FROM candidate_search WHERE {' AND '.join(where)}"
            f" LIMIT ${len(args) + 1}) m)"
        )
        details_args = [*args, COUNT_LIMIT + 1]
    ids, ranks = len(details_args) + 1, len(details_args) + 2
    rows = await conn.fetch(
        "SELECT p.id, p.rank, c.profile->>'first_name' AS first_name,"
        " c.profile->>'last_name' AS last_name, c.profile->'address'->>'city' AS city,"
        " s.function_types, s.regions, s.available_from, s.education_rank,"
        f" {_YEARS.replace('experience_', 's.experience_')} AS years_experience,"
        f" {count} AS total"
        f" FROM unnest(${ids}::text[], ${ranks}::real[]) WITH ORDINALITY AS p(id, rank, pos)"
        " JOIN candidate_search s ON s.candidate_id = p.id AND s.active"
        " JOIN candidates c ON c.id = p.id ORDER BY p.pos",
        *details_args,
        [cid for cid, _ in page],
        [rank for _, rank in page],
    )
    if seen < wanted:  # every level read to its end
        total, lower_bound = seen, False
    elif not counting:  # a page beyond the counting limit
        total, lower_bound = COUNT_LIMIT, True
    else:
        counted = rows[0]["total"] if rows else seen  # all unsubscribed since: rare
        total, lower_bound = min(counted, COUNT_LIMIT), counted > COUNT_LIMIT
    return Page(rows, total, lower_bound)


# --- notes, placements, checks, exports -----------------------------------------------------


async def add_note(
    conn: asyncpg.Connection, note_id: str, candidate_id: str, author: str, text: str
) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO notes(id, candidate_id, author, text) VALUES ($1, $2, $3, $4)"
        " RETURNING id, author, created_at, text",
        note_id,
        candidate_id,
        author,
        text,
    )


async def notes(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, author, created_at, text FROM notes WHERE candidate_id = $1"
        " ORDER BY created_at, id",
        candidate_id,
    )


async def set_placement(
    conn: asyncpg.Connection, candidate_id: str, assignment_id: str, stage: str, actor: str
) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO placements(candidate_id, assignment_id, stage, updated_by)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (candidate_id, assignment_id) DO UPDATE"
        " SET stage = EXCLUDED.stage, updated_by = EXCLUDED.updated_by, updated_at = now()"
        " RETURNING assignment_id, stage, updated_by, updated_at",
        candidate_id,
        assignment_id,
        stage,
        actor,
    )


async def placements(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT assignment_id, stage, updated_by, updated_at FROM placements"
        " WHERE candidate_id = $1 ORDER BY updated_at",
        candidate_id,
    )


async def add_check(
    conn: asyncpg.Connection, check_id: str, candidate_id: str, assignment_id: str,
    check: dict[str, Any], actor: str,
) -> asyncpg.Record:  # fmt: skip
    return await conn.fetchrow(
        "INSERT INTO placement_checks(id, candidate_id, assignment_id, work_situation,"
        " available_from, hours_per_week, interested, consent, share, checked_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
        check_id,
        candidate_id,
        assignment_id,
        check["work_situation"],
        check["available_from"],
        check["hours_per_week"],
        check["interested"],
        check["consent"],
        check["share"],
        actor,
    )


async def latest_check(
    conn: asyncpg.Connection, candidate_id: str, assignment_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM placement_checks WHERE candidate_id = $1 AND assignment_id = $2"
        " ORDER BY checked_at DESC, id DESC LIMIT 1",
        candidate_id,
        assignment_id,
    )


async def checks(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM placement_checks WHERE candidate_id = $1 ORDER BY checked_at, id",
        candidate_id,
    )


async def add_export(
    conn: asyncpg.Connection, export_id: str, candidate_id: str, assignment_id: str,
    check_id: str, sections: list[str], actor: str,
) -> asyncpg.Record:  # fmt: skip
    return await conn.fetchrow(
        "INSERT INTO client_exports(id, candidate_id, assignment_id, check_id, sections,"
        " exported_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        export_id,
        candidate_id,
        assignment_id,
        check_id,
        sections,
        actor,
    )


async def exports(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM client_exports WHERE candidate_id = $1 ORDER BY exported_at, id",
        candidate_id,
    )


# --- erasure --------------------------------------------------------------------------------


async def identifier_hashes(conn: asyncpg.Connection, candidate_id: str) -> list[tuple[str, str]]:
    """The candidate's email and phone as keyed hashes, (kind, hash) pairs."""
    row = await conn.fetchrow(
        "SELECT email_hash, phone_hash FROM candidates WHERE id = $1", candidate_id
    )
    if row is None:
        return []
    return [(k, row[f"{k}_hash"]) for k in ("email", "phone") if row[f"{k}_hash"]]


async def delete_subject(conn: asyncpg.Connection, candidate_id: str) -> dict[str, int]:
    """Delete everything held about the candidate; counts per kind for the acknowledgement."""
    counts = {}
    for what, sql in (
        ("client_exports", "DELETE FROM client_exports WHERE candidate_id = $1"),
        ("placement_checks", "DELETE FROM placement_checks WHERE candidate_id = $1"),
        ("placements", "DELETE FROM placements WHERE candidate_id = $1"),
        ("notes", "DELETE FROM notes WHERE candidate_id = $1"),
        ("cv_texts", "DELETE FROM cv_texts WHERE candidate_id = $1"),
        ("renewal_tokens", "DELETE FROM renewal_tokens WHERE candidate_id = $1"),
        ("profiles", "DELETE FROM candidates WHERE id = $1"),
    ):
        counts[what] = int((await conn.execute(sql, candidate_id)).split()[-1])
    return counts


async def scan(
    conn: asyncpg.Connection, subject: str | None, email_hash: str | None, phone_hash: str | None
) -> list[dict[str, Any]]:
    """Where anything of a person is still held: by candidate id or keyed hash, per table."""
    rows = await conn.fetch(
        "SELECT 'candidates' AS where, count(*) FROM candidates WHERE id = $1"
        " OR email_hash = $2 OR phone_hash = $3"
        " UNION ALL SELECT 'candidate_search', count(*) FROM candidate_search"
        "  WHERE candidate_id = $1"
        " UNION ALL SELECT 'cv_texts', count(*) FROM cv_texts WHERE candidate_id = $1"
        " UNION ALL SELECT 'notes', count(*) FROM notes WHERE candidate_id = $1"
        " UNION ALL SELECT 'placements', count(*) FROM placements WHERE candidate_id = $1"
        " UNION ALL SELECT 'placement_checks', count(*) FROM placement_checks"
        "  WHERE candidate_id = $1"
        " UNION ALL SELECT 'client_exports', count(*) FROM client_exports WHERE candidate_id = $1"
        " UNION ALL SELECT 'renewal_tokens', count(*) FROM renewal_tokens"
        "  WHERE candidate_id = $1",
        subject,
        email_hash,
        phone_hash,
    )
    return [{"where": r["where"], "count": r["count"]} for r in rows if r["count"]]


# --- retention ------------------------------------------------------------------------------


async def touch(conn: asyncpg.Connection, candidate_id: str, at: datetime | None = None) -> None:
    """Activity (now, or at `at` for another service's event, which may arrive late or be
    replayed): the clock starts again and a renewal cycle started before it ends (its link
    still works until it expires). Once erasure was asked for, nothing reopens the cycle."""
    await conn.execute(
        "UPDATE candidates c SET last_activity_at = greatest(c.last_activity_at, t.at),"
        " renewal_started_at = CASE WHEN c.renewal_started_at < t.at THEN NULL"
        "  ELSE c.renewal_started_at END,"
        " renewal_mailed_at = CASE WHEN c.renewal_started_at < t.at THEN NULL"
        "  ELSE c.renewal_mailed_at END,"
        " renewal_reminded_at = CASE WHEN c.renewal_started_at < t.at THEN NULL"
        "  ELSE c.renewal_reminded_at END"
        " FROM (SELECT least(coalesce($2, now()), now()) AS at) t"
        " WHERE c.id = $1 AND c.retention_closed_at IS NULL",
        candidate_id,
        at,
    )


async def claim_renewal_due(
    conn: asyncpg.Connection, inactive_since: datetime, skip: list[str]
) -> asyncpg.Record | None:
    """One candidate due for a renewal request, locked; rows another instance holds are
    skipped, as are those that failed earlier in this round."""
    return await conn.fetchrow(
        "SELECT id, status, email_hash, phone_hash, profile->>'email' AS email,"
        " profile->>'first_name' AS first_name FROM candidates"
        " WHERE retention_closed_at IS NULL AND renewal_started_at IS NULL"
        " AND last_activity_at < $1 AND NOT (id = ANY($2::text[]))"
        " ORDER BY last_activity_at LIMIT 1 FOR UPDATE SKIP LOCKED",
        inactive_since,
        skip,
    )


async def start_renewal(
    conn: asyncpg.Connection, candidate_id: str, mailed: bool, token_hash: str | None,
    expires_at: datetime,
) -> None:  # fmt: skip
    await conn.execute(
        "UPDATE candidates SET renewal_started_at = now(), renewal_reminded_at = NULL,"
        " renewal_mailed_at = CASE WHEN $2 THEN now() END WHERE id = $1",
        candidate_id,
        mailed,
    )
    if token_hash is not None:
        await insert_renewal_token(conn, candidate_id, token_hash, expires_at)


async def insert_renewal_token(
    conn: asyncpg.Connection, candidate_id: str, token_hash: str, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO renewal_tokens(token_hash, candidate_id, expires_at) VALUES ($1, $2, $3)",
        token_hash,
        candidate_id,
        expires_at,
    )


async def claim_reminder_due(
    conn: asyncpg.Connection, asked_before: datetime, lapsed_before: datetime, skip: list[str]
) -> asyncpg.Record | None:
    """One candidate whose cycle is due for its reminder (mailed the first time, not
    reminded, not lapsed yet), locked; as claim_renewal_due."""
    return await conn.fetchrow(
        "SELECT id, status, email_hash, phone_hash, profile->>'email' AS email,"
        " profile->>'first_name' AS first_name, renewal_started_at FROM candidates"
        " WHERE retention_closed_at IS NULL AND renewal_mailed_at IS NOT NULL"
        " AND renewal_reminded_at IS NULL AND renewal_started_at < $1"
        " AND renewal_started_at >= $2 AND NOT (id = ANY($3::text[]))"
        " ORDER BY renewal_started_at LIMIT 1 FOR UPDATE SKIP LOCKED",
        asked_before,
        lapsed_before,
        skip,
    )


async def mark_reminded(conn: asyncpg.Connection, candidate_id: str) -> None:
    await conn.execute(
        "UPDATE candidates SET renewal_reminded_at = now() WHERE id = $1", candidate_id
    )


async def close_lapsed(
    conn: asyncpg.Connection, asked_before: datetime, limit: int
) -> list[asyncpg.Record]:
    """Close the cycles whose grace period is over (locked rows are left to their holder)."""
    return await conn.fetch(
        "UPDATE candidates c SET retention_closed_at = now(), retention_outcome = 'lapsed'"
        " FROM (SELECT id FROM candidates WHERE retention_closed_at IS NULL"
        "  AND renewal_started_at < $1 ORDER BY renewal_started_at LIMIT $2"
        "  FOR UPDATE SKIP LOCKED) due"
        " WHERE c.id = due.id RETURNING c.id, c.renewal_started_at, c.renewal_mailed_at",
        asked_before,
        limit,
    )


async def close_retention(conn: asyncpg.Connection, candidate_id: str, outcome: str) -> None:
    await conn.execute(
        "UPDATE candidates SET retention_closed_at = now(), retention_outcome = $2 WHERE id = $1",
        candidate_id,
        outcome,
    )


async def lock_renewal_token(conn: asyncpg.Connection, token_hash: str) -> asyncpg.Record | None:
    """The link with its candidate's retention state; the link row is locked, so two clicks
    at once cannot both use it."""
    return await conn.fetchrow(
        "SELECT t.candidate_id, t.expires_at, t.used_at,"
        " c.id IS NULL OR c.retention_closed_at IS NOT NULL AS closed"
        " FROM renewal_tokens t LEFT JOIN candidates c ON c.id = t.candidate_id"
        " WHERE t.token_hash = $1 FOR UPDATE OF t",
        token_hash,
    )


async def use_renewal_token(conn: asyncpg.Connection, token_hash: str, used_for: str) -> None:
    await conn.execute(
        "UPDATE renewal_tokens SET used_at = now(), used_for = $2 WHERE token_hash = $1",
        token_hash,
        used_for,
    )


async def renewals_running(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Candidates asked to renew whose grace period runs: the officer's list (ids only)."""
    return await conn.fetch(
        "SELECT id, status, last_activity_at, renewal_started_at, renewal_mailed_at,"
        " renewal_reminded_at FROM candidates"
        " WHERE retention_closed_at IS NULL AND renewal_started_at IS NOT NULL"
        " ORDER BY renewal_started_at LIMIT $1",
        limit,
    )


async def renewals_due(conn: asyncpg.Connection, inactive_since: datetime) -> int:
    """Inactive long enough, not asked yet: the next sweep asks them."""
    return await conn.fetchval(
        "SELECT count(*) FROM candidates WHERE retention_closed_at IS NULL"
        " AND renewal_started_at IS NULL AND last_activity_at < $1",
        inactive_since,
    )
