"""Real infrastructure for the tests, started once per session on free ports.

Endpoints given in the environment (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT,
SMTP_HOST) are used instead of starting that component, as in `make run`.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.infra import Endpoints, LocalStack, free_ports
from devstack.services import Platform, free_service_ports


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `late` (the fuzzer, which leaves odd data behind) run after the others,
    and those marked `last` (the bus privacy scan) after everything else has run."""

    def phase(item: pytest.Item) -> int:
        return 2 if item.get_closest_marker("last") else 1 if item.get_closest_marker("late") else 0

    items.sort(key=phase)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    root = tmp_path_factory.mktemp("stack")
    local = LocalStack(root, free_ports(), env=os.environ)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def endpoints(stack: LocalStack) -> Endpoints:
    return stack.endpoints


@pytest.fixture(scope="session")
def platform(stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    root: Path = tmp_path_factory.mktemp("platform")
    plat = Platform(
        root=root,
        endpoints=stack.endpoints,
        ports=free_service_ports(),
        extra_env={
            "CONSUMER_BACKOFF_SECONDS": "0.05",
            "OUTBOX_POLL_SECONDS": "0.2",
            # Fast heartbeats and a quick watchdog, so alert tests need not wait a minute.
            "HEARTBEAT_SECONDS": "2",
            "WATCHDOG_SECONDS": "1",
            "WATCHDOG_SILENT_SECONDS": "8",
        },
    )
    plat.start()
    try:
        yield plat
    finally:
        plat.stop()
