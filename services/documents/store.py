"""SQL for document metadata, one function per query."""

import asyncpg


async def lock_subject(conn: asyncpg.Connection, subject: str) -> None:
    """Serialise a subject's uploads and erasure (until the transaction ends), so an upload
    that races an erasure either is deleted by it or sees the tombstone and stores nothing."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 42))", subject)


async def insert_document(
    conn: asyncpg.Connection,
    *,
    document_id: str,
    subject: str,
    kind: str,
    name_sealed: bytes,
    size: int,
    sha256: str,
    content_type: str,
    bucket: str,
    object_name: str,
    version_id: str | None,
    registration_id: str | None,
    file_id: str | None,
    uploaded_by: str,
) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO documents(id, subject, kind, name_sealed, size, sha256, content_type,"
        " bucket, object_name, version_id, registration_id, file_id, uploaded_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *",
        document_id,
        subject,
        kind,
        name_sealed,
        size,
        sha256,
        content_type,
        bucket,
        object_name,
        version_id,
        registration_id,
        file_id,
        uploaded_by,
    )


async def exists(conn: asyncpg.Connection, document_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM documents WHERE id = $1", document_id))


async def get_document(conn: asyncpg.Connection, document_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM documents WHERE id = $1", document_id)


async def list_for_subject(conn: asyncpg.Connection, subject: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM documents WHERE subject = $1 ORDER BY uploaded_at, id", subject
    )


async def delete_document(conn: asyncpg.Connection, document_id: str) -> int:
    result = await conn.execute("DELETE FROM documents WHERE id = $1", document_id)
    return int(result.split()[-1])


async def delete_subject(conn: asyncpg.Connection, subject: str) -> int:
    result = await conn.execute("DELETE FROM documents WHERE subject = $1", subject)
    return int(result.split()[-1])


async def count_for_subject(conn: asyncpg.Connection, subject: str) -> int:
    return await conn.fetchval("SELECT count(*) FROM documents WHERE subject = $1", subject)
