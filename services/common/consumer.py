"""Consuming events: idempotent inbox, erasure tombstones, retries with backoff, dead letters.

Every subscriber of every service goes through `consume` (wired by service.Service.consumer),
so the rules hold in one place:
- the handler's writes and the processed-event record commit in one transaction, so a
  redelivered event has no second effect;
- an event about an erased subject is dropped (DESIGN rule 4) unless the handler asks for it;
- a handler that keeps failing is retried with backoff, then the message goes to the topic's
  dead-letter topic with the error and its origin in headers, and the partition moves on.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from faststream.kafka.message import KafkaMessage
from pydantic import ValidationError

from .envelope import Envelope, utcnow
from .metrics import DEAD_LETTERS, EVENTS_CONSUMED, HANDLER_FAILURES, HANDLER_SECONDS
from .topics import Topic

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, asyncpg.Connection], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    topic: Topic
    group: str
    handler: Handler
    after_erasure: bool  # erasure commands and access requests must still be answered
    # The event types the handler acts on (None: all). Others are passed over before the
    # inbox: acting on nothing, they need no transaction and no record.
    types: frozenset[str] | None = None


class Offsets:
    """Offsets of handled messages, committed in batches rather than one round trip each.

    Messages of one partition may finish out of order (they run concurrently across keys), so
    a partition's commit stops at its oldest message still running. A crash before a batch is
    committed redelivers those messages; the inbox makes that harmless.
    """

    def __init__(self) -> None:
        self._running: dict[TopicPartition, set[int]] = {}
        self._next: dict[TopicPartition, int] = {}  # one past the highest finished offset
        self._dirty: set[TopicPartition] = set()

    @staticmethod
    def _where(msg: KafkaMessage) -> tuple[TopicPartition, int]:
        # One record: no subscriber here is a batch one (that would give a tuple).
        raw = cast("ConsumerRecord[Any, Any]", msg.raw_message)
        return TopicPartition(raw.topic, raw.partition), raw.offset

    def started(self, msg: KafkaMessage) -> None:
        tp, offset = self._where(msg)
        self._running.setdefault(tp, set()).add(offset)

    def handled(self, msg: KafkaMessage) -> None:
        tp, offset = self._where(msg)
        self._running.get(tp, set()).discard(offset)
        self._next[tp] = max(self._next.get(tp, 0), offset + 1)
        self._dirty.add(tp)

    def committable(self) -> dict[TopicPartition, int]:
        """Per partition touched since the last commit: everything before this is handled.
        A message rewound for redelivery (nack) stays running, so the commit waits for it."""
        out = {}
        for tp in self._dirty:
            running = self._running.get(tp)
            out[tp] = min(running) if running else self._next[tp]
        return out

    async def commit(self, consumer: AIOKafkaConsumer | None) -> None:
        if not self._dirty or consumer is None:
            return
        offsets = self.committable()
        self._dirty = {tp for tp in self._dirty if self._running.get(tp)}
        assigned = consumer.assignment()
        offsets = {tp: o for tp, o in offsets.items() if tp in assigned}
        try:
            if offsets:
                await consumer.commit(offsets)
        except (KafkaError, AssertionError) as exc:  # a rebalance took the partition away
            log.info("offset commit skipped", extra={"error": type(exc).__name__})


class Dispatcher:
    """Runs handlers concurrently across keys and in arrival order within a key.

    Events of one subject (the message key) keep their order; other subjects need not wait
    behind a slow or retrying one. At most `limit` messages are in hand: when all slots are
    taken, `submit` waits, so the service stops fetching until one is free.
    """

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._last: dict[object, asyncio.Task[None]] = {}  # the latest task per key
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = asyncio.Event()

    async def submit(self, key: object, work: Callable[[], Awaitable[None]]) -> None:
        if self._closed.is_set():  # shutting down: hold the consume loop until it is stopped
            await asyncio.Future()
        await self._slots.acquire()
        before = self._last.get(key)

        async def run() -> None:
            try:
                if before is not None:
                    await asyncio.wait([before])
                await work()
            finally:
                self._slots.release()
                if self._last.get(key) is task:
                    del self._last[key]

        task = asyncio.create_task(run())
        self._last[key] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, grace: float) -> None:
        """Take no more messages and let those in hand finish (shutdown); what does not finish
        is redelivered later, since its offset is not committed."""
        self._closed.set()
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)


class Poison(Exception):
    """A message that can never succeed (malformed): dead-lettered without retries."""


def describe_error(exc: BaseException) -> str:
    """Error text for headers and logs. Validation errors echo input, so only locations go out."""
    if isinstance(exc, ValidationError):
        where = "; ".join(".".join(map(str, e["loc"])) + ":" + e["type"] for e in exc.errors())
        return f"ValidationError: {where}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


async def handle_once(pool: asyncpg.Pool, sub: Subscription, event: Envelope) -> str:
    """Run the handler in one transaction with the inbox record; returns the outcome."""
    async with pool.acquire() as conn, conn.transaction():
        # One round trip: record the event (no row back if it was seen before) and whether
        # its subject was erased.
        fresh = await conn.fetchrow(
            "INSERT INTO inbox(event_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            " RETURNING (SELECT true FROM tombstones WHERE subject = $3) AS erased",
            event.id,
            sub.topic.name,
            event.subject if not sub.after_erasure else None,
        )
        if fresh is None:
            return "duplicate"
        if fresh["erased"]:
            return "erased"
        await sub.handler(event, conn)
        return "handled"


async def consume(
    pool: asyncpg.Pool,
    broker: KafkaBroker,
    sub: Subscription,
    msg: KafkaMessage,
    offsets: Offsets,
    max_attempts: int,
    backoff: float,
) -> None:
    attempts = 0
    error: BaseException | None = None
    try:
        event = Envelope.from_bytes(msg.body)
    except ValidationError as exc:
        error, attempts = exc, 1
    else:
        if sub.types is not None and event.type not in sub.types:
            EVENTS_CONSUMED.labels(sub.topic.name, "ignored").inc()
            offsets.handled(msg)
            return
        while attempts < max_attempts:
            attempts += 1
            try:
                with HANDLER_SECONDS.labels(sub.topic.name).time():
                    outcome = await handle_once(pool, sub, event)
            except Poison as exc:
                error = exc
                break
            except Exception as exc:
                error = exc
                HANDLER_FAILURES.labels(sub.topic.name).inc()
                log.warning(
                    "handler failed",
                    extra={
                        "topic": sub.topic.name,
                        "event_id": event.id,
                        "attempt": attempts,
                        "error": describe_error(exc),
                    },
                )
                if attempts < max_attempts:
                    await asyncio.sleep(backoff * 2 ** (attempts - 1))
            else:
                EVENTS_CONSUMED.labels(sub.topic.name, outcome).inc()
                offsets.handled(msg)
                return
    assert error is not None
    try:
        await dead_letter(broker, sub, msg, error, attempts)
    except Exception:
        # The broker is unreachable: rewind so the message is tried again, never lost.
        log.exception("dead-letter publish failed", extra={"topic": sub.topic.name})
        await asyncio.sleep(1.0)
        await msg.nack()
        return
    offsets.handled(msg)


async def dead_letter(
    broker: KafkaBroker, sub: Subscription, msg: KafkaMessage, error: BaseException, attempts: int
) -> None:
    raw = msg.raw_message
    headers = {
        "x-error": describe_error(error),
        "x-attempts": str(attempts),
        "x-origin-topic": sub.topic.name,
        "x-origin-partition": str(getattr(raw, "partition", "")),
        "x-origin-offset": str(getattr(raw, "offset", "")),
        "x-group": sub.group,
        "x-failed-at": utcnow().isoformat(),
    }
    key = getattr(raw, "key", None)
    await broker.publish(msg.body, sub.topic.dlq, key=key, headers=headers)
    DEAD_LETTERS.labels(sub.topic.name).inc()
    log.error(
        "message dead-lettered",
        extra={
            "topic": sub.topic.name,
            "dlq": sub.topic.dlq,
            "attempts": attempts,
            "error": headers["x-error"],
        },
    )
