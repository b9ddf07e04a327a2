"""SQL for candidate profiles, one function per query."""

import json
from typing import Any

import asyncpg


async def upsert_profile(
    conn: asyncpg.Connection, candidate_id: str, profile: dict[str, Any]
) -> bool:
    """Returns True when the profile is new."""
    return await conn.fetchval(
        "INSERT INTO candidates(id, profile) VALUES ($1, $2::jsonb)"
        " ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = now()"
        " RETURNING xmax = 0",
        candidate_id,
        json.dumps(profile),
    )


async def get_profile(conn: asyncpg.Connection, candidate_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM candidates WHERE id = $1", candidate_id)


async def delete_candidate(conn: asyncpg.Connection, candidate_id: str) -> int:
    result = await conn.execute("DELETE FROM candidates WHERE id = $1", candidate_id)
    return int(result.split()[-1])
