"""Subject keys: created on first need, wrapped with the master key, destroyed on erasure."""

import base64
import os

import asyncpg

from services.common.keys import decrypt, encrypt


def _master(master_key_b64: str) -> bytes:
    key = base64.b64decode(master_key_b64)
    if len(key) != 32:
        raise ValueError("MASTER_KEY must be 32 bytes, base64-encoded")
    return key


async def get_or_create(
    conn: asyncpg.Connection, master_key_b64: str, subject: str
) -> bytes | None:
    """The subject's key, made if new; None if the subject was erased (its key is gone)."""
    master = _master(master_key_b64)
    if await conn.fetchval("SELECT true FROM tombstones WHERE subject = $1", subject):
        return None
    fresh = os.urandom(32)
    await conn.execute(
        "INSERT INTO subject_keys(subject, wrapped) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        subject,
        encrypt(master, fresh, subject),
    )
    return await get(conn, master_key_b64, subject)


async def get(conn: asyncpg.Connection, master_key_b64: str, subject: str) -> bytes | None:
    wrapped = await conn.fetchval("SELECT wrapped FROM subject_keys WHERE subject = $1", subject)
    if wrapped is None:
        return None
    return decrypt(_master(master_key_b64), wrapped, subject)


async def shred(conn: asyncpg.Connection, subject: str) -> bool:
    """Destroy the key for good and remember only that (and when) it was destroyed."""
    deleted = await conn.fetchval(
        "DELETE FROM subject_keys WHERE subject = $1 RETURNING true", subject
    )
    await conn.execute(
        "INSERT INTO tombstones(subject) VALUES ($1) ON CONFLICT DO NOTHING", subject
    )
    return bool(deleted)
