"""The data-holding services' side of forget-me: tombstone the subject, acknowledge with counts.

Each service's erasure handler deletes its own data, then calls `complete` in the same
transaction, so the acknowledgement is sent if and only if the deletion committed.
"""

from collections.abc import Iterable

import asyncpg

from . import outbox
from .envelope import Envelope
from .topics import PRIVACY_ERASURE_DONE


async def is_erased(conn: asyncpg.Connection, subject: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM tombstones WHERE subject = $1", subject))


async def complete(
    conn: asyncpg.Connection,
    service: str,
    command: Envelope,
    deleted: dict[str, int],
    identifiers: Iterable[tuple[str, str | None]] = (),
) -> None:
    """Keep a tombstone (subject id and time only) and acknowledge on privacy.erasure.done.

    `identifiers` are (kind, keyed hash) pairs of the email and phone the service held: privacy
    may never have seen them (the registration not read yet, a crm contact), and it needs them
    to put the person on the suppression list. Blind-index hashes only, never the plaintext."""
    assert command.subject
    data: dict[str, object] = {
        "request_id": command.data["request_id"],
        "service": service,
        "deleted": deleted,
    }
    suppress = sorted({(kind, h) for kind, h in identifiers if h})
    if suppress:
        data["suppress"] = [{"kind": kind, "hash": h} for kind, h in suppress]
    await conn.execute(
        "INSERT INTO tombstones(subject) VALUES ($1) ON CONFLICT DO NOTHING", command.subject
    )
    await outbox.record(
        conn,
        PRIVACY_ERASURE_DONE,
        Envelope(
            type="erasure.done",
            source=service,
            subject=command.subject,
            correlation_id=command.correlation_id,
            data=data,
        ),
    )
