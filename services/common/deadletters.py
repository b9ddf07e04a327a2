"""Dead letters: list, show, replay after a fix, discard with a reason.

The dead-letter topics are immutable, so decisions (replayed, discarded) are themselves events
on `ops.deadletters`; a letter's status is derived from them. Replay publishes the original
bytes and key to the original topic: the consumers' inbox makes a replay of something already
processed harmless, and the event goes through exactly the same path as the first time.

CLI: `python -m services.common.deadletters list|show|replay|discard` (KAFKA_BOOTSTRAP_SERVERS,
and KAFKA_SASL_* as an operator's user where the broker has ACLs).
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from .envelope import Envelope
from .settings import Settings, kafka_client
from .topics import CATALOGUE, OPS_DEADLETTERS


@dataclass
class DeadLetter:
    dlq: str
    offset: int
    origin_topic: str
    origin_partition: str
    origin_offset: str
    group: str
    error: str
    attempts: str
    failed_at: str
    status: str  # pending | replayed | discarded
    event_id: str | None
    event_type: str | None


Kafka = str | Mapping[str, Any]  # a bootstrap address, or Settings.kafka_client()


async def _read_topic(kafka: Kafka, topic: str) -> list:
    """Every record of a one-partition topic, from the start to the high-watermark."""
    consumer = AIOKafkaConsumer(**kafka_client(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        if topic not in await consumer.topics():
            return []
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        records: list = []
        for _ in range(200):
            if await consumer.position(tp) >= end:
                break
            batch = await consumer.getmany(tp, timeout_ms=300)
            records.extend(r for r in batch.get(tp, []) if r.offset < end)
        return records
    finally:
        await consumer.stop()


async def _decisions(kafka: Kafka) -> dict[tuple[str, int], str]:
    status: dict[tuple[str, int], str] = {}
    for record in await _read_topic(kafka, OPS_DEADLETTERS.name):
        data = Envelope.from_bytes(record.value).data
        status[(data["dlq"], int(data["offset"]))] = data["action"]
    return status


def _letter(dlq: str, record, status: str) -> DeadLetter:
    headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
    event_id: str | None
    event_type: str | None
    try:
        event = Envelope.from_bytes(record.value)
        event_id, event_type = event.id, event.type
    except ValueError:
        event_id = event_type = None
    return DeadLetter(
        dlq=dlq,
        offset=record.offset,
        origin_topic=headers.get("x-origin-topic", ""),
        origin_partition=headers.get("x-origin-partition", ""),
        origin_offset=headers.get("x-origin-offset", ""),
        group=headers.get("x-group", ""),
        error=headers.get("x-error", ""),
        attempts=headers.get("x-attempts", ""),
        failed_at=headers.get("x-failed-at", ""),
        status=status,
        event_id=event_id,
        event_type=event_type,
    )


async def list_letters(kafka: Kafka, dlq: str | None = None) -> list[DeadLetter]:
    decided = await _decisions(kafka)
    dlqs = [dlq] if dlq else [t.dlq for t in CATALOGUE if t.consumers]
    letters = []
    for name in dlqs:
        for record in await _read_topic(kafka, name):
            letters.append(_letter(name, record, decided.get((name, record.offset), "pending")))
    return letters


async def _decide(
    producer: AIOKafkaProducer, dlq: str, offset: int, action: str, actor: str, reason: str
) -> None:
    decision = Envelope(
        type=f"deadletter.{action}",
        source="ops",
        data={"dlq": dlq, "offset": offset, "action": action, "actor": actor, "reason": reason},
    )
    # Keyed by letter: the topic is compacted down to each letter's latest decision.
    key = f"{dlq}:{offset}".encode()
    await producer.send_and_wait(OPS_DEADLETTERS.name, decision.to_bytes(), key=key)


async def replay(kafka: Kafka, dlq: str, offset: int | None, actor: str) -> int:
    """Replay one letter (or every pending one) to its original topic; returns how many."""
    decided = await _decisions(kafka)
    producer = AIOKafkaProducer(**kafka_client(kafka), acks="all")
    await producer.start()
    count = 0
    try:
        for record in await _read_topic(kafka, dlq):
            if offset is not None and record.offset != offset:
                continue
            if offset is None and decided.get((dlq, record.offset)):
                continue
            origin = _letter(dlq, record, "").origin_topic or dlq.removesuffix(".dlq")
            await producer.send_and_wait(origin, record.value, key=record.key)
            await _decide(producer, dlq, record.offset, "replayed", actor, "")
            count += 1
    finally:
        await producer.stop()
    return count


async def discard(kafka: Kafka, dlq: str, offset: int, actor: str, reason: str) -> None:
    if not reason.strip():
        raise ValueError("a discard needs a reason")
    producer = AIOKafkaProducer(**kafka_client(kafka), acks="all")
    await producer.start()
    try:
        await _decide(producer, dlq, offset, "discarded", actor, reason)
    finally:
        await producer.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.common.deadletters")
    sub = parser.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="dead letters with error, origin and status")
    ls.add_argument("--dlq", help="one dead-letter topic, e.g. intake.registrations.dlq")
    show = sub.add_parser("show", help="one letter in full")
    show.add_argument("dlq")
    show.add_argument("offset", type=int)
    rp = sub.add_parser("replay", help="replay one letter, or --all pending ones, after a fix")
    rp.add_argument("dlq")
    rp.add_argument("offset", type=int, nargs="?")
    rp.add_argument("--all", action="store_true")
    dc = sub.add_parser("discard", help="mark a letter as discarded, with a reason")
    dc.add_argument("dlq")
    dc.add_argument("offset", type=int)
    dc.add_argument("--reason", required=True)
    for p in (rp, dc):
        p.add_argument("--actor", default="cli")
    args = parser.parse_args(argv)
    kafka = Settings().kafka_client()

    if args.command == "list":
        letters = asyncio.run(list_letters(kafka, args.dlq))
        for d in letters:
            print(
                f"{d.dlq}@{d.offset}\t{d.status}\t{d.origin_topic}[{d.origin_partition}]"
                f"@{d.origin_offset}\t{d.attempts}x\t{d.error}"
            )
        print(f"{len(letters)} dead letters, {sum(d.status == 'pending' for d in letters)} pending")
    elif args.command == "show":
        letters = asyncio.run(list_letters(kafka, args.dlq))
        match = [d for d in letters if d.offset == args.offset]
        if not match:
            print("no such dead letter", file=sys.stderr)
            return 1
        print(json.dumps(asdict(match[0]), indent=2))
    elif args.command == "replay":
        if args.offset is None and not args.all:
            parser.error("give an offset or --all")
        n = asyncio.run(replay(kafka, args.dlq, args.offset, args.actor))
        print(f"replayed {n}")
    elif args.command == "discard":
        asyncio.run(discard(kafka, args.dlq, args.offset, args.actor, args.reason))
        print("discarded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
