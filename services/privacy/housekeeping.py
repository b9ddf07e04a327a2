"""The periodic round: start requests whose lookup failed earlier, re-send missing answers,
deadline and breach alerts on ops.alerts, delete expired exports and sweep recently deleted
ones, forget stale attempts, and settle the addresses held for self-service completion mails
(send again, or delete).

One instance does a round at a time (advisory lock), so several instances can run safely.
"""

import asyncio
import logging
from datetime import date

import asyncpg

from services.common.envelope import utcnow

from . import domain, exports, notify, saga, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)
_LOCK = 7_204_552


async def run_once(pool: asyncpg.Pool) -> dict[str, int]:
    counts = {
        "started": 0,
        "alerts": 0,
        "exports_deleted": 0,
        "exports_swept": 0,
        "resent": 0,
        "mails": 0,
        "scans_forgotten": 0,
    }
    # Transaction-scoped, so no path can leave it held on a pooled connection (the pool does
    # not reset sessions: db.py); the open transaction holds no snapshot between statements.
    async with pool.acquire() as lock_conn, lock_conn.transaction():
        if not await lock_conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", _LOCK):
            return counts
        await _round(pool, counts)
    return counts


async def _round(pool: asyncpg.Pool, counts: dict[str, int]) -> None:
    now, today = utcnow(), date.today()
    async with pool.acquire() as conn:
        open_requests = await store.open_requests(conn)
    for req in open_requests:
        request_id = str(req["id"])
        if req["status"] == "received":
            await saga.resolve_and_start(pool, request_id, saga.SYSTEM)
            counts["started"] += 1
        async with pool.acquire() as conn, conn.transaction():
            fresh = await store.get_request(conn, request_id, lock=True)
            if fresh is None or fresh["status"] not in domain.OPEN:
                continue
            if fresh["status"] == "in_progress":
                counts["resent"] += await saga.resend_missing(conn, fresh, now)
            days_left = domain.working_days_left(today, fresh["due_on"])
            kind = domain.deadline_alert(days_left)
            if kind and await saga.alert(
                conn,
                kind,
                request_id,
                {"request_id": request_id, "type": fresh["type"], "days_left": days_left},
            ):
                counts["alerts"] += 1
    async with pool.acquire() as conn:
        breaches = await store.list_breaches(conn, open_only=True)
    for breach in breaches:
        kind = domain.breach_alert(
            breach["discovered_at"], now, breach["reported_to_ap_at"] is not None
        )
        if not kind:
            continue
        async with pool.acquire() as conn, conn.transaction():
            breach_id = str(breach["id"])
            deadline = domain.notify_ap_by(breach["discovered_at"]).isoformat()
            if await saga.alert(
                conn, kind, breach_id, {"breach_id": breach_id, "notify_ap_by": deadline}
            ):
                counts["alerts"] += 1
    async with pool.acquire() as conn:
        expired = await store.exports_to_delete(conn)
        for export in expired:
            await exports.delete_prefix(export["bucket"], export["prefix"])
            await store.export_deleted(conn, str(export["request_id"]))
            counts["exports_deleted"] += 1
        counts["exports_deleted"] += await _delete_stopped_exports(conn)
        # A service copying files into an export when it was deleted (an erasure, mid-copy) may
        # write after the deletion; its answer deletes them again (handlers.access_slice), but
        # a copy that ends in a dead letter sends none until it is replayed. Emptying the
        # prefixes of recently deleted exports each round leaves nothing there meanwhile.
        for export in await store.exports_deleted_within(conn, settings.export_sweep_hours):
            request_id = str(export["request_id"])
            async with conn.transaction():
                # Read again under the row lock: an officer's retry may have reopened it
                # since (saga.retry), and its new slices must stay.
                current = await store.get_export(conn, request_id, lock=True)
                if current is None or current["deleted_at"] is None:
                    continue
                if await exports.delete_prefix(export["bucket"], export["prefix"]):
                    counts["exports_swept"] += 1
                    log.info("deleted export swept", extra={"request_id": request_id})
        for request_id in await store.expired_unverified(conn):
            await store.set_status(conn, request_id, "cancelled", saga.SYSTEM, "never verified")
        await store.forget_old_attempts(conn)
        # Scan results hold no personal data, but a list nobody reads need not grow forever.
        counts["scans_forgotten"] = await store.forget_old_scan_jobs(conn, settings.scan_keep_hours)
        held = await store.sealed_to_settle(conn)
    for row in held:
        request_id = str(row["request_id"])
        async with pool.acquire() as conn, conn.transaction():
            fresh = await store.get_request(conn, request_id, lock=True)
            if fresh is not None and fresh["status"] == "complete":
                counts["mails"] += await notify.mail_completion(conn, request_id)
            elif fresh is None or fresh["status"] in ("cancelled", "identity_unverified"):
                await store.drop_sealed(conn, request_id)


async def _delete_stopped_exports(conn: asyncpg.Connection) -> int:
    """Partial exports of access requests that stopped: a service never answered (error) or
    the officer cancelled. They hold the other services' slices, and only a completed export
    gets an expiry, so without this they would stay for good. A cancelled request will not
    be completed, so its export goes in the next round. One in error is what an officer may
    still retry, and a retry completes the export from the slices already there, so it is
    kept as long as a finished export would be (`export_keep_hours`, counted from when it
    stopped); a retry after that asks every service again (saga.retry)."""
    deleted = 0
    for export in await store.stopped_exports(conn, settings.export_keep_hours):
        request_id = str(export["request_id"])
        async with conn.transaction():
            # Under the request's lock: an officer's retry meanwhile wins, and keeps it.
            req = await store.get_request(conn, request_id, lock=True)
            if req is None or req["status"] not in ("error", "cancelled"):
                continue
            await exports.delete_prefix(export["bucket"], export["prefix"])
            await store.export_deleted(conn, request_id)
        log.info(
            "partial export of a stopped request deleted",
            extra={"request_id": request_id, "status": req["status"]},
        )
        deleted += 1
    return deleted


async def loop() -> None:
    while True:
        await asyncio.sleep(settings.housekeeping_seconds)
        try:
            counts = await run_once(service.pool)
            if any(counts.values()):
                log.info("housekeeping round", extra=counts)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("housekeeping round failed")
