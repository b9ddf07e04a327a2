"""Background work of an intake instance: send rejection notices and the acknowledgements of
registrations kept (then forget them), destroy registrations left unconfirmed, and sweep the
rate-limit table. Safe with several instances: rows are claimed with SKIP LOCKED, and every
step can be repeated."""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from asyncpg import Record
from prometheus_client import Gauge

from services.common.mail import message, send_mails
from services.common.service import Service

from . import domain, store

log = logging.getLogger(__name__)

# A hand-off that never completes (or a review queue nobody works) keeps personal data in
# intake: operators alert on these.
IN_PROGRESS = Gauge("intake_registrations_in_progress", "Registrations held", ["status"])
OLDEST = Gauge("intake_oldest_registration_seconds", "Age of the oldest held", ["status"])
NOTICES_PENDING = Gauge("intake_rejection_notices_pending", "Rejection mails not yet sent")

_wake = asyncio.Event()
SWEEP_EVERY = timedelta(minutes=10)
GIVE_UP_AFTER = 200  # attempts (about a week with the backoff cap): the data must not linger
# Notices sent per transaction and mail session; a crash mid-batch sends at most these again.
NOTICE_BATCH = 20


def wake() -> None:
    """A notice was queued: send it now rather than at the next poll."""
    _wake.set()


async def send_due_notices(service: Service) -> int:
    """Send every due notice, a batch at a time through one mail session; each is deleted
    (or postponed) in the transaction that claimed and sent it."""
    sent = 0
    criteria = domain.load_criteria()
    while True:
        async with service.pool.acquire() as conn, conn.transaction():
            notices = await store.claim_notices(conn, NOTICE_BATCH)
            if not notices:
                return sent
            outcomes = await send_mails(
                service.settings, [_mail(service, n, criteria) for n in notices]
            )
            done = [n["id"] for n, error in zip(notices, outcomes, strict=True) if error is None]
            await store.delete_notices(conn, done)
            sent += len(done)
            for notice, error in zip(notices, outcomes, strict=True):
                if error is None:
                    continue
                if notice["attempts"] + 1 >= GIVE_UP_AFTER:
                    await store.delete_notices(conn, [notice["id"]])
                    log.error("rejection notice given up", extra={"notice_id": str(notice["id"])})
                else:
                    delay = min(5 * 2 ** notice["attempts"], 3600)
                    await store.postpone_notice(conn, notice["id"], delay)
                    log.warning("rejection notice not sent", extra={"error": type(error).__name__})
            if done:
                log.info("notices sent", extra={"count": len(done)})
            if len(notices) < NOTICE_BATCH:
                return sent


def _mail(service: Service, notice: Record, criteria: domain.Criteria) -> EmailMessage | Exception:
    """The notice as a mail: a rejection with its reasons, or an acknowledgement; or why it
    cannot be one (an address no mail can carry is postponed, then given up, as a refusal)."""
    if notice["kind"] == "rejected":
        subject, body = domain.rejection_mail(
            notice["first_name"], criteria, list(notice["criteria"])
        )
    else:
        reference = str(notice["reference"]) if notice["reference"] else None
        subject, body = domain.acknowledgement_mail(notice["first_name"], notice["kind"], reference)
    try:
        return message(service.settings, notice["email"], subject, body)
    except ValueError as exc:
        return exc


async def sweep(service: Service) -> None:
    """Forget rate-limit entries older than the window (staged files need no sweep: they live
    and die with their registration's row)."""
    window = service.settings.intake_registration_window_seconds  # type: ignore[attr-defined]
    async with service.pool.acquire() as conn:
        await store.forget_old_attempts(conn, window)


async def expire_unconfirmed(service: Service) -> int:
    """Registrations whose address's owner did not confirm in time are destroyed, files and
    all: nothing of what someone typed under another person's address outlives the link."""
    async with service.pool.acquire() as conn:
        expired = await store.expire_unconfirmed(conn)
    if expired:
        log.info("unconfirmed registrations destroyed", extra={"count": expired})
    return expired


async def measure(service: Service) -> None:
    async with service.pool.acquire() as conn:
        rows = {r["status"]: r for r in await store.in_progress(conn)}
        pending = await store.pending_notices(conn)
    for status in ("unconfirmed", "needs_review", "accepted"):
        row = rows.get(status)
        IN_PROGRESS.labels(status).set(row["n"] if row else 0)
        OLDEST.labels(status).set(float(row["oldest_seconds"]) if row else 0)
    NOTICES_PENDING.set(pending)


async def run(service: Service, poll_seconds: float = 5.0) -> None:
    last_sweep = datetime.min.replace(tzinfo=UTC)
    while True:
        _wake.clear()
        try:
            await send_due_notices(service)
            await expire_unconfirmed(service)  # one indexed statement: every poll
            await measure(service)
            if datetime.now(UTC) - last_sweep > SWEEP_EVERY:
                last_sweep = datetime.now(UTC)
                await sweep(service)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("intake worker failed", extra={"error": type(exc).__name__})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wake.wait(), timeout=poll_seconds)
