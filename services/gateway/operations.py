"""What the operations page shows: each service's health, consumer lag, dead-letter counts."""

import asyncio
import json
import logging
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.common.topics import CATALOGUE, OPS_HEALTH

from .bootstrap import GatewaySettings, service
from .proxy import base_url, client

log = logging.getLogger(__name__)
SERVICES = ("gateway", "intake", "candidates", "crm", "documents", "privacy")


async def _health(settings: GatewaySettings, name: str) -> dict[str, Any]:
    if name == "gateway":
        checks = await service.health()
        ok = all(v == "ok" for v in checks.values())
        return {"name": name, "status": "ok" if ok else "unhealthy", "checks": checks}
    try:
        resp = await client(settings).get(f"{base_url(settings, name)}/healthz", timeout=5.0)
        body = resp.json()
        return {
            "name": name,
            "status": body.get("status", "unknown"),
            "checks": body.get("checks", {}),
        }
    except (httpx.HTTPError, ValueError) as exc:
        return {"name": name, "status": "unreachable", "checks": {"http": type(exc).__name__}}


async def health(settings: GatewaySettings) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(_health(settings, n) for n in SERVICES)))


TAIL = 300  # heartbeats read back per page view: a few minutes of every instance


async def kafka_view(settings: GatewaySettings, wait: float = 3.0) -> dict[str, Any]:
    """Consumer lag from each instance's latest heartbeat on ops.health (the kit measures it
    where the consumers run), and the dead-letter topics' contents, read without a consumer
    group so nothing is committed or taken from anyone."""
    dlqs = [t.dlq for t in CATALOGUE if t.consumers]
    health_tp = TopicPartition(OPS_HEALTH.name, 0)
    parts = [health_tp] + [TopicPartition(d, 0) for d in dlqs]
    consumer = AIOKafkaConsumer(
        **settings.kafka_client(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    beats: dict[str, dict[str, Any]] = {}
    letters: list[dict[str, Any]] = []
    try:
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        # Only the recent heartbeats matter: a few minutes of every instance.
        consumer.seek(health_tp, max(0, ends[health_tp] - TAIL))
        await consumer.seek_to_beginning(*parts[1:])
        deadline = asyncio.get_running_loop().time() + wait
        while asyncio.get_running_loop().time() < deadline:
            if await _caught_up(consumer, ends):
                break
            batch = await consumer.getmany(*parts, timeout_ms=300, max_records=1000)
            for tp, records in batch.items():
                for rec in records:
                    if tp == health_tp:
                        beat = _json(rec.value)
                        data = beat.get("data") or {}
                        if isinstance(data, dict) and data.get("service"):
                            beats[str(data["service"])] = data | {"time": beat.get("time")}
                    else:
                        letters.append(_letter(tp.topic, rec))
        lag = [
            {"group": name, "topic": topic, "lag": int(behind)}
            for name, beat in sorted(beats.items())
            for topic, behind in sorted((beat.get("consumer_lag") or {}).items())
        ]
        counts = {d: ends[TopicPartition(d, 0)] for d in dlqs}
        dead = [{"topic": d, "messages": n} for d, n in counts.items()]
        return {
            "lag": lag,
            "heartbeats": [
                {"service": k, "time": v.get("time"), "outbox_backlog": v.get("outbox_backlog")}
                for k, v in sorted(beats.items())
            ],
            "dead_letters": dead,
            "letters": letters[-50:],
        }
    finally:
        await consumer.stop()


async def _caught_up(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


def _json(raw: bytes | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _letter(topic: str, rec: Any) -> dict[str, Any]:
    """What an operator needs to judge a dead letter: ids and the error, never its data."""
    headers = {k: v.decode(errors="replace") for k, v in (rec.headers or ())}
    event = _json(rec.value)
    return {
        "topic": topic,
        "offset": rec.offset,
        "event_id": event.get("id"),
        "type": event.get("type"),
        "error": headers.get("x-error", "")[:300],
        "origin": headers.get("x-origin-topic"),
        "group": headers.get("x-group"),
        "failed_at": headers.get("x-failed-at"),
    }


async def overview(settings: GatewaySettings) -> dict[str, Any]:
    services = await health(settings)
    try:
        kafka = await asyncio.wait_for(kafka_view(settings), timeout=10.0)
    except Exception as exc:  # the page still shows health when the broker view fails
        log.warning("kafka view failed", extra={"error": type(exc).__name__}, exc_info=True)
        kafka = {
            "lag": None,
            "dead_letters": None,
            "letters": [],
            "heartbeats": [],
            "error": type(exc).__name__,
        }
    return {"services": services, **kafka}


class ReplayError(ValueError):
    """The dead letter cannot be replayed; the message says why (no event data in it)."""


async def replay(settings: GatewaySettings, dlq: str, offset: int) -> dict[str, Any]:
    """Put one dead letter back on the topic it came from, as it was (same event id, so the
    consumers' inbox still guarantees one effect). Only catalogue dead-letter topics."""
    origin = {t.dlq: t.name for t in CATALOGUE if t.consumers}.get(dlq)
    if origin is None:
        raise ReplayError("not a dead-letter topic")
    tp = TopicPartition(dlq, 0)
    consumer = AIOKafkaConsumer(**settings.kafka_client(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        consumer.seek(tp, offset)
        batch = await consumer.getmany(tp, timeout_ms=3000, max_records=1)
        records = batch.get(tp, [])
        if not records or records[0].offset != offset:
            raise ReplayError("no dead letter at this offset")
        rec = records[0]
    finally:
        await consumer.stop()
    headers = {k: v.decode(errors="replace") for k, v in (rec.headers or ())}
    await service.broker.publish(
        rec.value,
        origin,
        key=rec.key,
        headers={"x-replayed-from": f"{dlq}@{offset}", "x-replayed-error": headers.get(
            "x-error", "")[:200]},
    )  # fmt: skip
    log.info("dead letter replayed", extra={"dlq": dlq, "offset": offset, "topic": origin})
    return {"topic": origin, "event_id": _json(rec.value).get("id")}
