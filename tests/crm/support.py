"""Helpers for the crm tests: a recruiter's client and small builders with unique data."""

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.common.envelope import Envelope
from services.common.keys import blind_index
from tests.helpers import as_employee, as_service, eventually, example


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def recruiter(platform, user: str = "recruiter-1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("crm"), headers=as_employee(platform, "recruiter", user), timeout=30
    )


def internal(platform, caller: str = "privacy") -> httpx.AsyncClient:
    """crm's internal routes as `caller` (privacy looks up contacts, candidates assignments)."""
    return httpx.AsyncClient(
        base_url=platform.url("crm"),
        headers=as_service(platform, caller),
        timeout=30,
    )


async def organisation(client: httpx.AsyncClient, kind: str = "client", name: str = "") -> dict:
    resp = await client.post(
        "/api/crm/organisations", json={"name": name or unique("Bedrijf"), "kind": kind}
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


async def contact(client: httpx.AsyncClient, org_id: str, **fields: Any) -> dict:
    tag = uuid.uuid4().hex[:8]
    body = {
        "name": f"Marieke Jansen{tag}",
        "email": f"marieke.{tag}@klant.example.nl",
        "phone": f"+31 6 {uuid.uuid4().int % 10**8:08d}",
        "function": "HR-manager",
    } | fields
    resp = await client.post(f"/api/crm/organisations/{org_id}/contacts", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


async def assignment(
    client: httpx.AsyncClient, org_id: str, opened_on: date | None = None, **fields: Any
) -> dict:
    body: dict[str, Any] = {
        "organisation_id": org_id,
        "vacancy": unique("Directiesecretaresse"),
        "function_type": "executive_secretary",
    } | fields
    if opened_on:
        body["opened_on"] = opened_on.isoformat()
    resp = await client.post("/api/crm/assignments", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def fields_named(resp: httpx.Response) -> set[str]:
    return {e["field"] for e in resp.json().get("errors", [])}


# --- the bus and the other services, for the privacy and consent tests ----------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def publish(platform, topic: str, event: Envelope) -> None:
    """Put a command on the bus as the privacy service would."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.endpoints.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        key = event.subject.encode() if event.subject else None
        await producer.send_and_wait(topic, event.to_bytes(), key=key)
    finally:
        await producer.stop()


async def find_event(
    platform, topic: str, match: Callable[[Envelope], bool], timeout: float = 60.0
) -> Envelope:
    """The first event on the topic (read from the start, no consumer group) that matches."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=platform.endpoints.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    event = Envelope.from_bytes(record.value)
                    if match(event):
                        return event
    finally:
        await consumer.stop()
    raise AssertionError(f"no matching event on {topic} within {timeout}s")


async def erase(platform, subject: dict[str, str]) -> dict:
    """An erasure request through the privacy service; returns the completed request."""
    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": subject}
        )
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]

        async def complete() -> dict | None:
            body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
            assert body["status"] == "complete", body  # on a timeout: who has not answered
            return body

        return await eventually(complete, timeout=90)


async def registered_candidate(platform) -> str:
    """A real candidate: registered through intake, profiled by candidates; returns the id."""
    tag = uuid.uuid4().hex[:10]
    email = f"kandidaat.{tag}@example.nl"
    reg = example("registration-accepted") | {
        "email": email,
        "phone": "06" + str(uuid.uuid4().int)[:8],
    }
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=30) as client:
        resp = await client.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files={"cv": ("cv.pdf", PDF, "application/pdf")},
        )
    assert resp.status_code == 202, resp.text
    email_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "email", email)

    async def lookup() -> str | None:
        async with httpx.AsyncClient(base_url=platform.url("candidates")) as client:
            resp = await client.post(
                "/internal/candidates/lookup",
                json={"email_hash": email_hash},
                headers=as_service(platform, "privacy"),
            )
        return resp.json()["candidate_id"] if resp.status_code == 200 else None

    return await eventually(lookup, timeout=90)


async def record_consent(
    platform, candidate_id: str, assignment_id: str, consent: bool = True
) -> None:
    """The recruiter's placement check in the candidates service (consent per assignment)."""
    check = {
        "work_situation": "Werkt nu als office manager, per direct beschikbaar.",
        "interested": consent,
        "consent": consent,
        "share": ["name", "work_experience"] if consent else [],
    }
    async with httpx.AsyncClient(
        base_url=platform.url("candidates"), headers=as_employee(platform, "recruiter")
    ) as client:
        resp = await client.post(
            f"/api/candidates/{candidate_id}/placements/{assignment_id}/checks", json=check
        )
    assert resp.status_code == 201, f"candidates did not record the check: {resp.status_code}"
