"""Fixtures for the candidates tests: a producer on the real broker, a recruiter's client."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.common.envelope import new_id
from tests.candidates.support import Bus
from tests.helpers import as_employee


@pytest.fixture(scope="session")
async def bus(platform: Any) -> AsyncIterator[Bus]:
    producer = AIOKafkaProducer(bootstrap_servers=platform.endpoints.kafka_bootstrap, acks="all")
    await producer.start()
    b = Bus(platform, producer)
    try:
        yield b
    finally:
        await b.http.aclose()
        await producer.stop()


@pytest.fixture
async def recruiter(platform: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=platform.url("candidates"),
        headers=as_employee(platform, "recruiter", "recruiter-" + new_id()[-6:]),
        timeout=30,
    ) as client:
        yield client
