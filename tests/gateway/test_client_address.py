"""Behind a proxy, the client's address comes from X-Forwarded-For only when the proxy is
trusted (FORWARDED_ALLOW_IPS; deploy/ sets it), so per-client limits stay per client: here
127.0.0.2 plays the TLS proxy in front of the gateway, 127.0.0.1 a client that bypasses it."""

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.gateway.conftest import add_employee, another_gateway

PROXY = "127.0.0.2"


@pytest.fixture(scope="module")
def proxied(platform) -> Iterator[str]:
    with another_gateway(platform, {"FORWARDED_ALLOW_IPS": PROXY}) as url:
        yield url


def some_address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 256}.{(n >> 8) % 256}.{(n >> 16) % 254 + 1}"


async def sign_in(url: str, name: str, password: str, forwarded: str, via_proxy: bool) -> int:
    transport = httpx.AsyncHTTPTransport(local_address=PROXY if via_proxy else "127.0.0.1")
    async with httpx.AsyncClient(base_url=url, transport=transport) as http:
        resp = await http.post(
            "/api/auth/login",
            json={"username": name, "password": password},
            headers={"X-Forwarded-For": forwarded},
        )
    return resp.status_code


async def test_behind_the_trusted_proxy_each_client_has_its_own_limit(platform, proxied):
    who = add_employee(platform, "recruiter")
    guesser = some_address()
    codes = [await sign_in(proxied, who.name, f"g{i}", guesser, True) for i in range(6)]
    assert codes == [401] * 5 + [429]
    assert await sign_in(proxied, who.name, who.password, some_address(), True) == 200


async def test_a_client_that_bypasses_the_proxy_cannot_choose_its_address(platform, proxied):
    who = add_employee(platform, "recruiter")
    codes = [await sign_in(proxied, who.name, f"g{i}", some_address(), False) for i in range(6)]
    assert codes == [401] * 5 + [429]  # every guess counted for its real address


async def test_an_address_the_client_puts_in_front_of_the_proxy_s_is_ignored(platform, proxied):
    who = add_employee(platform, "recruiter")
    real = some_address()
    codes = [
        await sign_in(proxied, who.name, f"g{i}", f"{some_address()}, {real}", True)
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]
