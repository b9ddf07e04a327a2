"""Soak: is the broker as quick after 200,000 heartbeats on ops.health as on a fresh topic?

The gateway's operations page reads the latest heartbeats back on every view
(services/gateway/operations.py); the services fetch all the time. A broker that slows as its
topics fill (the local one before Apache Kafka did) shows here first.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.stats import pct
from services.common.envelope import Envelope
from services.common.topics import OPS_HEALTH

TAIL = 300  # heartbeats the operations page reads back per view
IDLE_SECONDS = 10.0
# "No worse" with room for this machine's noise (runs of the same code differ by ~15 %).
TOLERANCE = 1.25


async def tail_reads(bootstrap: str, reads: int) -> list[float]:
    """Seconds per read of the latest TAIL heartbeats by a new reader, as each view of the
    operations page does (a reader kept between reads would wait out its own idle fetch)."""
    tp = TopicPartition(OPS_HEALTH.name, 0)
    latencies: list[float] = []
    for _ in range(reads):
        started = time.perf_counter()
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign([tp])
            end = (await consumer.end_offsets([tp]))[tp]
            consumer.seek(tp, max(0, end - TAIL))
            while await consumer.position(tp) < end:
                await consumer.getmany(tp, timeout_ms=1000, max_records=TAIL)
        finally:
            await consumer.stop()
        latencies.append(time.perf_counter() - started)
    return latencies


async def fill(bootstrap: str, count: int) -> float:
    """Publish `count` heartbeat-shaped records; returns the rate per second."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    started = time.perf_counter()
    try:
        for first in range(0, count, 5000):
            pending = []
            for i in range(first, min(count, first + 5000)):
                beat = Envelope(
                    type="service.heartbeat",
                    source="bench",
                    data={"service": "bench-soak", "instance": f"soak-{i % 8}", "seq": i},
                )
                pending.append(
                    await producer.send(OPS_HEALTH.name, beat.to_bytes(), key=b"bench-soak")
                )
            await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return count / (time.perf_counter() - started)


async def idle_broker_cpu(broker_cpu: Callable[[], float]) -> float:
    """The broker's CPU seconds per second while the platform idles (fetches, heartbeats)."""
    before = broker_cpu()
    await asyncio.sleep(IDLE_SECONDS)
    return (broker_cpu() - before) / IDLE_SECONDS


async def phase(bootstrap: str, broker_cpu: Callable[[], float]) -> dict[str, Any]:
    reads = await tail_reads(bootstrap, 50)
    return {
        "tail_read_p50_ms": pct(reads, 50),
        "tail_read_p95_ms": pct(reads, 95),
        "broker_cpu_idle_percent": round(100 * await idle_broker_cpu(broker_cpu), 2),
    }


async def measure(bootstrap: str, broker_cpu: Callable[[], float], messages: int) -> dict:
    fresh = await phase(bootstrap, broker_cpu)
    rate = await fill(bootstrap, messages)
    full = await phase(bootstrap, broker_cpu)

    def no_worse(key: str, slack: float) -> bool:
        return full[key] <= fresh[key] * TOLERANCE + slack

    return {
        "messages_added": messages,
        "fill_rate_per_s": round(rate),
        "fresh_topic": fresh,
        "after_soak": full,
        "goal_no_worse_than_fresh": no_worse("tail_read_p95_ms", 2.0)
        and no_worse("broker_cpu_idle_percent", 1.0),
        "tolerance": f"x{TOLERANCE} + 2 ms / + 1 % CPU",
    }
