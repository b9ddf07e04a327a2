"""Prometheus metrics shared by every service (one registry per process)."""

from prometheus_client import Counter, Gauge, Histogram

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
