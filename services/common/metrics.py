"""Prometheus metrics shared by every service (one registry per process)."""

import time

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP latency", ["method", "route"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events handled", ["topic", "outcome"])
HANDLER_SECONDS = Histogram("handler_duration_seconds", "Handler run time", ["topic"])
HANDLER_FAILURES = Counter("handler_failures_total", "Handler attempts that raised", ["topic"])
DEAD_LETTERS = Counter("dead_letters_total", "Events sent to a dead-letter topic", ["topic"])
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Events published from the outbox", ["topic"])
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Unsent events in the outbox")
CONSUMER_LAG = Gauge("consumer_lag", "Messages behind the high-watermark", ["topic", "partition"])


def dead_letters_sent() -> int:
    """How many messages this process has dead-lettered since it started."""
    return int(
        sum(
            sample.value
            for metric in DEAD_LETTERS.collect()
            for sample in metric.samples
            if sample.name == "dead_letters_total"
        )
    )


class MeasureRequests:
    """Request count and latency per route template (never the raw URL). Plain ASGI: the
    decorator-style middleware costs an extra task and body stream on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the response started

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], path, status).inc()
            HTTP_LATENCY.labels(scope["method"], path).observe(time.perf_counter() - started)
