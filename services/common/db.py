"""Connection pool and SQL migrations, applied at start-up under an advisory lock."""

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
from fastapi import Request

COMMON_MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every instance of a service.
_MIGRATION_LOCK = 7_204_551


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn, min_size=1, max_size=max_size, command_timeout=30, reset=_no_session_state
    )


async def _no_session_state(conn: asyncpg.Connection) -> None:
    """Released connections skip asyncpg's reset query (RESET ALL, UNLISTEN *, unlock all):
    one round trip per release, five per registration in intake alone. Safe because nothing
    here keeps session state: settings are SET LOCAL / set_config(..., true), the migration
    lock is released where it is taken, and the relay's LISTEN connection is never returned
    while it listens. asyncpg still rolls back a transaction left open."""


async def migrate(pool: asyncpg.Pool, service_migrations: Path) -> list[str]:
    """Apply the kit's tables (outbox, inbox, tombstones) then the service's own, once each.

    Several instances may start together: the advisory lock makes one of them do the work.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            for prefix, folder in (("common", COMMON_MIGRATIONS), ("service", service_migrations)):
                for path in sorted(folder.glob("*.sql")):
                    name = f"{prefix}/{path.name}"
                    if name in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(path.read_text())
                        await conn.execute("INSERT INTO schema_migrations(name) VALUES ($1)", name)
                    applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied


async def db_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """FastAPI dependency: one pooled connection for the request."""
    async with request.app.state.pool.acquire() as conn:
        yield conn
