"""SQL for candidate profiles, notes, placements and checks, one function per query."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from . import domain

# Years of experience at query time: finished months plus the job still running.
_YEARS = (
    "((experience_months + CASE WHEN experience_running IS NULL THEN 0 ELSE"
    " (extract(year FROM age(current_date, experience_running)) * 12"
    " + extract(month FROM age(current_date, experience_running)))::int END) / 12)"
)


_DERIVED_SET = (
    "email_hash = $3, phone_hash = $4, function_types = $5, regions = $6, postcode_area = $7,"
    " available_from = $8, experience_months = $9, experience_running = $10,"
    " education_rank = $11,"
    " profile_terms = setweight(to_tsvector('dutch', $12), 'A')"
    " || setweight(to_tsvector('dutch', $13), 'B')"
)


def _derived_args(d: domain.Derived) -> tuple[Any, ...]:
    return (
        d.email_hash,
        d.phone_hash,
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
    """A new profile; its CV terms too, as a CV's text may have arrived before the profile."""
    await conn.execute(
        "INSERT INTO candidates (id, profile, email_hash, phone_hash, function_types,"
        " regions, postcode_area, available_from, experience_months, experience_running,"
        " education_rank, profile_terms, cv_terms)"
        " VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
        " setweight(to_tsvector('dutch', $12), 'A') || setweight(to_tsvector('dutch', $13), 'B'),"
        " (SELECT setweight(to_tsvector('dutch', coalesce(string_agg(text, ' '), '')), 'C')"
        "  FROM cv_texts WHERE candidate_id = $1))",
        candidate_id,
        json.dumps(profile),
        *_derived_args(d),
    )


async def replace_profile(
    conn: asyncpg.Connection, candidate_id: str, profile: dict[str, Any], d: domain.Derived
) -> None:
    """Overwrite in place: a corrected value leaves no copy behind in this database."""
    await conn.execute(
        f"UPDATE candidates SET profile = $2::jsonb, {_DERIVED_SET}, updated_at = now()"
        " WHERE id = $1",
        candidate_id,
        json.dumps(profile),
        *_derived_args(d),
    )


async def get_profile(conn: asyncpg.Connection, candidate_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, status, profile, created_at, updated_at FROM candidates WHERE id = $1",
        candidate_id,
    )


async def lock_profile(conn: asyncpg.Connection, candidate_id: str) -> asyncpg.Record | None:
    """The profile, locked for a read-modify-write in this transaction."""
    return await conn.fetchrow(
        "SELECT id, status, profile FROM candidates WHERE id = $1 FOR UPDATE", candidate_id
    )


async def set_status(conn: asyncpg.Connection, candidate_id: str, status: str) -> bool:
    """True when the status changed."""
    return bool(
        await conn.fetchval(
            "UPDATE candidates SET status = $2, updated_at = now()"
            " WHERE id = $1 AND status <> $2 RETURNING true",
            candidate_id,
            status,
        )
    )


async def find_by_hash(
    conn: asyncpg.Connection, email_hash: str | None, phone_hash: str | None
) -> str | None:
    """The oldest profile with this email (else phone) blind index."""
    if email_hash:
        found = await conn.fetchval(
            "SELECT id FROM candidates WHERE email_hash = $1 ORDER BY created_at LIMIT 1",
            email_hash,
        )
        if found:
            return found
    if phone_hash:
        return await conn.fetchval(
            "SELECT id FROM candidates WHERE phone_hash = $1 ORDER BY created_at LIMIT 1",
            phone_hash,
        )
    return None


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


async def refresh_cv_terms(conn: asyncpg.Connection, candidate_id: str) -> bool:
    """Re-index the candidate's CV texts; False when there is no profile (yet)."""
    return bool(
        await conn.fetchval(
            "UPDATE candidates SET cv_terms = (SELECT setweight(to_tsvector('dutch',"
            " coalesce(string_agg(text, ' '), '')), 'C') FROM cv_texts WHERE candidate_id = $1)"
            " WHERE id = $1 RETURNING true",
            candidate_id,
        )
    )


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


def _matching(f: Filters) -> tuple[str, str, list[Any]]:
    """(WHERE clause, rank expression, args): active candidates only, never the unsubscribed."""
    where = ["status = 'active'"]
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    rank = "0::real"
    if f.query:
        q = f"websearch_to_tsquery('dutch', {arg(f.query)})"
        where.append(f"search @@ {q}")
        rank = f"ts_rank(search, {q})"
    if f.function_types:
        where.append(f"function_types && {arg(f.function_types)}::text[]")
    if f.available_by:
        where.append(f"available_from <= {arg(f.available_by)}")
    if f.region:
        where.append(f"{arg(f.region.lower())} = ANY(regions)")
    if f.postcode_area:
        where.append(f"postcode_area LIKE {arg(f.postcode_area)} || '%'")
    if f.min_years_experience:
        where.append(f"{_YEARS} >= {arg(f.min_years_experience)}")
    if f.min_education_rank:
        where.append(f"education_rank >= {arg(f.min_education_rank)}")
    return " AND ".join(where), rank, args


async def search(
    conn: asyncpg.Connection, f: Filters, limit: int, offset: int
) -> list[asyncpg.Record]:
    """One page, best match first (then most recently updated), each row with the total."""
    where, rank, args = _matching(f)
    n = len(args)
    sql = (
        "SELECT id, profile->>'first_name' AS first_name, profile->>'last_name' AS last_name,"
        " profile->'address'->>'city' AS city, function_types, regions, available_from,"
        f" education_rank, {_YEARS} AS years_experience, {rank} AS rank,"
        " count(*) OVER () AS total"
        f" FROM candidates WHERE {where}"
        f" ORDER BY rank DESC, updated_at DESC, id LIMIT ${n + 1} OFFSET ${n + 2}"
    )
    return await conn.fetch(sql, *args, limit, offset)


async def search_total(conn: asyncpg.Connection, f: Filters) -> int:
    where, _, args = _matching(f)
    return await conn.fetchval(f"SELECT count(*) FROM candidates WHERE {where}", *args)


async def count_active(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM candidates WHERE status = 'active'")


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


async def delete_subject(conn: asyncpg.Connection, candidate_id: str) -> dict[str, int]:
    """Delete everything held about the candidate; counts per kind for the acknowledgement."""
    counts = {}
    for what, sql in (
        ("client_exports", "DELETE FROM client_exports WHERE candidate_id = $1"),
        ("placement_checks", "DELETE FROM placement_checks WHERE candidate_id = $1"),
        ("placements", "DELETE FROM placements WHERE candidate_id = $1"),
        ("notes", "DELETE FROM notes WHERE candidate_id = $1"),
        ("cv_texts", "DELETE FROM cv_texts WHERE candidate_id = $1"),
        ("profiles", "DELETE FROM candidates WHERE id = $1"),
    ):
        counts[what] = int((await conn.execute(sql, candidate_id)).split()[-1])
    return counts
