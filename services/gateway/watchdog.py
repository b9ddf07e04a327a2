"""The watchdog: services' heartbeats in, alerts out on ops.alerts when a service falls
silent, its outbox stops draining, it falls behind, or it dead-letters messages.

Thresholds are settings; the rules are pure (`alerts_for`), the loop runs in the gateway."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from services.common import outbox
from services.common.envelope import Envelope, utcnow
from services.common.topics import OPS_ALERTS, OPS_HEALTH

from .bootstrap import service, settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    kind: str  # service.silent | outbox.backlog | consumer.lag | deadletters.growing
    service: str
    instance: str
    value: int

    @property
    def key(self) -> str:
        # Dead letters alert once per new count; the others once per condition.
        suffix = f":{self.value}" if self.kind == "deadletters.growing" else ""
        return f"{self.kind}:{self.service}:{self.instance}{suffix}"


def alerts_for(
    rows: list[dict], now: datetime, silent_after: timedelta, backlog_limit: int, lag_limit: int
) -> list[Alert]:
    """What the latest heartbeats say is wrong, now."""
    out: list[Alert] = []
    for r in rows:
        who = (r["service"], r["instance"])
        silent_for = now - r["seen_at"]
        if silent_for > silent_after:
            out.append(Alert("service.silent", *who, int(silent_for.total_seconds())))
            continue  # the other figures are stale
        if r["outbox_backlog"] > backlog_limit:
            out.append(Alert("outbox.backlog", *who, r["outbox_backlog"]))
        if r["consumer_lag"] > lag_limit:
            out.append(Alert("consumer.lag", *who, r["consumer_lag"]))
        if r["dead_letters"] > 0:
            out.append(Alert("deadletters.growing", *who, r["dead_letters"]))
    return out


@service.consumer(OPS_HEALTH)
async def heartbeat(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    lag = sum(int(v) for v in (data.get("consumer_lag") or {}).values())
    await conn.execute(
        "INSERT INTO service_heartbeats (service, instance, seen_at, outbox_backlog,"
        " consumer_lag, dead_letters) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (service, instance) DO UPDATE SET seen_at = EXCLUDED.seen_at,"
        " outbox_backlog = EXCLUDED.outbox_backlog, consumer_lag = EXCLUDED.consumer_lag,"
        " dead_letters = EXCLUDED.dead_letters WHERE service_heartbeats.seen_at < EXCLUDED.seen_at",
        str(data.get("service", event.source))[:40],
        str(data.get("instance", "unknown"))[:200],
        event.time,
        int(data.get("outbox_backlog") or 0),
        lag,
        int(data.get("dead_letters") or 0),
    )


async def check_once(pool: asyncpg.Pool) -> list[Alert]:
    """Raise every alert that holds and was not raised in the last hour; returns those."""
    raised: list[Alert] = []
    async with pool.acquire() as conn, conn.transaction():
        # Instances gone for a day were replaced (a restart is a new instance): forget them.
        await conn.execute(
            "DELETE FROM service_heartbeats WHERE seen_at < now() - interval '1 day'"
        )
        rows = [dict(r) for r in await conn.fetch("SELECT * FROM service_heartbeats")]
        for alert in alerts_for(
            rows,
            utcnow(),
            timedelta(seconds=settings.watchdog_silent_seconds),
            settings.watchdog_backlog_limit,
            settings.watchdog_lag_limit,
        ):
            fresh = await conn.fetchval(
                "INSERT INTO raised_alerts (key) VALUES ($1) ON CONFLICT (key) DO UPDATE"
                " SET raised_at = now() WHERE raised_alerts.raised_at < now() - interval '1 hour'"
                " RETURNING true",
                alert.key,
            )
            if fresh:
                await outbox.record(
                    conn,
                    OPS_ALERTS,
                    Envelope(
                        type=f"alert.{alert.kind}",
                        source="gateway",
                        data={
                            "kind": alert.kind,
                            "service": alert.service,
                            "instance": alert.instance,
                            "value": alert.value,
                        },
                    ),
                )
                raised.append(alert)
    return raised


@service.background
async def watch() -> None:
    while True:
        await asyncio.sleep(settings.watchdog_seconds)
        try:
            for alert in await check_once(service.pool):
                log.warning("alert raised", extra={"kind": alert.kind, "about": alert.service})
        except Exception as exc:  # the watchdog must outlive a bad round
            log.warning("watchdog round failed", extra={"error": type(exc).__name__})
