"""Small helpers shared by the tests."""

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

from devstack.services import Platform, database_url

# Copies of the published examples (DESIGN.md, the front door): a clone stands alone.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
T = TypeVar("T")


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a gateway page's form carries."""
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def as_service(platform: Platform, caller: str) -> dict[str, str]:
    """The credential one service presents on another's internal routes."""
    return {"X-Service-Token": platform.env[f"{caller.upper()}_SERVICE_TOKEN"]}


def as_employee(platform: Platform, role: str, user: str = "test-user") -> dict[str, str]:
    """Headers the gateway sends on behalf of an authenticated employee."""
    return {
        "X-Service-Token": platform.env["SERVICE_TOKEN"],
        "X-Actor-Id": user,
        "X-Actor-Role": role,
    }


async def eventually(
    probe: Callable[[], Awaitable[T]], timeout: float = 30.0, interval: float = 0.2
) -> T:
    """Wait until `probe` returns something truthy (or stop raising); return that value."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = await probe()
            if value:
                return value
        except (AssertionError, asyncpg.PostgresError) as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last error: {last!r})")


async def fetch(platform: Platform, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Read a service's own database, as an operator would, to check what it keeps."""
    conn = await asyncpg.connect(database_url(platform.endpoints.database_url, service))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def subject_key(platform: Platform, subject: str, create: bool = False) -> bytes | None:
    """The subject's key as the privacy service hands it to the services (None: it has none)."""
    async with httpx.AsyncClient(base_url=platform.url("privacy")) as client:
        resp = await client.post(
            "/internal/keys",
            json={"subjects": [subject], "create": create},
            headers=as_service(platform, "candidates"),
        )
    resp.raise_for_status()
    key = resp.json()["keys"].get(subject)
    return base64.b64decode(key) if key else None
