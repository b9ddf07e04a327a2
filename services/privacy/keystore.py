"""Subject keys: created on first need, wrapped with the master key, destroyed on erasure."""

import base64
import os

import asyncpg

from services.common.keys import decrypt, encrypt

from .store import SUBJECT_LOCK


def _master(master_key_b64: str) -> bytes:
    key = base64.b64decode(master_key_b64)
    if len(key) != 32:
        raise ValueError("MASTER_KEY must be 32 bytes, base64-encoded")
    return key


async def get_or_create_many(
    conn: asyncpg.Connection, master_key_b64: str, subjects: list[str]
) -> dict[str, bytes]:
    """The subjects' keys, made where new; an erased subject (its key is gone) is left out.
    Each subject's lock (the one erasure holds while it shreds) is taken first, in a
    transaction of its own (a savepoint inside the caller's), so that a key is never made
    again between an erasure's shredding and its commit."""
    master = _master(master_key_b64)
    subjects = sorted(set(subjects))  # one lock order for every caller: no deadlock
    async with conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(s)) FROM unnest($2::text[]) AS s",
            SUBJECT_LOCK,
            subjects,
        )
        erased = await conn.fetch(
            "SELECT subject FROM tombstones WHERE subject = ANY($1)", subjects
        )
        fresh = [s for s in subjects if s not in {r["subject"] for r in erased}]
        if fresh:
            await conn.execute(
                "INSERT INTO subject_keys(subject, wrapped)"
                " SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT DO NOTHING",
                fresh,
                [encrypt(master, os.urandom(32), s) for s in fresh],
            )
        return await get_many(conn, master_key_b64, fresh)


async def get_many(
    conn: asyncpg.Connection, master_key_b64: str, subjects: list[str]
) -> dict[str, bytes]:
    """The subjects' keys; a subject without one (erased, or never keyed) is left out."""
    master = _master(master_key_b64)
    rows = await conn.fetch(
        "SELECT subject, wrapped FROM subject_keys WHERE subject = ANY($1)", subjects
    )
    return {r["subject"]: decrypt(master, r["wrapped"], r["subject"]) for r in rows}


async def get_or_create(
    conn: asyncpg.Connection, master_key_b64: str, subject: str
) -> bytes | None:
    """The subject's key, made if new; None if the subject was erased (its key is gone)."""
    return (await get_or_create_many(conn, master_key_b64, [subject])).get(subject)


async def get(conn: asyncpg.Connection, master_key_b64: str, subject: str) -> bytes | None:
    return (await get_many(conn, master_key_b64, [subject])).get(subject)


async def shred(conn: asyncpg.Connection, subject: str) -> bool:
    """Destroy the key for good and remember only that (and when) it was destroyed."""
    deleted = await conn.fetchval(
        "DELETE FROM subject_keys WHERE subject = $1 RETURNING true", subject
    )
    await conn.execute(
        "INSERT INTO tombstones(subject) VALUES ($1) ON CONFLICT DO NOTHING", subject
    )
    return bool(deleted)
