"""Gateway's event handlers: the audit trail of who read which subject's data, and the
alerts that reach people (alerts.py)."""

import asyncpg

from services.common.consumer import Poison
from services.common.envelope import Envelope
from services.common.topics import OPS_ALERTS, OPS_AUDIT

from . import alerts, store
from .bootstrap import service


def _id(value: object, limit: int = 200) -> str:
    """Audit fields are ids and short codes; anything else is refused rather than stored."""
    if not isinstance(value, str) or not value or len(value) > limit:
        raise Poison("audit event field missing or too long")
    return value


# An erased person's audit entries stay: they name only ids, and they are the accountability
# record of who read the data before it was erased.
@service.consumer(OPS_AUDIT, after_erasure=True)
async def audit_recorded(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    subject = data.get("subject") or event.subject
    await store.insert_audit(
        conn,
        event.id,
        event.time,
        _id(event.source, 40),
        _id(data.get("actor")),
        _id(data.get("role"), 40),
        _id(data.get("action"), 80),
        _id(data.get("resource"), 500),
        _id(subject) if subject else None,
    )


@service.consumer(OPS_ALERTS)
async def alert_raised(event: Envelope, conn: asyncpg.Connection) -> None:
    await alerts.record(conn, event)
