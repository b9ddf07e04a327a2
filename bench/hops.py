"""Where a forget-me's time goes, hop by hop, from the records the services keep anyway.

Per request and data-holding service (all times from the services' own databases):
- relay_out: privacy's command recorded -> picked up by privacy's outbox relay
- to_service: relay pick-up -> the service's handler transaction starts (publish, broker,
  consumer fetch, waiting behind earlier messages)
- handler: the service's handler starts -> its acknowledgement is made (the deletion itself)
- relay_back: acknowledgement made -> picked up by the service's outbox relay (commit included)
- to_privacy: relay pick-up -> privacy's handler for that acknowledgement starts
Then `last_ack`: which service answered last, and `tail`: last acknowledgement's handler start
-> completed_at.
"""

from collections import Counter
from datetime import datetime
from typing import Any

import asyncpg

from devstack.services import Platform, database_url

from .stats import pct

SERVICES = ("intake", "candidates", "documents", "crm")

# Envelope JSON in the outbox: correlation_id is the request id, `time` when it was made.
_OUT = (
    "SELECT convert_from(payload, 'UTF8')::jsonb ->> 'correlation_id' AS request_id,"
    " event_id, created_at, sent_at, (convert_from(payload, 'UTF8')::jsonb ->> 'time') AS made"
    " FROM outbox WHERE topic = $1"
)


async def _fetch(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def _ms(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds()


async def breakdown(plat: Platform, request_ids: list[str]) -> dict[str, Any]:
    server = plat.endpoints.database_url
    wanted = set(request_ids)
    privacy = database_url(server, "privacy")
    requests = {
        str(r["id"]): r
        for r in await _fetch(
            privacy,
            "SELECT id, received_at, completed_at FROM requests WHERE id = ANY($1::uuid[])",
            request_ids,
        )
    }
    commands = {
        r["request_id"]: r
        for r in await _fetch(privacy, _OUT, "privacy.erasure")
        if r["request_id"] in wanted
    }
    # When privacy started handling each acknowledgement (inbox row, handler's transaction).
    ack_seen = {
        r["event_id"]: r["processed_at"]
        for r in await _fetch(
            privacy, "SELECT event_id, processed_at FROM inbox WHERE topic = 'privacy.erasure.done'"
        )
    }
    hops: dict[str, dict[str, list[float]]] = {}
    last: Counter[str] = Counter()
    tails: list[float] = []
    answers: dict[str, dict[str, tuple[datetime, str]]] = {}
    for service in SERVICES:
        dsn = database_url(server, service)
        started = {
            r["event_id"]: r["processed_at"]
            for r in await _fetch(
                dsn, "SELECT event_id, processed_at FROM inbox WHERE topic = 'privacy.erasure'"
            )
        }
        mine = hops.setdefault(service, {})
        for ack in await _fetch(dsn, _OUT, "privacy.erasure.done"):
            rid = ack["request_id"]
            cmd = commands.get(rid)
            if cmd is None or rid in answers.get(service, {}):
                continue  # not ours, or a second answer to a re-sent command
            made = datetime.fromisoformat(ack["made"])
            begun = started.get(cmd["event_id"])
            seen = ack_seen.get(ack["event_id"])
            for name, a, b in (
                ("relay_out", cmd["created_at"], cmd["sent_at"]),
                ("to_service", cmd["sent_at"], begun),
                ("handler", begun, made),
                ("relay_back", made, ack["sent_at"]),
                ("to_privacy", ack["sent_at"], seen),
            ):
                value = _ms(a, b)
                if value is not None:
                    mine.setdefault(name, []).append(value)
            if seen is not None:
                answers.setdefault(service, {})[rid] = (seen, service)
    for rid, req in requests.items():
        seen_all = [answers[s][rid] for s in SERVICES if rid in answers.get(s, {})]
        if len(seen_all) == len(SERVICES) and req["completed_at"] is not None:
            at, who = max(seen_all)
            last[who] += 1
            tails.append((req["completed_at"] - at).total_seconds())
    return {
        "per_service": {
            s: {
                name: {"p50_ms": pct(v, 50), "p99_ms": pct(v, 99), "max_ms": pct(v, 100)}
                for name, v in hop.items()
            }
            for s, hop in hops.items()
        },
        "answered_last": dict(last),
        "tail_p50_ms": pct(tails, 50),
    }
