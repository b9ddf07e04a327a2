"""Alerts reach people: what arrives on ops.alerts is kept until someone closes it, shown to
the role that acts on it (the privacy officer: request deadlines and data breaches; the admin:
the watchdog and anything else), and mailed once to that role's mailbox.

An alert names ids and facts, never a person: only the fields in FACTS are kept, each a short
id, a number or a list of short names, so whatever a producer adds cannot reach a page or a
mail. The rules (`audience_of`, `facts_of`, `describe`) are pure; the mailer runs in the
gateway beside the watchdog."""

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from prometheus_client import Counter, Gauge

from services.common.consumer import Poison
from services.common.envelope import Envelope
from services.common.mail import send_mail

from . import domain, i18n
from .bootstrap import service, settings
from .security import Session

log = logging.getLogger(__name__)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KIND = re.compile(r"[a-z_]{1,30}(\.[a-z_]{1,30}){1,3}")
# The facts an alert may carry (privacy: saga.alert and housekeeping; gateway: watchdog).
FACTS = (
    "request_id",
    "breach_id",
    "type",
    "days_left",
    "notify_ap_by",
    "services",
    "service",
    "instance",
    "value",
)
OFFICER_KINDS = ("request.", "breach.")
MAIL_ATTEMPTS = 10  # then the alert stays on the page only (and the metric says so)

ALERTS_OPEN = Gauge("alerts_open", "Alerts nobody has closed yet", ["audience"])
ALERT_MAILS = Counter("alert_mails_total", "Alert mails to a role's mailbox", ["outcome"])


def kind_of(event: Envelope) -> str:
    """The alert's kind: the watchdog's types are `alert.<kind>`, privacy's are the kind."""
    kind = event.type.removeprefix("alert.")
    if not KIND.fullmatch(kind):
        raise Poison("alert kind missing or malformed")
    return kind


def audience_of(source: str, kind: str) -> str:
    """Deadlines of data-subject requests and the breach clock are the privacy officer's
    (privacy raises them); everything else is operations."""
    if source == "privacy" and kind.startswith(OFFICER_KINDS):
        return domain.PRIVACY_OFFICER
    return domain.ADMIN


def _fact(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value) <= 200:
        return value
    if isinstance(value, list) and len(value) <= 20:
        names = [v for v in value if isinstance(v, str) and len(v) <= 40]
        return names if len(names) == len(value) else None
    return None


def facts_of(data: dict[str, Any]) -> dict[str, Any]:
    """The known facts of an alert; anything else is left behind."""
    facts = {k: _fact(data.get(k)) for k in FACTS}
    return {k: v for k, v in facts.items() if v is not None}


def _local(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


class _Known(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def describe(lang: str, kind: str, facts: dict[str, Any]) -> str:
    """One line in the reader's language: what happened, with its facts."""
    t = i18n.translator(lang)
    shown = _Known({k: str(v) for k, v in facts.items()})
    if "type" in facts:
        shown["type"] = t(f"type_{facts['type']}")
    if "notify_ap_by" in facts:
        shown["notify_ap_by"] = _local(facts["notify_ap_by"])
    if isinstance(facts.get("services"), list):
        shown["services"] = ", ".join(facts["services"])
    template = i18n.TEXT.get(f"alert_{kind}", {}).get(lang)
    shown["kind"] = kind
    return (template or t("alert_other")).format_map(shown)


def link_of(alert: dict[str, Any]) -> str | None:
    """Where the person acts on it."""
    facts = alert["facts"]
    if facts.get("request_id"):
        return f"/requests/{facts['request_id']}"
    if facts.get("breach_id"):
        return "/breaches"
    return "/operations" if alert["audience"] == domain.ADMIN else None


# --- storing what arrives (handlers.alert_raised) ------------------------------------------


async def record(conn: asyncpg.Connection, event: Envelope) -> None:
    kind = kind_of(event)
    await conn.execute(
        "INSERT INTO alerts (id, kind, source, audience, facts, raised_at)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (id) DO NOTHING",
        event.id,
        kind,
        event.source[:40],
        audience_of(event.source, kind),
        json.dumps(facts_of(event.data)),
        event.time,
    )


# --- what the pages show and do ------------------------------------------------------------


def _row(r: asyncpg.Record) -> dict[str, Any]:
    return dict(r) | {"id": str(r["id"]), "facts": json.loads(r["facts"])}


async def open_alerts(
    conn: asyncpg.Connection, audience: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT a.*, u.username AS acknowledged_by_name FROM alerts a"
        " LEFT JOIN users u ON u.id = a.acknowledged_by"
        " WHERE a.closed_at IS NULL AND ($1::text IS NULL OR a.audience = $1)"
        " ORDER BY a.raised_at DESC LIMIT $2",
        audience,
        limit,
    )
    return [_row(r) for r in rows]


ACT = {
    "acknowledge": "UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $2"
    " WHERE id = $1 AND closed_at IS NULL AND audience = $3",
    "close": "UPDATE alerts SET closed_at = now(), closed_by = $2"
    " WHERE id = $1 AND closed_at IS NULL AND audience = $3",
}


async def act(conn: asyncpg.Connection, alert_id: str, action: str, who: Session) -> bool:
    """Acknowledge (seen, being handled) or close an open alert of the employee's role.
    False when there is none such."""
    return await conn.execute(ACT[action], alert_id, who.user_id, who.role) != "UPDATE 0"


# --- mail to the role's mailbox ------------------------------------------------------------


def mailbox(audience: str) -> str:
    return (
        settings.alert_mail_privacy_officer
        if audience == domain.PRIVACY_OFFICER
        else settings.alert_mail_admin
    )


def compose(alert: dict[str, Any]) -> tuple[str, str]:
    """The mail, in Dutch (the agency's language): what, when, and where to act. Ids only."""
    what = describe("nl", alert["kind"], alert["facts"])
    when = alert["raised_at"].astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
    link = link_of(alert)
    ref = alert["facts"].get("request_id") or alert["facts"].get("breach_id")
    what_ref = f"\nKenmerk: {ref}" if ref else ""
    where = f"\n\nBekijk en handel af: {settings.link_base}{link}" if link else ""
    body = (
        f"Melding van Allegro Talent ({when}):\n\n{what}{what_ref}{where}\n\n"
        "Sluit de melding op de pagina zodra die is afgehandeld."
    )
    return f"Melding: {what}"[:150], body


# Mailing once. The intent to mail is the alert row itself (mailed_at NULL), written in the
# consumer's transaction together with its inbox entry, so a redelivered event neither loses
# nor doubles it (the alert id is the key). The mailer then, one alert at a time:
#   1. claims it in a transaction of its own, committed (mail_claimed_until = now + lease);
#   2. sends the mail, outside any transaction;
#   3. marks it sent (mailed_at), or on an SMTP error releases the claim for the next round.
# A gateway that dies between 1 and 3 leaves the claim: no other round or instance sends the
# alert until the lease lapses. Only a death after the relay accepted the mail and before the
# mark (a window of one SMTP reply and one UPDATE) gives a second mail, once the lease lapses:
# SMTP has no way to ask the relay whether it took a message, so the choice is between that
# rare repeat and an alert never mailed, and the repeat is chosen. Both mails carry the same
# Message-ID, so the mailbox can tell (and many clients show them as one). Each claim counts
# as an attempt, so even a gateway that keeps dying mails an alert at most MAIL_ATTEMPTS times.

Send = Callable[[str, str, str, str], Awaitable[None]]


async def _send(to: str, subject: str, body: str, message_id: str) -> None:
    await send_mail(settings, to, subject, body, message_id)


def message_id(alert_id: str) -> str:
    domain_part = settings.mail_from.rpartition("@")[2].strip("> ") or "allegrotalent.nl"
    return f"<alert-{alert_id}@{domain_part}>"


async def _claim(conn: asyncpg.Connection) -> asyncpg.Record | None:
    """The oldest alert still to mail that nobody holds, now held for the lease (committed)."""
    return await conn.fetchrow(
        "UPDATE alerts SET mail_claimed_until = now() + make_interval(secs => $2),"
        " mail_attempts = mail_attempts + 1"
        " WHERE id = (SELECT id FROM alerts WHERE mailed_at IS NULL AND mail_attempts < $1"
        " AND (mail_claimed_until IS NULL OR mail_claimed_until < now())"
        " ORDER BY raised_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " RETURNING *",
        MAIL_ATTEMPTS,
        settings.alert_mail_lease_seconds,
    )


async def mail_round(pool: asyncpg.Pool, send: Send = _send, limit: int = 20) -> int:
    """Mail alerts not mailed yet, once each; several gateway instances share the work."""
    sent = 0
    async with pool.acquire() as conn:
        # A new consumer group reads the topic from its start (30 days): what was raised long
        # ago is shown on the pages but not mailed now as if it were news.
        await conn.execute(
            "UPDATE alerts SET mailed_at = now() WHERE mailed_at IS NULL"
            " AND raised_at < now() - make_interval(hours => $1)",
            settings.alert_mail_max_age_hours,
        )
        for _ in range(limit):
            row = await _claim(conn)
            if row is None:
                break
            alert = _row(row)
            subject, body = compose(alert)
            try:
                await send(mailbox(alert["audience"]), subject, body, message_id(alert["id"]))
            except OSError as exc:
                ALERT_MAILS.labels("failed").inc()
                await conn.execute(
                    "UPDATE alerts SET mail_claimed_until = NULL WHERE id = $1", row["id"]
                )
                log.warning("alert mail failed", extra={"error": type(exc).__name__})
                break  # the mail server is away: try again next round
            ALERT_MAILS.labels("sent").inc()
            await conn.execute(
                "UPDATE alerts SET mailed_at = now(), mail_claimed_until = NULL WHERE id = $1",
                row["id"],
            )
            sent += 1
        counts = await conn.fetch(
            "SELECT audience, count(*) AS n FROM alerts WHERE closed_at IS NULL GROUP BY audience"
        )
    for audience in domain.PRIVACY_OFFICER, domain.ADMIN:
        ALERTS_OPEN.labels(audience).set(
            next((r["n"] for r in counts if r["audience"] == audience), 0)
        )
    return sent


@service.background
async def mail_alerts() -> None:
    while True:
        await asyncio.sleep(settings.alert_mail_seconds)
        try:
            await mail_round(service.pool)
        except Exception as exc:  # the mailer must outlive a bad round
            log.warning("alert mail round failed", extra={"error": type(exc).__name__})
