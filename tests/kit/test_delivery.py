"""The kit's delivery guarantees on the real broker and database: outbox, inbox, dead letters.

A throwaway service ("kittest") runs in this process with its own database and topic, so the
tests exercise exactly the code every service uses.
"""

import asyncio
import contextlib
import dataclasses
import json
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from fastapi import FastAPI

from services.common import deadletters, outbox
from services.common.envelope import Envelope, new_id
from services.common.service import Service
from services.common.settings import Settings
from services.common.topics import Topic
from tests.helpers import eventually


@pytest.fixture
async def kit(endpoints, tmp_path: Path):
    """A running throwaway service on a fresh database and a fresh topic."""
    suffix = new_id().replace("-", "")[-12:]
    dbname = f"kittest_{suffix}"
    admin_conn = await asyncpg.connect(endpoints.database_url)
    await admin_conn.execute(f'CREATE DATABASE "{dbname}"')
    await admin_conn.close()
    # Its own name (so consumer group) per test: a member the previous test's service left
    # behind would hold up this one's join until its session timed out.
    name = f"kittest-{suffix}"
    topic = Topic(f"kittest.{suffix}", (name,), (name,), partitions=2)
    admin = AIOKafkaAdminClient(bootstrap_servers=endpoints.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic.name, 2, 1), NewTopic(topic.dlq, 1, 1)])
    await admin.close()

    (tmp_path / "001_effects.sql").write_text(
        "CREATE TABLE effects (event_id uuid, note text, at timestamptz DEFAULT clock_timestamp());"
    )
    settings = Settings(
        service_name=name,
        database_url=endpoints.database_url.rsplit("/", 1)[0] + f"/{dbname}",
        kafka_bootstrap_servers=endpoints.kafka_bootstrap,
        consumer_max_attempts=3,
        consumer_backoff_seconds=0.05,
        outbox_poll_seconds=0.2,
    )
    service = Service(name, tmp_path, settings=settings)

    @service.consumer(topic)
    async def record_effect(event: Envelope, conn: asyncpg.Connection) -> None:
        if event.data.get("poison") and not service.fixed:  # type: ignore[attr-defined]
            raise RuntimeError("this handler can never process this event")
        if event.data.get("slow"):
            await asyncio.sleep(1.5)
        await conn.execute(
            "INSERT INTO effects(event_id, note) VALUES ($1, $2)", event.id, event.data["note"]
        )

    service.topic = topic  # type: ignore[attr-defined]
    service.fixed = False  # type: ignore[attr-defined]  # flipped by a test to "deploy a fix"
    yield service
    with contextlib.suppress(Exception):
        await service.pool.close()


@contextlib.asynccontextmanager
async def running(service: Service):
    async with service.lifespan(FastAPI()):
        yield


async def effects(service: Service) -> list[asyncpg.Record]:
    return await service.pool.fetch("SELECT event_id::text, note FROM effects ORDER BY at")


async def publish_raw(bootstrap: str, topic: str, payloads: list[bytes], key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            await producer.send_and_wait(topic, payload, key=key)
    finally:
        await producer.stop()


def event(note: str, **data) -> Envelope:
    return Envelope(
        type="kittest.happened", source="kittest", subject="s-1", data={"note": note, **data}
    )


async def test_event_committed_before_a_crash_is_published_after_restart(kit, endpoints):
    # A service that committed its change and outbox row, then died before publishing:
    # the row is in the database, nothing is on the bus.
    first = Service(kit.name, kit.migrations, settings=kit.settings)
    async with running(first):
        pass  # creates the database schema, then "dies"
    pool = await asyncpg.create_pool(kit.settings.database_url)
    ev = event("survived")
    async with pool.acquire() as conn, conn.transaction():
        await outbox.record(conn, kit.topic, ev)
    await pool.close()

    async with running(kit):
        rows = await eventually(lambda: effects(kit))
        assert [r["event_id"] for r in rows] == [ev.id]
        assert await outbox.backlog(kit.pool) == 0


async def test_a_redelivered_event_has_one_effect(kit, endpoints):
    ev = event("once")
    async with running(kit):
        await publish_raw(endpoints.kafka_bootstrap, kit.topic.name, [ev.to_bytes()] * 3, b"s-1")
        later = event("after the replays")
        await publish_raw(endpoints.kafka_bootstrap, kit.topic.name, [later.to_bytes()], b"s-1")
        rows = await eventually(lambda: _has(kit, later.id))
    assert [r["note"] for r in rows] == ["once", "after the replays"]


async def test_a_slow_subject_holds_up_no_other_and_each_keeps_its_order(kit, endpoints):
    def about(subject: str, note: str, **data) -> bytes:
        return Envelope(
            type="kittest.happened", source="kittest", subject=subject, data={"note": note, **data}
        ).to_bytes()

    bootstrap, name = endpoints.kafka_bootstrap, kit.topic.name
    async with running(kit):
        first = [about("s-slow", "slow", slow=True), about("s-slow", "then")]
        await publish_raw(bootstrap, name, first, b"s-slow")
        await asyncio.sleep(0.7)  # the slow one is in hand now
        last = about("s-quick", "quick")
        await publish_raw(bootstrap, name, [last], b"s-quick")
        rows = await eventually(lambda: _notes_when(kit, 3))
    assert rows == ["quick", "slow", "then"]


async def _notes_when(service: Service, count: int) -> list[str] | None:
    rows = await effects(service)
    return [r["note"] for r in rows] if len(rows) >= count else None


async def _has(service: Service, event_id: str) -> list[asyncpg.Record] | None:
    rows = await effects(service)
    return rows if any(r["event_id"] == event_id for r in rows) else None


async def test_poison_message_goes_to_dead_letters_and_the_partition_moves_on(kit, endpoints):
    poison = event("never", poison=True)
    good = event("processed after the poison")
    async with running(kit):
        await publish_raw(
            endpoints.kafka_bootstrap,
            kit.topic.name,
            [poison.to_bytes(), b"{not an envelope", good.to_bytes()],
            b"s-1",  # one key: one partition, so the good event waits behind both bad ones
        )
        rows = await eventually(lambda: _has(kit, good.id))
    assert [r["note"] for r in rows] == ["processed after the poison"]

    dead = await read_all(endpoints.kafka_bootstrap, kit.topic.dlq, expected=2)
    by_value = {m.value: dict((k, v.decode()) for k, v in m.headers) for m in dead}
    handler_failure = by_value[poison.to_bytes()]
    assert handler_failure["x-attempts"] == "3"
    assert handler_failure["x-error"].startswith("RuntimeError: this handler can never")
    assert handler_failure["x-origin-topic"] == kit.topic.name
    assert handler_failure["x-origin-offset"].isdigit()
    malformed = by_value[b"{not an envelope"]
    assert malformed["x-attempts"] == "1"  # a message that cannot parse is not retried
    assert malformed["x-error"].startswith("ValidationError")


async def read_all(bootstrap: str, topic: str, expected: int, timeout: float = 20.0) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    out: list = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(out) < expected and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                out.extend(records)
    finally:
        await consumer.stop()
    assert len(out) == expected, f"expected {expected} messages on {topic}, got {len(out)}"
    return out


def test_envelope_json_shape_matches_the_design():
    ev = event("x")
    body = json.loads(ev.to_bytes())
    assert set(body) == {
        "id",
        "type",
        "source",
        "time",
        "subject",
        "correlation_id",
        "data",
        "sealed",
        "schema",
    }


async def test_dead_letter_replayed_after_the_fix_has_exactly_one_effect(kit, endpoints):
    poison = event("processed once, after the fix", poison=True)
    async with running(kit):
        await publish_raw(endpoints.kafka_bootstrap, kit.topic.name, [poison.to_bytes()], b"s-1")
        letters = await eventually(
            lambda: deadletters.list_letters(endpoints.kafka_bootstrap, kit.topic.dlq)
        )
        assert [(d.status, d.event_id) for d in letters] == [("pending", poison.id)]
        assert await effects(kit) == []

        kit.fixed = True
        replayed = await deadletters.replay(endpoints.kafka_bootstrap, kit.topic.dlq, None, "t")
        assert replayed == 1
        await eventually(lambda: _has(kit, poison.id))
        # Replaying it again (on purpose, by offset) goes through the inbox: no second effect.
        await deadletters.replay(endpoints.kafka_bootstrap, kit.topic.dlq, letters[0].offset, "t")
        marker = event("after the second replay")
        await publish_raw(endpoints.kafka_bootstrap, kit.topic.name, [marker.to_bytes()], b"s-1")
        rows = await eventually(lambda: _has(kit, marker.id))
    assert [r["note"] for r in rows] == ["processed once, after the fix", "after the second replay"]
    letters = await deadletters.list_letters(endpoints.kafka_bootstrap, kit.topic.dlq)
    assert [d.status for d in letters] == ["replayed"]
    assert await deadletters.replay(endpoints.kafka_bootstrap, kit.topic.dlq, None, "t") == 0


async def test_discarding_a_dead_letter_needs_a_reason_and_is_recorded(kit, endpoints):
    async with running(kit):
        await publish_raw(endpoints.kafka_bootstrap, kit.topic.name, [b"garbage"], b"s-1")
        letters = await eventually(
            lambda: deadletters.list_letters(endpoints.kafka_bootstrap, kit.topic.dlq)
        )
    with pytest.raises(ValueError):
        await deadletters.discard(
            endpoints.kafka_bootstrap, kit.topic.dlq, letters[0].offset, "t", "  "
        )
    await deadletters.discard(
        endpoints.kafka_bootstrap,
        kit.topic.dlq,
        letters[0].offset,
        "t",
        "not an event; sent by a misconfigured test producer",
    )
    letters = await deadletters.list_letters(endpoints.kafka_bootstrap, kit.topic.dlq)
    assert [d.status for d in letters] == ["discarded"]


async def test_events_of_types_a_handler_does_not_take_pass_by_without_the_inbox(kit, endpoints):
    sub = kit.subscriptions[kit.topic.name]
    kit.subscriptions[kit.topic.name] = dataclasses.replace(
        sub, types=frozenset({"kittest.happened"})
    )
    other = Envelope(type="kittest.other", source="kittest", subject="s-1", data={"note": "no"})
    ev = event("yes")
    async with running(kit):
        await publish_raw(
            endpoints.kafka_bootstrap, kit.topic.name, [other.to_bytes(), ev.to_bytes()], b"s-1"
        )
        rows = await eventually(lambda: effects(kit))
        assert [r["event_id"] for r in rows] == [ev.id]
        seen = {r["event_id"] for r in await kit.pool.fetch("SELECT event_id::text FROM inbox")}
        assert ev.id in seen and other.id not in seen
