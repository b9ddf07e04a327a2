"""Helpers for the self-service tests: ask as the public does, read the mails it gets."""

import email.message
import uuid
from typing import Any

import httpx

from tests.helpers import eventually
from tests.privacy.support import code_in, mails_to


def public(platform) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=platform.url("privacy"), timeout=60)


def client_ip() -> str:
    """A client address of its own per test, so the per-client limit never bites."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


async def nth_mail(platform, address: str, n: int, timeout: float = 90) -> email.message.Message:
    async def arrived():
        found = mails_to(platform, address)
        return found if len(found) >= n else None

    return (await eventually(arrived, timeout=timeout))[n - 1]


def text_of(msg: email.message.Message) -> str:
    return msg.get_payload(decode=True).decode()


async def ask_and_verify(platform, body: dict[str, Any], mails_before: int = 0) -> dict[str, Any]:
    """File a self-service request, read the code from the mail, verify; the verify answer."""
    async with public(platform) as client:
        asked = await client.post(
            "/api/privacy/self-service/requests",
            json=body,
            headers={"X-Forwarded-For": client_ip()},
        )
        assert asked.status_code == 202, asked.text
        code = code_in(await nth_mail(platform, body["email"], mails_before + 1))
        verified = await client.post(
            f"/api/privacy/self-service/requests/{asked.json()['id']}/verify", json={"code": code}
        )
    assert verified.status_code == 200, verified.text
    return verified.json()


async def wait_public_status(platform, request_id: str, status: str, timeout: float = 120) -> None:
    async with public(platform) as client:

        async def reached():
            resp = await client.get(f"/api/privacy/self-service/requests/{request_id}")
            return resp.json()["status"] == status

        await eventually(reached, timeout=timeout)
