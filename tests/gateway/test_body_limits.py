"""Request bodies have a limit on every public path, enforced while the body streams in: a
1 GB POST is answered 413 after a few megabytes, never read to the end, spooled or buffered."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import httpx
import pytest

from tests.gateway.conftest import PDF, unique_registration
from tests.helpers import csrf_of

GB = 1024**3
MB = 1024**2
BOUNDARY = "limit-test-boundary"


class Flood:
    """A body of `total` bytes in 1 MB chunks from an async generator, counting what was sent."""

    def __init__(self, total: int = GB, head: bytes = b"") -> None:
        self.total = total
        self.head = head
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        chunk = b"\0" * MB
        while self.sent < self.total:
            self.sent += len(chunk)
            yield chunk


def multipart_flood(csrf: str = "") -> Flood:
    """A multipart form whose file part never ends, as a browser would send a huge upload."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    return Flood(head=head)


MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    sent: int  # bytes of the body sent when the answer came


async def flood(
    url: str, path: str, headers: dict[str, str], body: Flood, declared: int | None = None
) -> Answer:
    """POST `body` (chunked, or with the `declared` length) and read the answer while still
    sending (httpx reads only once it has sent everything): when the answer comes, stop, and
    report how much was sent by then."""
    parsed = httpx.URL(url)
    reader, writer = await asyncio.open_connection(parsed.host, parsed.port)
    conn = h11.Connection(h11.CLIENT)
    framing = (
        {"transfer-encoding": "chunked"} if declared is None else {"content-length": str(declared)}
    )
    head = {"host": f"{parsed.host}:{parsed.port}"} | framing | headers
    writer.write(conn.send(h11.Request(method="POST", target=path, headers=list(head.items()))))

    async def send_all() -> None:
        async for chunk in body:
            writer.write(conn.send(h11.Data(data=chunk)))
            await writer.drain()
            # drain() does not yield while the socket takes everything (the server reads and
            # drops the rest after its 413): let the reader see the answer between chunks.
            await asyncio.sleep(0)
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()

    sending = asyncio.create_task(send_all())
    status, content = 0, b""
    try:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                content += event.data
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                break
    finally:
        sent = body.sent
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sending
        writer.close()
    return Answer(status, json.loads(content), sent)


def assert_refused_early(answer: Answer, limit: int) -> None:
    assert answer.status == 413, answer.body
    assert "too large" in answer.body["detail"]
    # What the server read plus what the sockets on both sides buffer: nowhere near 1 GB.
    assert answer.sent < limit + 32 * MB, f"{answer.sent // MB} MB were sent before the 413"


async def test_a_one_gigabyte_registration_form_is_refused_while_it_streams(platform):
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        page = await anonymous.get("/register")
        cookie = "; ".join(f"{k}={v}" for k, v in anonymous.cookies.items())
    answer = await flood(
        platform.url("gateway"),
        "/register",
        MULTIPART | {"cookie": cookie},
        multipart_flood(csrf_of(page)),
    )
    assert_refused_early(answer, 40 * MB)


async def test_a_one_gigabyte_registration_upload_is_refused_before_it_reaches_intake(platform):
    answer = await flood(
        platform.url("gateway"), "/api/intake/registrations", MULTIPART, multipart_flood()
    )
    assert_refused_early(answer, 40 * MB)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/login", FORM),
        ("/privacy", FORM),
        ("/privacy/verify", FORM),
        ("/api/auth/login", JSON),
        ("/api/privacy/self-service/requests", JSON),
        ("/api/candidates/renewal/some-token", JSON),
    ],
)
async def test_a_one_gigabyte_post_to_a_public_page_or_endpoint_is_refused(platform, path, headers):
    answer = await flood(platform.url("gateway"), path, headers, Flood())
    assert_refused_early(answer, MB)


async def test_a_signed_in_employee_cannot_flood_a_page_form_either(platform, signed_in):
    recruiter = await signed_in("recruiter")
    cookie = f"session={recruiter.cookies['session']}"
    answer = await flood(
        platform.url("gateway"), "/crm/organisations", FORM | {"cookie": cookie}, Flood()
    )
    assert_refused_early(answer, MB)


async def test_a_declared_length_over_the_limit_is_refused_at_once(platform):
    answer = await flood(platform.url("gateway"), "/privacy", FORM, Flood(), declared=GB)
    assert_refused_early(answer, 0)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("privacy", "/api/privacy/self-service/requests"),
        ("privacy", "/api/privacy/requests"),
        ("crm", "/api/crm/organisations"),
    ],
)
async def test_the_privacy_and_crm_services_refuse_a_flood_themselves(platform, service, path):
    answer = await flood(platform.url(service), path, JSON, Flood())
    assert_refused_early(answer, MB)


def peak_memory(pid: int) -> int:
    """The process's peak resident memory so far, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) * 1024


async def test_a_client_that_sends_all_of_it_gets_the_413_and_the_gateway_holds_none_of_it(
    platform,
):
    gateway = platform.procs["gateway"].pid
    before = peak_memory(gateway)
    body = Flood()
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=300) as naive:
        resp = await naive.post("/api/auth/login", content=body, headers=JSON)
    assert resp.status_code == 413 and "too large" in resp.json()["detail"]
    assert body.sent >= GB  # httpx sends everything before it reads the answer
    assert peak_memory(gateway) < before + 64 * MB


async def test_an_ordinary_registration_still_fits(platform):
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as anonymous:
        resp = await anonymous.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(unique_registration())},
            files={"cv": ("cv.pdf", PDF + b"\0" * (3 * MB), "application/pdf")},
        )
    assert resp.status_code == 202, resp.text
