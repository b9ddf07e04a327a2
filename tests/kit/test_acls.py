"""Kafka with SASL/SCRAM and ACLs from the catalogue, as deploy/ runs it: on a second broker
started here (the local stack's broker stays PLAINTEXT), each service's user writes only its
own topics and reads only those the catalogue lists for it."""

import contextlib
import os
import secrets
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    TopicAuthorizationFailedError,
)
from fastapi import FastAPI

from devstack import kafka
from devstack.infra import death_signal_setter, free_ports
from services.common import outbox
from services.common.envelope import Envelope, new_id
from services.common.service import Service
from services.common.settings import Settings
from services.common.topics import (
    CANDIDATES_PROFILES,
    CATALOGUE,
    INTAKE_REGISTRATIONS,
    OPS_HEALTH,
    PRIVACY_REQUESTS,
    Acl,
    Topic,
    acls,
    apply_acls,
    ensure_topics,
    refused_topics,
)
from tests.helpers import eventually

USERS = sorted({n for t in CATALOGUE for n in (*t.producers, *t.consumers)} | {"ops"})


@dataclass
class SecureBroker:
    bootstrap: str
    passwords: dict[str, str]

    def client(self, user: str) -> dict[str, object]:
        return Settings(
            kafka_bootstrap_servers=self.bootstrap,
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_username=user,
            kafka_sasl_password=self.passwords[user],
        ).kafka_client()


@pytest.fixture(scope="module")
async def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SecureBroker]:
    root = tmp_path_factory.mktemp("kafka-sasl")
    ports = free_ports()
    passwords = {user: secrets.token_urlsafe(18) for user in [kafka.ADMIN, *USERS]}
    cmd = kafka.prepare(
        root / "data", ports.kafka, ports.kafka_controller, root / "setup.log", passwords
    )
    with open(root / "kafka.log", "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            start_new_session=True,
            preexec_fn=death_signal_setter(signal.SIGTERM),
        )
    broker = SecureBroker(f"127.0.0.1:{ports.kafka}", passwords)
    try:

        async def answers() -> bool:
            assert proc.poll() is None, (root / "kafka.log").read_text()[-3000:]
            admin = AIOKafkaAdminClient(**broker.client(kafka.ADMIN), request_timeout_ms=3000)
            try:
                await admin.start()
                await admin.list_topics()
                return True
            except Exception as exc:
                raise AssertionError(repr(exc)) from exc
            finally:
                await admin.close()

        await eventually(answers, timeout=90, interval=0.5)
        await ensure_topics(broker.client(kafka.ADMIN))
        await apply_acls(broker.client(kafka.ADMIN), acls())
        yield broker
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_bindings_follow_the_catalogue():
    bindings = set(acls())
    assert Acl("intake", "TOPIC", "intake.registrations", "WRITE") in bindings
    assert Acl("intake", "TOPIC", "candidates.profiles", "READ") in bindings
    assert Acl("intake", "TOPIC", "candidates.profiles.dlq", "WRITE") in bindings
    assert Acl("intake", "GROUP", "intake", "READ") in bindings
    assert Acl("intake", "TOPIC", "ops.health", "WRITE") in bindings
    # Nothing the catalogue does not say: intake neither reads privacy's decisions nor
    # writes candidates' profiles, and joins no other service's group.
    assert Acl("intake", "TOPIC", "privacy.requests", "READ") not in bindings
    assert Acl("intake", "TOPIC", "candidates.profiles", "WRITE") not in bindings
    assert not [a for a in bindings if a.resource == "GROUP" and a.name != a.principal]
    # Only the privacy service's erasure scan reads what it does not consume.
    for acl in bindings:
        if acl.operation == "READ" and acl.resource == "TOPIC" and acl.principal != "privacy":
            topic = acl.name.removesuffix(".dlq")
            listed = next(t for t in CATALOGUE if t.name == topic)
            assert acl.principal in listed.consumers or acl.principal in ("gateway", "ops")


async def _produce(client: dict[str, object], topic: str) -> None:
    # As the services' producer: idempotent, acks=all.
    producer = AIOKafkaProducer(**client, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"acl-test")
    finally:
        await producer.stop()


async def _read(client: dict[str, object], topic: Topic, group: str | None) -> int:
    consumer = AIOKafkaConsumer(
        **client, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        if group is None:  # as the operations page and the erasure scan read: no group
            partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
        else:
            consumer.subscribe([topic.name])
        batch = await consumer.getmany(timeout_ms=5000)
        if group is not None:
            await consumer.commit()
        return sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()


async def test_a_service_writes_and_reads_what_the_catalogue_lists_for_it(secure_broker):
    intake, candidates = secure_broker.client("intake"), secure_broker.client("candidates")
    await _produce(intake, INTAKE_REGISTRATIONS.name)
    await _produce(candidates, CANDIDATES_PROFILES.name)
    assert await _read(intake, CANDIDATES_PROFILES, "intake") >= 1
    assert await _read(candidates, INTAKE_REGISTRATIONS, None) >= 1


async def test_a_service_cannot_write_another_services_topic(secure_broker):
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(secure_broker.client("intake"), CANDIDATES_PROFILES.name)
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(secure_broker.client("crm"), PRIVACY_REQUESTS.name)


async def _refused(client: dict[str, object], topic: Topic) -> bool:
    """The broker's answer to a metadata request for the topic: not authorised."""
    admin = AIOKafkaAdminClient(**client)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic.name])
        hidden = topic.name not in await admin.list_topics()
    finally:
        await admin.close()
    return described["error_code"] == TopicAuthorizationFailedError.errno and hidden


async def test_a_service_cannot_read_a_topic_it_is_not_listed_for(secure_broker):
    # Both topics hold a record, which the services listed as their consumers read...
    await _produce(secure_broker.client("privacy"), PRIVACY_REQUESTS.name)
    await _produce(secure_broker.client("candidates"), CANDIDATES_PROFILES.name)
    assert await _read(secure_broker.client("crm"), PRIVACY_REQUESTS, None) >= 1
    assert await _read(secure_broker.client("intake"), CANDIDATES_PROFILES, None) >= 1
    # ...and the others get nothing: the broker refuses them the topic (aiokafka keeps
    # retrying the metadata and hands back no records rather than raising).
    assert await _refused(secure_broker.client("intake"), PRIVACY_REQUESTS)
    assert await _read(secure_broker.client("intake"), PRIVACY_REQUESTS, None) == 0
    assert await _refused(secure_broker.client("documents"), CANDIDATES_PROFILES)
    assert await _read(secure_broker.client("documents"), CANDIDATES_PROFILES, "documents") == 0


async def test_a_service_cannot_join_another_services_consumer_group(secure_broker):
    with pytest.raises(GroupAuthorizationFailedError):
        await _read(secure_broker.client("intake"), CANDIDATES_PROFILES, "candidates")


async def test_a_kit_service_runs_on_its_own_user(secure_broker, endpoints, tmp_path: Path):
    """The kit itself (broker, consumer group, outbox relay, heartbeat) under its ACLs: a
    service named intake, on a fresh database, with intake's user and no topic management."""
    dbname = f"acltest_{new_id().replace('-', '')[-12:]}"
    server = await asyncpg.connect(endpoints.database_url)
    await server.execute(f'CREATE DATABASE "{dbname}"')
    await server.close()
    settings = Settings(
        service_name="intake",
        database_url=endpoints.database_url.rsplit("/", 1)[0] + f"/{dbname}",
        kafka_bootstrap_servers=secure_broker.bootstrap,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="intake",
        kafka_sasl_password=secure_broker.passwords["intake"],
        kafka_manage_topics=False,
        heartbeat_seconds=0.5,
        outbox_poll_seconds=0.2,
    )
    service = Service("intake", tmp_path, settings=settings)
    seen: list[str] = []

    @service.consumer(CANDIDATES_PROFILES)
    async def profile_changed(event: Envelope, conn: asyncpg.Connection) -> None:
        seen.append(event.id)

    published = Envelope(type="acl.test", source="candidates", data={})
    await _send(secure_broker.client("candidates"), CANDIDATES_PROFILES.name, published)
    async with service.lifespan(FastAPI()):
        assert await service.health() == {"database": "ok", "broker": "ok"}
        await eventually(lambda: _async(published.id in seen), timeout=30)
        handed = Envelope(type="acl.test", source="intake", data={})
        async with service.pool.acquire() as conn:
            await outbox.record(conn, INTAKE_REGISTRATIONS, handed)
        ids = await eventually(
            lambda: _ids(secure_broker.client("candidates"), INTAKE_REGISTRATIONS),
            timeout=30,
        )
        assert handed.id in ids
        beats = await eventually(lambda: _ids(secure_broker.client("gateway"), OPS_HEALTH))
        assert beats


async def _async(value: bool) -> bool:
    return value


async def _send(client: dict[str, object], topic: str, event: Envelope) -> None:
    producer = AIOKafkaProducer(**client, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, event.to_bytes(), key=b"acl-test")
    finally:
        await producer.stop()


async def _ids(client: dict[str, object], topic: Topic) -> set[str]:
    consumer = AIOKafkaConsumer(**client, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ids: set[str] = set()
        for _ in range(5):
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for rec in records:
                    with contextlib.suppress(ValueError):
                        ids.add(Envelope.from_bytes(rec.value).id)
        return ids
    finally:
        await consumer.stop()


async def test_a_service_on_a_user_without_its_acls_refuses_to_start(
    secure_broker, endpoints, tmp_path
):
    """crm's user cannot produce intake's events: a service named intake on it stops at start
    (aiokafka alone would only log and wait)."""
    dbname = f"acltest_{new_id().replace('-', '')[-12:]}"
    server = await asyncpg.connect(endpoints.database_url)
    await server.execute(f'CREATE DATABASE "{dbname}"')
    await server.close()
    settings = Settings(
        service_name="intake",
        database_url=endpoints.database_url.rsplit("/", 1)[0] + f"/{dbname}",
        kafka_bootstrap_servers=secure_broker.bootstrap,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="crm",
        kafka_sasl_password=secure_broker.passwords["crm"],
        kafka_manage_topics=False,
    )
    service = Service("intake", tmp_path, settings=settings)
    refused = await refused_topics(settings.kafka_client(), [INTAKE_REGISTRATIONS.name])
    assert refused == [INTAKE_REGISTRATIONS.name]
    with pytest.raises(RuntimeError, match=r"may not use .*intake\.registrations"):
        async with service.lifespan(FastAPI()):
            pass
