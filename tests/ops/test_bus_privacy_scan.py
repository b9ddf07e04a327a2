"""Runs after every other test: the whole bus, read from the start, carries no personal data
in plaintext (DESIGN rule 3). Sealed fields are ciphertext and are left out of the scan."""

import asyncio
import json
import re

import pytest
from aiokafka import AIOKafkaConsumer

from services.common.topics import partitions_on_broker
from tests.helpers import example

EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z.]{2,}")
PHONE = re.compile(rb"(\+31|0031|\b06)[\s-]?\d[\d\s-]{7,}")
POSTCODE = re.compile(rb"\b[1-9]\d{3}\s?[A-Z]{2}\b")
# Ids and hashes look like phone numbers to the pattern above; they are not personal data.
UUID = re.compile(rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX = re.compile(rb"\b[0-9a-f]{32,}\b")


def example_people() -> list[bytes]:
    """Names, streets and places of the example people, which every flow test uses."""
    words: list[bytes] = []
    for name in ("registration-accepted", "registration-rejected"):
        person = example(name)
        words += [
            person["first_name"].encode(),
            person["last_name"].encode(),
            person["address"]["street"].encode(),
        ]
    return words


def readable_part(value: bytes) -> bytes:
    """What anyone reading the topic sees: the envelope without its sealed ciphertext."""
    try:
        envelope = json.loads(value)
    except ValueError:
        return value
    if isinstance(envelope, dict):
        envelope.pop("sealed", None)
    return json.dumps(envelope, ensure_ascii=False).encode()


async def read_everything(bootstrap: str) -> list:
    # Every topic on the broker, not only the catalogue's (Kafka's internal ones aside).
    partitions = await partitions_on_broker(bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list = []
        # Read up to each partition's end as of now (heartbeats keep arriving, so "no new
        # messages" never comes), with a deadline as a backstop.
        ends = await consumer.end_offsets(partitions)
        deadline = asyncio.get_running_loop().time() + 120
        while asyncio.get_running_loop().time() < deadline:
            behind = [tp for tp in partitions if await consumer.position(tp) < ends[tp]]
            if not behind:
                break
            batch = await consumer.getmany(*behind, timeout_ms=500, max_records=5000)
            for recs in batch.values():
                records.extend(recs)
        return records
    finally:
        await consumer.stop()


@pytest.mark.last
async def test_no_personal_data_in_plaintext_on_any_topic(platform):
    records = await read_everything(platform.endpoints.kafka_bootstrap)
    assert records, "the scan read nothing: it would prove nothing"
    names = example_people()
    hits: list[str] = []
    for r in records:
        parts = [readable_part(r.value or b""), r.key or b""]
        parts += [k.encode() + b"=" + v for k, v in (r.headers or ())]
        text = HEX.sub(b"<hash>", UUID.sub(b"<id>", b"\n".join(parts)))
        for pattern in (EMAIL, PHONE, POSTCODE):
            for m in pattern.finditer(text):
                hits.append(
                    f"{r.topic}@{r.partition}:{r.offset} {pattern.pattern!r}: {m.group()!r}"
                )
        hits += [f"{r.topic}@{r.partition}:{r.offset} name {n!r}" for n in names if n in text]
    assert not hits, "personal data on the bus:\n" + "\n".join(hits[:50])
