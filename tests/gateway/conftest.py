"""Employees for the gateway tests: made with the real command line, signed in over HTTP."""

import contextlib
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from devstack.services import Platform


@dataclass(frozen=True)
class Employee:
    name: str
    password: str
    role: str


def cli(platform: Platform, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.gateway", *args],
        input=stdin,
        env=platform.service_env("gateway"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def add_employee(platform: Platform, role: str) -> Employee:
    name = f"{role.replace('_', '-')}-{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(18)
    result = cli(platform, "users", "add", name, "--role", role, stdin=password + "\n")
    assert result.returncode == 0, result.stderr
    return Employee(name, password, role)


@pytest.fixture(scope="session")
def employees(platform: Platform) -> dict[str, Employee]:
    """One employee per role, shared by the tests (each test makes its own data)."""
    return {
        role: add_employee(platform, role) for role in ("recruiter", "privacy_officer", "admin")
    }


@contextlib.contextmanager
def another_gateway(platform: Platform, env: dict[str, str]) -> Iterator[str]:
    """A second gateway process on the same database, with settings changed by `env`; its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "services.gateway.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log"],
        env=platform.service_env("gateway") | env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the second gateway exited"
            try:
                if httpx.get(f"{url}/healthz", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def sign_in(platform: Platform, who: Employee) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30)
    resp = await client.post(
        "/api/auth/login", json={"username": who.name, "password": who.password}
    )
    assert resp.status_code == 200, resp.text
    client.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
    return client


@pytest.fixture
async def signed_in(
    platform: Platform, employees: dict[str, Employee]
) -> AsyncIterator[Callable[[str], object]]:
    """`await signed_in("recruiter")` -> an httpx client with that employee's session."""
    clients: list[httpx.AsyncClient] = []

    async def make(role: str) -> httpx.AsyncClient:
        client = await sign_in(platform, employees[role])
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def unique_registration() -> dict:
    """The accepted example with its own email, phone and surname, so tests never collide (a
    phone someone else gave sends a registration to a recruiter)."""
    from tests.helpers import example

    tag = uuid.uuid4().hex[:10]
    return example("registration-accepted") | {
        "email": f"gateway.{tag}@example.nl",
        "last_name": f"Gateway{tag}",
        "phone": f"+31 6 {uuid.uuid4().int % 10**8:08d}",
    }


async def registered_candidate(
    platform: Platform, recruiter: httpx.AsyncClient
) -> tuple[str, dict]:
    """Register through the gateway's public endpoint; wait until the recruiter finds them."""
    import json

    from tests.helpers import eventually

    reg = unique_registration()
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as anonymous:
        resp = await anonymous.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files={"cv": ("cv.pdf", PDF, "application/pdf")},
        )
    assert resp.status_code == 202, resp.text

    async def found() -> list:
        got = await recruiter.post("/api/candidates/search", json={"query": reg["last_name"]})
        assert got.status_code == 200, got.text
        return got.json()["items"]

    [hit] = await eventually(found, timeout=120)
    return hit["id"], reg
