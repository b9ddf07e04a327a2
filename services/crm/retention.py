"""Retention of business contacts: a contact person without activity (an edit of the contact,
a contact moment with them) for `CONTACT_RETENTION_DAYS` is handed to privacy's erasure saga
(`crm.retention`), which erases them as any forget-me (certificate, suppression). Business
contacts are kept for the relationship, not by consent, so nobody is asked to renew.

Safe with several instances and repeatable: each contact is marked in the transaction that
records its event, and a marked one is not handed over again."""

import asyncio
import logging
from datetime import timedelta

import asyncpg

from services.common import outbox
from services.common.envelope import Envelope, utcnow
from services.common.topics import CRM_RETENTION

from .bootstrap import service, settings

log = logging.getLogger(__name__)
BATCH = 100


async def sweep(pool: asyncpg.Pool) -> dict[str, int]:
    """One round: every contact inactive since before the cut-off goes to privacy."""
    cutoff = utcnow() - timedelta(days=settings.contact_retention_days)
    lapsed = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "UPDATE contacts c SET retention_lapsed_at = now()"
                " FROM (SELECT id FROM contacts k WHERE retention_lapsed_at IS NULL"
                "  AND greatest(k.updated_at, (SELECT max(m.recorded_at) FROM contact_moments m"
                "   WHERE m.contact_id = k.id)) < $1"
                "  ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED) due"
                " WHERE c.id = due.id RETURNING c.id, c.updated_at",
                cutoff,
                BATCH,
            )
            for row in rows:
                await outbox.record(
                    conn,
                    CRM_RETENTION,
                    Envelope(
                        type="retention.lapsed",
                        source="crm",
                        subject=str(row["id"]),
                        data={"contact_id": str(row["id"])},
                    ),
                )
        lapsed += len(rows)
        if len(rows) < BATCH:
            return {"lapsed": lapsed}


async def loop() -> None:
    while True:
        await asyncio.sleep(settings.contact_retention_sweep_seconds)
        try:
            counts = await sweep(service.pool)
            if counts["lapsed"]:
                log.info("contact retention sweep", extra=counts)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("contact retention sweep failed")
