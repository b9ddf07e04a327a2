"""Audit of reads of personal data: who read what of whom, as ids only, on ops.audit."""

from typing import Any

import asyncpg

from . import outbox
from .envelope import Envelope
from .topics import OPS_AUDIT


async def record_read(
    conn: asyncpg.Connection,
    service: str,
    actor: str,
    role: str,
    action: str,
    resource: str,
    subject: str | None,
    **extra: Any,
) -> None:
    """Call in the transaction of the read; `extra` carries ids only (never the data read)."""
    await outbox.record(
        conn,
        OPS_AUDIT,
        Envelope(
            type="audit.read",
            source=service,
            subject=subject,
            data={
                "actor": actor,
                "role": role,
                "action": action,
                "resource": resource,
                "subject": subject,
                **extra,
            },
        ),
    )
