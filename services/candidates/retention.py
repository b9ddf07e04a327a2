"""The retention sweep: ask inactive candidates to renew their consent, remind them once
during the grace period, and hand profiles whose grace period ran out to privacy's erasure
saga (`candidates.retention`).

Safe with several instances and repeatable: each candidate is claimed with SKIP LOCKED and its
cycle (or reminder) is recorded in the transaction that sent the mail, so nobody is mailed
twice in a cycle, nor reminded twice.
"""

import asyncio
import logging
from datetime import datetime, timedelta

import asyncpg
import httpx

from services.common import outbox
from services.common.envelope import Envelope, utcnow
from services.common.mail import send_mail
from services.common.topics import CANDIDATES_RETENTION

from . import domain, store
from .bootstrap import CandidatesSettings, service, settings

log = logging.getLogger(__name__)
LAPSE_BATCH = 100


def policy(s: CandidatesSettings = settings) -> domain.RetentionPolicy:
    return domain.RetentionPolicy(
        inactive=timedelta(days=s.retention_inactive_days),
        grace=timedelta(days=s.retention_grace_days),
        reminder=timedelta(days=s.retention_reminder_days),
    )


class SuppressionUnknown(Exception):
    """privacy could not say whether the person may be approached: ask again next round."""


async def suppressed(row: asyncpg.Record) -> bool:
    """The renewal mail is outreach, so the suppression list is consulted first."""
    body = {"email_hash": row["email_hash"], "phone_hash": row["phone_hash"]}
    if not any(body.values()):
        return False
    try:
        resp = await service.http.post(
            f"{settings.privacy_url}/internal/suppression/check", json=body, timeout=5.0
        )
    except httpx.HTTPError as exc:
        raise SuppressionUnknown from exc
    if resp.status_code != 200:
        raise SuppressionUnknown
    return bool(resp.json().get("suppressed"))


async def ask_to_renew(conn: asyncpg.Connection, row: asyncpg.Record, now: datetime) -> bool:
    """Start the candidate's grace period; mail the renewal link to those we may approach.
    Returns whether a mail went out. Raises (and writes nothing) when the mail cannot go."""
    rules = policy()
    erasure_on = rules.erasure_on(now)
    mailable = row["status"] == "active" and bool(row["email"]) and not await suppressed(row)
    token_hash = None
    if mailable:
        token, token_hash = domain.new_renewal_token()
        subject, body = domain.renewal_mail(
            row["first_name"], f"{settings.link_base}/privacy/renew/{token}", erasure_on.date()
        )
        # Mail first, record after: a failed mail leaves no cycle behind to lapse unannounced.
        await send_mail(settings, row["email"], subject, body)
    await store.start_renewal(conn, row["id"], mailable, token_hash, erasure_on)
    await outbox.record(
        conn,
        CANDIDATES_RETENTION,
        Envelope(
            type="renewal.requested",
            source="candidates",
            subject=row["id"],
            data={"mailed": mailable, "erasure_on": erasure_on.date().isoformat()},
        ),
    )
    return mailable


async def remind(conn: asyncpg.Connection, row: asyncpg.Record) -> bool:
    """The one reminder of a cycle, with a fresh link (only hashes of the first are kept);
    to those we may still approach. Returns whether a mail went out."""
    erasure_on = policy().erasure_on(row["renewal_started_at"])
    mailable = row["status"] == "active" and bool(row["email"]) and not await suppressed(row)
    if mailable:
        token, token_hash = domain.new_renewal_token()
        subject, body = domain.reminder_mail(
            row["first_name"], f"{settings.link_base}/privacy/renew/{token}", erasure_on.date()
        )
        await send_mail(settings, row["email"], subject, body)  # mail first, as ask_to_renew
        await store.insert_renewal_token(conn, row["id"], token_hash, erasure_on)
    await store.mark_reminded(conn, row["id"])
    await outbox.record(
        conn,
        CANDIDATES_RETENTION,
        Envelope(
            type="renewal.reminded",
            source="candidates",
            subject=row["id"],
            data={"mailed": mailable, "erasure_on": erasure_on.date().isoformat()},
        ),
    )
    return mailable


async def send_reminders(pool: asyncpg.Pool, now: datetime, counts: dict[str, int]) -> None:
    rules = policy()
    due_if_asked_before = rules.remind_if_asked_before(now)
    if due_if_asked_before is None:
        return
    failed: list[str] = []
    while counts["mailed"] + counts["reminded"] < settings.retention_batch:
        async with pool.acquire() as conn, conn.transaction():
            row = await store.claim_reminder_due(
                conn, due_if_asked_before, rules.lapsed_if_asked_before(now), failed
            )
            if row is None:
                return
            try:
                mailed = await remind(conn, row)
            except SuppressionUnknown:
                counts["failed"] += 1
                log.warning("reminders postponed: suppression list unavailable")
                return
            except OSError as exc:
                failed.append(row["id"])
                counts["failed"] += 1
                log.warning(
                    "reminder postponed",
                    extra={"candidate_id": row["id"], "error": type(exc).__name__},
                )
                continue
        counts["reminded" if mailed else "not_reminded"] += 1


async def sweep(pool: asyncpg.Pool) -> dict[str, int]:
    """One round: renewal requests for the newly inactive, reminders for those whose erasure
    nears, then the lapsed to privacy."""
    now = utcnow()
    rules = policy()
    counts = {
        "mailed": 0,
        "not_mailed": 0,
        "reminded": 0,
        "not_reminded": 0,
        "failed": 0,
        "lapsed": 0,
    }
    failed: list[str] = []
    while counts["mailed"] + counts["not_mailed"] < settings.retention_batch:
        async with pool.acquire() as conn, conn.transaction():
            row = await store.claim_renewal_due(conn, rules.asked_if_inactive_since(now), failed)
            if row is None:
                break
            try:
                mailed = await ask_to_renew(conn, row, now)
            except SuppressionUnknown:
                # privacy cannot answer for anyone now: nothing was written, try next round.
                counts["failed"] += 1
                log.warning("renewal requests postponed: suppression list unavailable")
                break
            except OSError as exc:  # this mail failed (e.g. refused): the others may go
                failed.append(row["id"])
                counts["failed"] += 1
                log.warning(
                    "renewal request postponed",
                    extra={"candidate_id": row["id"], "error": type(exc).__name__},
                )
                continue
        counts["mailed" if mailed else "not_mailed"] += 1
    await send_reminders(pool, now, counts)
    while True:
        async with pool.acquire() as conn, conn.transaction():
            lapsed = await store.close_lapsed(conn, rules.lapsed_if_asked_before(now), LAPSE_BATCH)
            for row in lapsed:
                await outbox.record(
                    conn,
                    CANDIDATES_RETENTION,
                    Envelope(
                        type="retention.lapsed",
                        source="candidates",
                        subject=row["id"],
                        data={
                            "candidate_id": row["id"],
                            "renewal_started_at": row["renewal_started_at"].isoformat(),
                            "mailed": row["renewal_mailed_at"] is not None,
                        },
                    ),
                )
        counts["lapsed"] += len(lapsed)
        if len(lapsed) < LAPSE_BATCH:
            break
    return counts


async def loop() -> None:
    while True:
        await asyncio.sleep(settings.retention_sweep_seconds)
        try:
            counts = await sweep(service.pool)
            if any(counts.values()):
                log.info("retention sweep", extra=counts)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("retention sweep failed")
