"""The local stack starts every component, survives a broker kill -9, and stops cleanly."""

from __future__ import annotations

import asyncio
import io
import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from minio import Minio

from devstack import Endpoints, LocalStack, free_ports
from devstack.kafka import new_cluster_id

TOPIC = "devstack-durability"
N_MESSAGES = 50


def _minio(ep: Endpoints) -> Minio:
    return Minio(
        urlsplit(ep.s3_endpoint).netloc,
        access_key=ep.s3_access_key,
        secret_key=ep.s3_secret_key,
        secure=False,
        region="us-east-1",
    )


def _alive(pid: int) -> bool:
    """True while the process group led by pid has any member (our children are leaders)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _produce(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        futures = [
            await producer.send(TOPIC, f"m{i}".encode(), key=b"k") for i in range(N_MESSAGES)
        ]
        await producer.flush()
        for fut in futures:
            await fut  # every message acknowledged before the broker gets killed
    finally:
        await producer.stop()


async def _consume_all(bootstrap: str, timeout: float = 20.0) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    got: list[bytes] = []
    try:
        deadline = time.monotonic() + timeout
        while len(got) < N_MESSAGES and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                got.extend(r.value for r in records if r.value is not None)
    finally:
        await consumer.stop()
    return got


async def _wait_for_mail(mail_dir: Path, timeout: float = 10.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.eml"))
        if files:
            return files
        await asyncio.sleep(0.05)
    return []


async def test_local_stack_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "stack"
    # env={}: start everything here, whatever DATABASE_URL etc. the shell may have.
    stack = LocalStack(root, free_ports(), env={})
    started = time.monotonic()
    ep = stack.start()
    try:
        print(f"start: {time.monotonic() - started:.2f}s")
        pids = stack.pids()
        assert set(pids) == {"postgres", "seaweedfs", "kafka", "smtp"}
        for sub in ("pg", "s3", "kafka", "mail", "logs"):
            assert (root / sub).is_dir()

        # PostgreSQL over TCP
        conn = await asyncpg.connect(ep.database_url)
        try:
            assert await conn.fetchval("select 1") == 1
            assert int(await conn.fetchval("show max_connections")) == 300
            await conn.execute("create table kept (v text)")
            await conn.execute("insert into kept values ('survives restart')")
        finally:
            await conn.close()

        # S3 round trip
        s3 = _minio(ep)
        s3.make_bucket("roundtrip")
        body = b"hello s3"
        s3.put_object("roundtrip", "a/b.txt", io.BytesIO(body), len(body))
        resp = s3.get_object("roundtrip", "a/b.txt")
        try:
            assert resp.read() == body
        finally:
            resp.close()
            resp.release_conn()

        # Kafka: acks=all, kill -9 the broker, restart, nothing lost
        await _produce(ep.kafka_bootstrap)
        old_broker = pids["kafka"]
        stack.kill_broker()
        assert not _alive(old_broker)
        stack.start_broker()
        assert stack.pids()["kafka"] != old_broker
        expected = [f"m{i}".encode() for i in range(N_MESSAGES)]
        assert await _consume_all(ep.kafka_bootstrap) == expected

        # SMTP sink: one message -> one .eml file
        assert ep.mail_dir is not None
        msg = EmailMessage()
        msg["From"] = "noreply@example.org"
        msg["To"] = "candidate@example.org"
        msg["Subject"] = "devstack test"
        msg.set_content("hello mail")
        with smtplib.SMTP(ep.smtp_host, ep.smtp_port, timeout=10) as smtp:
            smtp.send_message(msg)
        files = await _wait_for_mail(ep.mail_dir)
        assert len(files) == 1
        text = files[0].read_text()
        assert "Subject: devstack test" in text
        assert "hello mail" in text
        assert not [p for p in ep.mail_dir.iterdir() if not p.name.endswith(".eml")]
    finally:
        final_pids = stack.pids()
        stopping = time.monotonic()
        stack.stop()
        print(f"stop: {time.monotonic() - stopping:.2f}s")

    assert final_pids
    assert not [name for name, pid in final_pids.items() if _alive(pid)]
    assert stack.pids() == {}

    # Same root again: everything is still there, and initdb did not run twice.
    stack = LocalStack(root, free_ports(), env={})
    ep = stack.start()
    try:
        conn = await asyncpg.connect(ep.database_url)
        try:
            assert await conn.fetchval("select v from kept") == "survives restart"
        finally:
            await conn.close()
        resp = _minio(ep).get_object("roundtrip", "a/b.txt")
        try:
            assert resp.read() == body
        finally:
            resp.close()
            resp.release_conn()
        assert len(await _consume_all(ep.kafka_bootstrap)) == N_MESSAGES
    finally:
        final_pids = stack.pids()
        stack.stop()
    assert not [name for name, pid in final_pids.items() if _alive(pid)]
    initdb_log = (root / "logs" / "postgres-initdb.log").read_text()
    assert initdb_log.count("Success.") == 1


async def test_components_given_in_env_are_not_started(tmp_path: Path) -> None:
    # Stack A: everything but the broker (a KAFKA_BOOTSTRAP_SERVERS that is never dialled).
    a = LocalStack(tmp_path / "a", free_ports(), env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"})
    ea = a.start()
    try:
        assert set(a.pids()) == {"postgres", "seaweedfs", "smtp"}
        assert ea.kafka_bootstrap == "127.0.0.1:1"
        # Stack B: only the broker; A's database, S3 and mail server handed through.
        env = {
            "DATABASE_URL": ea.database_url,
            "S3_ENDPOINT": ea.s3_endpoint,
            "S3_ACCESS_KEY": ea.s3_access_key,
            "S3_SECRET_KEY": ea.s3_secret_key,
            "SMTP_HOST": ea.smtp_host,
            "SMTP_PORT": str(ea.smtp_port),
        }
        with LocalStack(tmp_path / "b", free_ports(), env=env) as b:
            eb = b.endpoints
            assert set(b.pids()) == {"kafka"}
            assert (eb.database_url, eb.s3_endpoint) == (ea.database_url, ea.s3_endpoint)
            assert (eb.smtp_host, eb.smtp_port, eb.mail_dir) == (ea.smtp_host, ea.smtp_port, None)
            assert not (tmp_path / "b" / "pg").exists()
            await _produce(eb.kafka_bootstrap)
            assert len(await _consume_all(eb.kafka_bootstrap)) == N_MESSAGES
            broker = b.pids()["kafka"]
        assert not _alive(broker)
    finally:
        a.stop()


def test_a_machine_without_java_is_told_what_to_install(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devstack", "infra", "--root", str(tmp_path), "--free-ports"],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},  # no java, no mvn on this PATH
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Java 17+ and Maven" in result.stderr
    assert "apt-get install openjdk-17-jre-headless maven" in result.stderr


def test_a_kafka_cluster_id_never_looks_like_an_option():
    # The storage tool failed to format when a random id began with "-" (1 in 64 starts).
    ids = [new_cluster_id() for _ in range(2000)]
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
    assert len(set(ids)) == len(ids)
