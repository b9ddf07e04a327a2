"""Which privacy statement is in force: the latest published on or before today (a version
dated later is published ahead and takes over on its day); on one day, the last one added."""

import asyncpg


async def current(conn: asyncpg.Connection) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM statements WHERE published_on <= current_date"
        " ORDER BY published_on DESC, created_at DESC LIMIT 1"
    )
