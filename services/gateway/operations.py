"""What the operations page shows: each service's health, consumer lag, dead-letter counts."""

import asyncio
import logging
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.common.topics import CATALOGUE

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


async def kafka_view(settings: GatewaySettings) -> dict[str, Any]:
    """Lag per consumer group and topic, and how many messages each dead-letter topic holds."""
    groups: dict[str, list[str]] = {}
    for topic in CATALOGUE:
        for group in topic.consumers:
            groups.setdefault(group, []).append(topic.name)
    dlqs = [t.dlq for t in CATALOGUE if t.consumers]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False
    )
    await admin.start()
    await consumer.start()
    try:
        topics = {t.name: t.partitions for t in CATALOGUE} | dict.fromkeys(dlqs, 1)
        parts = [TopicPartition(name, p) for name, n in topics.items() for p in range(n)]
        ends = await consumer.end_offsets(parts)
        lag: list[dict[str, Any]] = []
        for group, names in sorted(groups.items()):
            committed = await admin.list_consumer_group_offsets(group)
            for name in names:
                behind = 0
                for p in range(topics[name]):
                    tp = TopicPartition(name, p)
                    done = committed.get(tp)
                    behind += max(0, ends.get(tp, 0) - (done.offset if done else 0))
                lag.append({"group": group, "topic": name, "lag": behind})
        dead = [{"topic": d, "messages": ends.get(TopicPartition(d, 0), 0)} for d in dlqs]
        return {"lag": lag, "dead_letters": dead}
    finally:
        await consumer.stop()
        await admin.close()


async def overview(settings: GatewaySettings) -> dict[str, Any]:
    services = await health(settings)
    try:
        kafka = await asyncio.wait_for(kafka_view(settings), timeout=10.0)
    except Exception as exc:  # the page still shows health when the broker view fails
        log.warning("kafka view failed", extra={"error": type(exc).__name__})
        kafka = {"lag": None, "dead_letters": None, "error": type(exc).__name__}
    return {"services": services, **kafka}
