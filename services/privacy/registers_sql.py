"""SQL for editing the art. 30 registers (processors, processing activities); adding and
listing them is in store.py."""

from typing import Any

import asyncpg


async def update_processor(
    conn: asyncpg.Connection, processor_id: str, fields: dict[str, Any]
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "UPDATE processors SET name = $2, service = $3, data_categories = $4,"
        " agreement_date = $5 WHERE id = $1 RETURNING *",
        processor_id,
        fields["name"],
        fields["service"],
        fields["data_categories"],
        fields["agreement_date"],
    )


async def update_activity(
    conn: asyncpg.Connection, activity_id: str, fields: dict[str, Any]
) -> asyncpg.Record | None:
    """None when there is no such activity; raises UniqueViolationError when another
    activity has the new name."""
    return await conn.fetchrow(
        "UPDATE processing_activities SET name = $2, purposes = $3, data_subjects = $4,"
        " data_categories = $5 WHERE id = $1 RETURNING *",
        activity_id,
        fields["name"],
        fields["purposes"],
        fields["data_subjects"],
        fields["data_categories"],
    )
