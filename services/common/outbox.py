"""Transactional outbox: record an event in the same transaction as the state change; a relay
publishes unsent rows with acks=all and marks them sent. A crash between commit and publish
only delays the event; a crash between publish and marking sent repeats it, which the
consumers' inbox absorbs. The producer is idempotent (Service's broker), so the broker's own
retries after a lost acknowledgement add no second copy either."""

import asyncio
import logging

import asyncpg
from faststream.kafka import KafkaBroker

from .envelope import Envelope
from .metrics import OUTBOX_PUBLISHED
from .topics import Topic

log = logging.getLogger(__name__)
BATCH = 500


async def record(conn: asyncpg.Connection, topic: Topic, event: Envelope) -> None:
    """Queue an event; call inside the transaction that makes the change it reports."""
    await conn.execute(
        "WITH queued AS (INSERT INTO outbox(event_id, topic, key, payload)"
        "  VALUES ($1, $2, $3, $4) RETURNING 1)"
        " SELECT pg_notify('outbox', '') FROM queued",  # the relay wakes at commit
        event.id,
        topic.name,
        event.subject,
        event.to_bytes(),
    )


async def publish_pending(pool: asyncpg.Pool, broker: KafkaBroker) -> int:
    """Publish one batch of unsent events; returns how many."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            "SELECT seq, topic, key, payload FROM outbox WHERE sent_at IS NULL"
            " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
            BATCH,
        )
        if not rows:
            return 0
        # Pipelined: queue every record, then wait for all acknowledgements (per-key order holds).
        futures = [
            await broker.publish(
                r["payload"],
                r["topic"],
                key=r["key"].encode() if r["key"] else None,
                no_confirm=True,
            )
            for r in rows
        ]
        await asyncio.gather(*futures)
        await conn.execute(
            "UPDATE outbox SET sent_at = now() WHERE seq = ANY($1::bigint[])",
            [r["seq"] for r in rows],
        )
    for r in rows:
        OUTBOX_PUBLISHED.labels(r["topic"]).inc()
    return len(rows)


async def backlog(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")


async def run_relay(pool: asyncpg.Pool, broker: KafkaBroker, poll_seconds: float) -> None:
    """Publish forever: woken by NOTIFY after each commit, polling as a fallback."""
    wake = asyncio.Event()
    listener = await pool.acquire()

    def on_notify(*_: object) -> None:
        wake.set()

    await listener.add_listener("outbox", on_notify)
    failures = 0
    rounds = 0
    try:
        while True:
            wake.clear()
            try:
                while await publish_pending(pool, broker) == BATCH:
                    pass
                rounds += 1
                if rounds % 1000 == 0:  # sent rows are kept a day for inspection
                    await pool.execute(
                        "DELETE FROM outbox WHERE sent_at < now() - interval '1 day'"
                    )
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                log.warning("outbox relay failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            try:
                await asyncio.wait_for(wake.wait(), timeout=poll_seconds)
            except TimeoutError:
                pass
    finally:
        await listener.remove_listener("outbox", on_notify)
        await pool.release(listener)
