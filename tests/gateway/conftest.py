"""Employees for the gateway tests: made with the real command line, signed in over HTTP."""

import secrets
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
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
