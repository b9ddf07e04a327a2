"""Sign-in throttling: per name and client address with a back-off that ends, per address,
globally; failures decay and their rows are purged. Client addresses are set the way a
trusted proxy in front of the gateway does (X-Forwarded-For from loopback)."""

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.gateway.conftest import add_employee, another_gateway
from tests.helpers import fetch

# The throttled gateway below: failures count for seconds, and few are allowed.
WINDOW, FREE, CLIENT, GLOBAL = 6, 3, 5, 8
THROTTLED = {
    "SIGN_IN_WINDOW_SECONDS": str(WINDOW),
    "SIGN_IN_FREE_FAILURES": str(FREE),
    "SIGN_IN_BACKOFF_SECONDS": "1",
    "SIGN_IN_BACKOFF_MAX_SECONDS": "2",
    "SIGN_IN_CLIENT_FAILURES": str(CLIENT),
    "SIGN_IN_GLOBAL_FAILURES": str(GLOBAL),
}


def address() -> str:
    """A client address of its own, so tests never share a throttle."""
    n = uuid.uuid4().int
    return f"10.{n % 256}.{(n >> 8) % 256}.{(n >> 16) % 254 + 1}"


async def attempt(url: str, name: str, password: str, client: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.post(
            "/api/auth/login",
            json={"username": name, "password": password},
            headers={"X-Forwarded-For": client},
        )


@pytest.fixture(scope="module")
def throttled(platform) -> Iterator[str]:
    """A gateway with small limits and a window of seconds."""
    with another_gateway(platform, THROTTLED) as url:
        yield url


@pytest.fixture
async def quiet(throttled) -> str:
    """The throttled gateway once every earlier failure has left its window."""
    await asyncio.sleep(WINDOW + 0.5)
    return throttled


async def test_a_guesser_cannot_lock_an_employee_out_from_elsewhere(platform):
    who = add_employee(platform, "admin")
    guesser, employee = address(), address()
    url = platform.url("gateway")
    codes = [(await attempt(url, who.name, f"guess-{i}", guesser)).status_code for i in range(8)]
    assert codes == [401] * 5 + [429] * 3
    assert (await attempt(url, who.name, who.password, guesser)).status_code == 429
    signed_in = await attempt(url, who.name, who.password, employee)
    assert signed_in.status_code == 200, signed_in.text


async def test_the_back_off_ends_and_the_right_password_works_again(platform, quiet):
    who = add_employee(platform, "recruiter")
    client = address()
    for i in range(FREE):
        assert (await attempt(quiet, who.name, f"wrong-{i}", client)).status_code == 401
    waiting = await attempt(quiet, who.name, who.password, client)
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["retry-after"]) <= 2
    assert "try again" in waiting.json()["detail"]
    await asyncio.sleep(int(waiting.headers["retry-after"]) + 0.2)
    assert (await attempt(quiet, who.name, who.password, client)).status_code == 200


async def test_failures_decay_and_their_rows_are_purged(platform, quiet):
    who = add_employee(platform, "recruiter")
    client = address()
    for i in range(FREE):
        assert (await attempt(quiet, who.name, f"wrong-{i}", client)).status_code == 401
    await asyncio.sleep(WINDOW + 0.5)
    # As many again: the first ones no longer count, so none of these is held back.
    for i in range(FREE):
        assert (await attempt(quiet, who.name, f"again-{i}", client)).status_code == 401
    rows = await fetch(
        platform,
        "gateway",
        "SELECT count(*) AS n FROM login_failures WHERE username = $1",
        who.name,
    )
    assert rows[0]["n"] == FREE


async def test_one_address_trying_many_names_is_held_back(platform, quiet):
    who = add_employee(platform, "recruiter")
    sprayer = address()
    for i in range(CLIENT):
        name = f"nobody-{uuid.uuid4().hex[:8]}"
        assert (await attempt(quiet, name, f"spray-{i}", sprayer)).status_code == 401
    assert (await attempt(quiet, who.name, who.password, sprayer)).status_code == 429
    assert (await attempt(quiet, who.name, who.password, address())).status_code == 200


async def test_a_flood_from_many_addresses_holds_back_those_that_failed(platform, quiet):
    who = add_employee(platform, "recruiter")
    flooders = [address() for _ in range(GLOBAL)]
    for i, client in enumerate(flooders):
        name = f"nobody-{uuid.uuid4().hex[:8]}"
        assert (await attempt(quiet, name, f"flood-{i}", client)).status_code == 401
    # The last to fail waits (for the longest back-off, from its failure a moment ago).
    held = await attempt(quiet, who.name, who.password, flooders[-1])
    assert held.status_code == 429 and int(held.headers["retry-after"]) >= 1
    # An address without failures still signs in while the flood lasts.
    assert (await attempt(quiet, who.name, who.password, address())).status_code == 200
