"""Faults on the real stack: the broker or a service killed with -9 in the middle of a stream
of registrations. Afterwards every acknowledged registration is a profile exactly once and no
outbox holds anything unsent."""

import asyncio
import json
import uuid

import httpx

from devstack.services import Platform
from services.common.keys import blind_index
from tests.helpers import eventually, example, fetch

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SERVICES_WITH_OUTBOX = ("intake", "candidates", "documents")


async def post_registration(client: httpx.AsyncClient, email: str) -> bool:
    # A phone of its own too: a phone someone else gave sends a registration to a recruiter.
    phone = f"+31 6 {uuid.uuid4().int % 10**8:08d}"
    reg = example("registration-accepted") | {"email": email, "phone": phone}
    try:
        resp = await client.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files={"cv": ("cv.pdf", PDF, "application/pdf")},
        )
    except httpx.HTTPError:
        return False
    return resp.status_code == 202


async def profiles_with(platform: Platform, email: str) -> int:
    email_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "email", email)
    rows = await fetch(
        platform,
        "candidates",
        "SELECT count(*) AS n FROM candidates WHERE email_hash = $1",
        email_hash,
    )
    return rows[0]["n"]


async def assert_each_once_and_outboxes_drained(platform: Platform, emails: list[str]) -> None:
    counts: list[int] = []

    async def all_there() -> bool:
        counts[:] = [await profiles_with(platform, e) for e in emails]
        assert all(c <= 1 for c in counts), f"duplicate profiles: {counts}"
        return all(c == 1 for c in counts)

    try:
        await eventually(all_there, timeout=120, interval=1.0)
    except AssertionError:
        intake = await fetch(
            platform, "intake", "SELECT status, count(*) FROM registrations GROUP BY status"
        )
        raise AssertionError(
            f"profiles per registration: {counts}; intake holds {[tuple(r) for r in intake]}"
        ) from None

    async def drained() -> bool:
        for service in SERVICES_WITH_OUTBOX:
            rows = await fetch(
                platform, service, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL"
            )
            if rows[0]["n"]:
                return False
        return True

    await eventually(drained, timeout=60, interval=0.5)


async def intake_holds(platform: Platform, emails: list[str]) -> int:
    hashes = [blind_index(platform.env["BLIND_INDEX_KEY"], "email", e) for e in emails]
    rows = await fetch(
        platform,
        "intake",
        "SELECT count(*) AS n FROM registrations WHERE email_hash = ANY($1::text[])",
        hashes,
    )
    return rows[0]["n"]


async def test_broker_killed_under_intake_load_loses_and_repeats_nothing(platform, stack):
    run = f"broker-fault-{uuid.uuid4().hex[:8]}"
    emails = [f"{run}.{i}@example.nl" for i in range(60)]
    accepted: list[str] = []
    slots = asyncio.Semaphore(6)  # six registrants at a time, as on a busy morning

    async def register(client: httpx.AsyncClient, email: str) -> None:
        async with slots:
            if await post_registration(client, email):
                accepted.append(email)

    async def broker_fault() -> None:
        while len(accepted) < 15:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(stack.kill_broker)  # kill -9, mid-stream
        while len(accepted) < 35:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(stack.start_broker)

    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=60) as client:
        await asyncio.gather(broker_fault(), *(register(client, e) for e in emails))
    # Intake answers from its own database and outbox: the broker being down does not stop it.
    assert sorted(accepted) == sorted(emails)
    await assert_each_once_and_outboxes_drained(platform, emails)

    async def intake_empty() -> bool:
        return await intake_holds(platform, emails) == 0

    # After the hand-off nothing of these registrations stays in intake.
    await eventually(intake_empty, timeout=60, interval=0.5)


async def test_service_killed_mid_stream_processes_everything_once(platform):
    run = "service-fault"
    emails: list[str] = []
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=30) as client:
        for i in range(24):
            if i == 8:
                platform.kill("candidates")
            if i == 16:
                platform.spawn("candidates")
            email = f"{run}.{i}@example.nl"
            if await post_registration(client, email):
                emails.append(email)
    await asyncio.to_thread(platform.wait_healthy, "candidates")
    assert len(emails) == 24
    await assert_each_once_and_outboxes_drained(platform, emails)
