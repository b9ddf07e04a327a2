"""The owners' side of privacy's subject index: a person's email and phone as keyed hashes.

privacy finds people by these (requests by email) and suppresses them (unsubscribe, forget-me),
so whoever holds a person's record (candidates, crm) tells it when they change: on
`subjects.identifiers` in the transaction of the change, or on the answer to a rectification.
Blind-index hashes only, and sealed with the subject's key, so once the person is erased not
even which hashes were theirs can be read off the bus.
"""

import asyncpg
import httpx
from fastapi import HTTPException

from . import outbox
from .envelope import Envelope
from .keys import KeyClient, KeyShredded, seal
from .topics import SUBJECTS_IDENTIFIERS

# The fields of a person's record privacy finds and suppresses them by (as keyed hashes): a
# change to any of them must reach it.
FIELDS = frozenset({"email", "phone"})


async def key_at_hand(keys: KeyClient, subject: str) -> None:
    """Before a route's transaction that will announce: the key that seals the hashes, fetched
    (and cached) now, so that a key service that cannot answer is a 503 and nothing changes."""
    try:
        await keys.get_or_create(subject)  # an imported record may have none yet
    except httpx.HTTPError as exc:
        raise HTTPException(
            status_code=503, detail="the key service is not reachable; try again shortly"
        ) from exc
    except KeyShredded:
        pass  # unknown or erased: the route finds no such person itself


async def sealed_hashes(
    keys: KeyClient, subject: str, email_hash: str | None, phone_hash: str | None
) -> str | None:
    """`{"email_hash", "phone_hash"}` sealed with the subject's key (a null hash: the person
    has none now); None once the key is shredded (erased meanwhile: nothing to tell)."""
    try:
        key = await keys.get_or_create(subject)  # the owner holds a live record of them
    except KeyShredded:
        return None
    return seal(key, {"email_hash": email_hash, "phone_hash": phone_hash}, subject)


async def announce(
    conn: asyncpg.Connection,
    source: str,
    keys: KeyClient,
    subject: str,
    email_hash: str | None,
    phone_hash: str | None,
) -> None:
    """Record `identifiers.changed` with the person's hashes as they are now; call in the
    transaction of the change, so privacy hears of it if and only if it committed."""
    sealed = await sealed_hashes(keys, subject, email_hash, phone_hash)
    if sealed is None:
        return
    await outbox.record(
        conn,
        SUBJECTS_IDENTIFIERS,
        Envelope(
            type="identifiers.changed", source=source, subject=subject, data={}, sealed=sealed
        ),
    )
