"""The watchdog turns the services' heartbeats into alerts on ops.alerts."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.gateway.watchdog import alerts_for
from tests.helpers import eventually

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LIMITS = {"silent_after": timedelta(seconds=60), "backlog_limit": 500, "lag_limit": 1000}


def beat(seconds_ago: float, **figures: int) -> dict:
    return {
        "service": "crm",
        "instance": "host:1",
        "seen_at": NOW - timedelta(seconds=seconds_ago),
        "outbox_backlog": 0,
        "consumer_lag": 0,
        "dead_letters": 0,
    } | figures


def test_a_healthy_heartbeat_raises_nothing():
    assert alerts_for([beat(5)], NOW, **LIMITS) == []


def test_silence_backlog_lag_and_dead_letters_each_raise_their_alert():
    kinds = lambda rows: [a.kind for a in alerts_for(rows, NOW, **LIMITS)]  # noqa: E731
    assert kinds([beat(61)]) == ["service.silent"]
    assert kinds([beat(61, outbox_backlog=9999)]) == ["service.silent"]  # stale figures ignored
    assert kinds([beat(1, outbox_backlog=501)]) == ["outbox.backlog"]
    assert kinds([beat(1, consumer_lag=1001)]) == ["consumer.lag"]
    assert kinds([beat(1, dead_letters=2)]) == ["deadletters.growing"]


def test_each_new_dead_letter_count_is_a_new_alert_but_the_same_silence_is_not():
    first = alerts_for([beat(1, dead_letters=1)], NOW, **LIMITS)[0]
    more = alerts_for([beat(1, dead_letters=3)], NOW, **LIMITS)[0]
    assert first.key != more.key
    assert (
        alerts_for([beat(70)], NOW, **LIMITS)[0].key == alerts_for([beat(90)], NOW, **LIMITS)[0].key
    )


async def alerts_on_the_bus(bootstrap: str) -> list[dict]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition("ops.alerts", 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        out: list[dict] = []
        for _ in range(5):
            batch = await consumer.getmany(tp, timeout_ms=300)
            out += [json.loads(r.value)["data"] for r in batch.get(tp, [])]
        return out
    finally:
        await consumer.stop()


async def test_a_service_that_falls_silent_raises_an_alert(platform):
    platform.kill("crm")
    try:

        async def silent_alert():
            alerts = await alerts_on_the_bus(platform.endpoints.kafka_bootstrap)
            return [
                a for a in alerts if a.get("kind") == "service.silent" and a.get("service") == "crm"
            ]

        [alert] = (await eventually(silent_alert, timeout=60, interval=1))[:1]
        assert alert["value"] >= 8
    finally:
        platform.spawn("crm")
        await asyncio.to_thread(platform.wait_healthy, "crm")
