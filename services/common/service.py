"""Wiring shared by every service: settings, pool + migrations, broker, outbox relay, consumers,
health and metrics, all tied to the FastAPI app's lifespan."""

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import (
    BaseSecurity,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)
from minio import Minio
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import db, errors, outbox
from .consumer import Dispatcher, Handler, Offsets, Subscription, consume
from .envelope import Envelope
from .keys import KeyClient
from .logs import setup_logging
from .metrics import CONSUMER_LAG, OUTBOX_BACKLOG, MeasureRequests, dead_letters_sent
from .settings import Settings
from .storage import make_client
from .topics import OPS_HEALTH, Topic, all_topics, ensure_topics, refused_topics

log = logging.getLogger(__name__)
VERSION = version("talent-platform")
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"


async def _the_message(msg: KafkaMessage) -> KafkaMessage:
    """Hand the message itself to the handler: `consume` parses (and dead-letters) the body
    itself, and a `Context` parameter would cost a worker-thread hop per message in
    FastStream's dependency injection."""
    return msg


def broker_security(options: dict[str, Any]) -> BaseSecurity | None:
    """FastStream's form of the Kafka connection options (Settings.kafka_client)."""
    protocol = options["security_protocol"]
    if protocol == "PLAINTEXT":
        return None
    ssl_context = options.get("ssl_context")
    if protocol == "SSL":
        return BaseSecurity(ssl_context=ssl_context)
    sasl = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    return sasl[options["sasl_mechanism"]](
        options["sasl_plain_username"],
        options["sasl_plain_password"],
        ssl_context=ssl_context,
        use_ssl=protocol == "SASL_SSL",
    )


class Service:
    """One service process: `service.consumer(topic)` registers handlers, `create_app` runs it."""

    def __init__(
        self,
        name: str,
        migrations: Path,
        *,
        settings: Settings | None = None,
        uses_s3: bool = False,
    ) -> None:
        self.name = name
        self.settings = settings or Settings(service_name=name)
        self.migrations = migrations
        self.uses_s3 = uses_s3
        self.broker = KafkaBroker(
            self.settings.kafka_bootstrap_servers,
            security=broker_security(self.settings.kafka_client()),
            acks="all",
            # No duplicate from the producer's own retries, and per-partition order kept
            # even with several batches in flight.
            enable_idempotence=True,
            client_id=name,
            request_timeout_ms=15_000,
            logger=logging.getLogger("faststream"),  # through our JSON formatter
            log_level=logging.DEBUG,  # "Received"/"Processed" per message: not at INFO
        )
        self.subscriptions: dict[str, Subscription] = {}  # by topic name
        self._kafka_subscriber: Any = None
        self._offsets = Offsets()
        self._dispatcher = Dispatcher(self.settings.consumer_concurrency)
        self._pool: asyncpg.Pool | None = None
        self._s3: Minio | None = None
        # One pooled client for every call to another service's internal API: a client per
        # call costs a TLS context (tens of ms of CPU) and a new connection each time.
        self.http = httpx.AsyncClient(
            headers={"X-Service-Token": self.settings.service_token}, timeout=10.0
        )
        self.keys = KeyClient(self.http, self.settings.privacy_url)
        self.started_at = time.time()
        self._on_start: list[Callable[[], object]] = []
        self._background: list[Callable[[], Coroutine[Any, Any, None]]] = []

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "the service has not started"
        return self._pool

    @property
    def s3(self) -> Minio:
        if self._s3 is None:
            self._s3 = make_client(self.settings)
        return self._s3

    def on_start(self, fn: Callable[[], object]) -> Callable[[], object]:
        """Run `fn` (sync or async) once the pool exists, before consumers start."""
        self._on_start.append(fn)
        return fn

    def background(
        self, fn: Callable[[], Coroutine[Any, Any, None]]
    ) -> Callable[[], Coroutine[Any, Any, None]]:
        """Run `fn()` (a loop) while the service runs, after the broker; cancelled at shutdown."""
        self._background.append(fn)
        return fn

    def consumer(
        self, topic: Topic, *, after_erasure: bool = False, types: tuple[str, ...] | None = None
    ) -> Callable[[Handler], Handler]:
        """Subscribe a handler `async (event, conn) -> None` in this service's consumer group;
        with `types`, only for those event types (the topic's others cost no transaction)."""
        if self.name not in topic.consumers:
            raise ValueError(f"{self.name} is not a consumer of {topic.name} in the catalogue")

        def register(handler: Handler) -> Handler:
            if topic.name in self.subscriptions:
                raise ValueError(f"{self.name} already has a handler for {topic.name}")
            self.subscriptions[topic.name] = Subscription(
                topic, self.name, handler, after_erasure, frozenset(types) if types else None
            )
            return handler

        return register

    def _subscribe(self) -> None:
        """ONE Kafka consumer for all of this service's topics: every consumer polls the broker
        even when idle, and every consumer in a group costs a rebalance at start. Messages are
        handled concurrently across subjects and in order within one (the message key; keyless
        ones in partition order)."""
        if not self.subscriptions or self._kafka_subscriber is not None:
            return

        async def on_message(msg: Any) -> None:
            raw = msg.raw_message
            self._offsets.started(msg)
            await self._dispatcher.submit(
                raw.key or (raw.topic, raw.partition),
                lambda: consume(
                    self.pool,
                    self.broker,
                    self.subscriptions[raw.topic],
                    msg,
                    self._offsets,
                    self.settings.consumer_max_attempts,
                    self.settings.consumer_backoff_seconds,
                ),
            )

        on_message.__name__ = f"{self.name}_consumer"
        self._kafka_subscriber = self.broker.subscriber(
            *self.subscriptions,
            group_id=self.name,
            # A new group starts at the beginning: a service deployed after events were
            # published must still see them (the inbox drops what it has seen).
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            decoder=_the_message,
            # The broker answers a fetch as soon as there is data; this is only how long an
            # idle fetch waits, so it sets the idle polling rate, not the latency.
            fetch_max_wait_ms=self.settings.fetch_max_wait_ms,
        )(on_message)

    async def consumer_lag(self) -> dict[str, int]:
        """Messages behind the high-watermark, per consumed topic (as the last fetch response
        reported it: no extra request to the broker)."""
        lag = dict.fromkeys(self.subscriptions, 0)
        consumer = getattr(self._kafka_subscriber, "consumer", None)
        if consumer is None:
            return lag
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            behind = max(0, high - await consumer.position(tp))
            CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(behind)
            lag[tp.topic] = lag.get(tp.topic, 0) + behind
        return lag

    async def commit_offsets(self) -> None:
        await self._offsets.commit(getattr(self._kafka_subscriber, "consumer", None))

    async def keep_committing(self) -> None:
        """Commit handled offsets a few times a second (one broker round trip per batch)."""
        while True:
            await asyncio.sleep(self.settings.commit_interval_seconds)
            await self.commit_offsets()

    async def heartbeat(self) -> None:
        """Publish this instance's vital signs on ops.health every `heartbeat_seconds`."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            try:
                backlog = await outbox.backlog(self.pool)
                OUTBOX_BACKLOG.set(backlog)
                beat = Envelope(
                    type="service.heartbeat",
                    source=self.name,
                    data={
                        "service": self.name,
                        "instance": INSTANCE,
                        "version": VERSION,
                        "uptime_seconds": round(time.time() - self.started_at),
                        "consumer_lag": await self.consumer_lag(),
                        "outbox_backlog": backlog,
                        "dead_letters": dead_letters_sent(),
                    },
                )
                await self.broker.publish(beat.to_bytes(), OPS_HEALTH.name, key=self.name.encode())
            except Exception as exc:  # a missed heartbeat is itself the signal; keep beating
                log.warning("heartbeat failed", extra={"error": type(exc).__name__})

    async def health(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            await self.pool.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = type(exc).__name__
        try:
            ok = await self.broker.ping(timeout=3.0)
            checks["broker"] = "ok" if ok else "unreachable"
        except Exception as exc:
            checks["broker"] = type(exc).__name__
        if self.uses_s3:
            try:
                await asyncio.to_thread(self.s3.list_buckets)
                checks["object_store"] = "ok"
            except Exception as exc:
                checks["object_store"] = type(exc).__name__
        return checks

    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        setup_logging(self.name)
        self._pool = await db.create_pool(self.settings.database_url, self.settings.db_pool_max)
        applied = await db.migrate(self.pool, self.migrations)
        log.info("migrations applied", extra={"applied": applied})
        app.state.pool = self.pool
        app.state.settings = self.settings
        app.state.service = self
        for fn in self._on_start:
            result = fn()
            if asyncio.iscoroutine(result):
                await result
        if self.settings.kafka_manage_topics:
            await ensure_topics(self.settings.kafka_client(), self.settings.topic_replication)
        else:  # under ACLs (deploy/): a wrong binding stops the start, not the events
            mine = [t.name for t in all_topics() if self.name in (*t.producers, *t.consumers)]
            refused = await refused_topics(self.settings.kafka_client(), mine)
            if refused:
                raise RuntimeError(f"the Kafka user may not use {', '.join(refused)}")
        self._subscribe()
        await self.broker.start()
        relay = asyncio.create_task(
            outbox.run_relay(self.pool, self.broker, self.settings.outbox_poll_seconds)
        )
        beat = asyncio.create_task(self.heartbeat())
        committer = asyncio.create_task(self.keep_committing())
        loops = [asyncio.create_task(fn()) for fn in self._background]
        log.info("service started", extra={"consumers": list(self.subscriptions)})
        try:
            yield
        finally:
            for task in (*loops, relay, beat, committer):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            # Let the messages in hand finish, then commit what they did.
            await self._dispatcher.drain(grace=10)
            with contextlib.suppress(Exception):  # best effort: the inbox absorbs redelivery
                await self.commit_offsets()
            await self.broker.stop()
            await self.http.aclose()
            try:  # a connection still held by a cancelled task must not hang the shutdown
                await asyncio.wait_for(self.pool.close(), timeout=10)
            except TimeoutError:
                self.pool.terminate()

    def create_app(self, routers: Sequence[APIRouter] = (), **fastapi_args: Any) -> FastAPI:
        app = FastAPI(title=f"{self.name} service", lifespan=self.lifespan, **fastapi_args)
        # Settings are needed by dependencies before the lifespan has run in some test clients.
        app.state.settings = self.settings
        errors.install(app)

        app.add_middleware(MeasureRequests)

        @app.get("/healthz", include_in_schema=False)
        async def healthz() -> JSONResponse:
            checks = await self.health()
            healthy = all(v == "ok" for v in checks.values())
            return JSONResponse(
                {
                    "service": self.name,
                    "status": "ok" if healthy else "unhealthy",
                    "checks": checks,
                },
                status_code=200 if healthy else 503,
            )

        @app.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

        for router in routers:
            app.include_router(router)
        return app
