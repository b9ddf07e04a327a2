"""The data-holding services' side of an access request: answer with the subject's slice.

Each service's access handler gathers its own slice, then calls `answer` in the same
transaction, so every service answers the same way: sealed with the subject's key, never in
plaintext; `erased` when only a tombstone is left; `empty` when nothing was ever held.
"""

from typing import Any

import asyncpg

from . import outbox
from .envelope import Envelope
from .keys import KeyClient, KeyShredded, seal
from .topics import PRIVACY_ACCESS_SLICES


async def answer(
    conn: asyncpg.Connection,
    service: str,
    command: Envelope,
    keys: KeyClient,
    found: dict[str, Any] | None,
    files: list[str] | None = None,
) -> None:
    """`found` is the service's complete slice, or None when the subject is erased here.

    Data held without a key (the key was shredded a moment ago) raises KeyShredded: the
    message is retried, and by then the erasure has run and the answer is `erased`.
    """
    assert command.subject
    data: dict[str, Any] = {
        "request_id": command.data.get("request_id"),
        "service": service,
        "files": files or [],
    }
    sealed = None
    if found is None:
        data["erased"] = True
    elif any(found.values()):
        # Data held: a key must exist (an imported profile may not have one yet).
        key = await keys.get_or_create(command.subject)
        sealed = seal(key, {"slice": found}, command.subject)
    else:
        try:
            sealed = seal(await keys.get(command.subject), {"slice": found}, command.subject)
        except KeyShredded:
            data["empty"] = True  # nothing held and no key: nothing to seal
    await outbox.record(
        conn,
        PRIVACY_ACCESS_SLICES,
        Envelope(
            type="access.slice",
            source=service,
            subject=command.subject,
            correlation_id=command.correlation_id,
            data=data,
            sealed=sealed,
        ),
    )
