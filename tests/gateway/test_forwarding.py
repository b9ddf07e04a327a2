"""Forwarding to the services: identity and credential added, cookies kept back, failures of a
service answered 502/504 with a message, oversized bodies refused; reads audited."""

import asyncio
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.gateway.conftest import PDF, another_gateway, registered_candidate, sign_in
from tests.helpers import eventually


async def test_registration_through_the_gateway_becomes_a_profile_and_its_read_is_audited(
    platform, signed_in, employees
):
    recruiter = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, recruiter)
    hit = {"id": candidate_id}
    profile = await recruiter.get(f"/api/candidates/{hit['id']}")
    assert profile.status_code == 200 and profile.json()["first_name"] == "Sanne"

    me = (await recruiter.get("/api/auth/me")).json()
    admin = await signed_in("admin")

    async def audited():
        # Each query is itself audited (the admin looked at this subject): filter by user too.
        got = await admin.get(
            "/api/gateway/audit",
            params={"subject": hit["id"], "user": employees["recruiter"].name},
        )
        assert got.status_code == 200, got.text
        return [e for e in got.json()["items"] if e["action"] == "candidate.read"]

    entries = await eventually(audited, timeout=90, interval=1.0)
    assert all(e["role"] == "recruiter" and e["actor"] == me["id"] for e in entries)
    assert reg["email"] not in json.dumps(entries) and reg["last_name"] not in json.dumps(entries)

    by_user = await admin.get("/api/gateway/audit", params={"user": employees["recruiter"].name})
    assert any(e["subject"] == hit["id"] for e in by_user.json()["items"])
    # The privacy officer may look too; the recruiter may not.
    officer = await signed_in("privacy_officer")
    assert (
        await officer.get("/api/gateway/audit", params={"subject": hit["id"]})
    ).status_code == 200
    assert (await recruiter.get("/api/gateway/audit")).status_code == 403


async def test_hostile_ids_and_queries_get_a_4xx_never_a_500(signed_in):
    recruiter = await signed_in("recruiter")
    for path in ("/api/candidates/not-a-uuid", "/api/candidates/" + "9" * 300):
        assert (await recruiter.get(path)).status_code in (404, 422)
    admin = await signed_in("admin")
    for params in ({"subject": "x" * 500}, {"user": "'; drop table audit; --"}, {"limit": "-1"}):
        assert (await admin.get("/api/gateway/audit", params=params)).status_code == 422


# --- a second gateway in front of a service that hangs and one that is down -----------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Upstream:
    """A real HTTP server standing in for a service: echoes the request head it received,
    or never answers when the path says 'slow'."""

    def __init__(self) -> None:
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = head.split("\r\n")
        path = lines[0].split(" ")[1]
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int(headers.get("content-length", headers.get("Content-Length", "0")) or 0)
        if length:
            await reader.readexactly(length)
        if "slow" in path:
            await asyncio.sleep(30)
        body = json.dumps({"path": path, "headers": {k.lower(): v for k, v in headers.items()}})
        writer.write(
            f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nset-cookie: evil=1\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n{body}".encode()
        )
        await writer.drain()
        writer.close()

    async def __aenter__(self) -> "Upstream":
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    async with Upstream() as up:
        yield up


@pytest.fixture
def second_gateway(platform, upstream) -> Iterator[str]:
    with another_gateway(
        platform,
        {
            "INTAKE_URL": f"http://127.0.0.1:{upstream.port}",
            "CANDIDATES_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens there
            "UPSTREAM_TIMEOUT_SECONDS": "1.5",
            "MAX_UPLOAD_BYTES": "2000",
        },
    ) as url:
        yield url


async def test_services_get_identity_and_credential_but_never_the_cookie(
    platform, second_gateway, employees
):
    platform_like = type("P", (), {"url": lambda self, _: second_gateway})()
    recruiter = await sign_in(platform_like, employees["recruiter"])
    me = (await recruiter.get("/api/auth/me")).json()
    resp = await recruiter.get(
        "/api/intake/review",
        headers={"X-Forwarded-For": "6.6.6.6, 7.7.7.7", "X-Actor-Role": "admin"},
    )
    assert resp.status_code == 200
    seen = resp.json()["headers"]
    assert seen["x-service-token"] == platform.env["SERVICE_TOKEN"]
    assert seen["x-actor-id"] == me["id"] and seen["x-actor-role"] == "recruiter"
    assert "cookie" not in seen and "x-csrf-token" not in seen
    # The caller's own claim is not passed on: the address is what uvicorn determined (it
    # trusts X-Forwarded-For only from its --forwarded-allow-ips, 127.0.0.1 by default).
    assert "," not in seen["x-forwarded-for"]
    assert "set-cookie" not in resp.headers  # a service cannot set cookies on our origin
    await recruiter.aclose()

    async with httpx.AsyncClient(base_url=second_gateway) as anonymous:
        public = await anonymous.post(
            "/api/intake/registrations", data={"registration": "{}"},
            files={"cv": ("cv.pdf", PDF, "application/pdf")},
        )  # fmt: skip
    assert public.status_code == 200
    assert "x-actor-id" not in public.json()["headers"]


async def test_a_hanging_service_is_a_504_and_a_dead_one_a_502(second_gateway, employees):
    platform_like = type("P", (), {"url": lambda self, _: second_gateway})()
    recruiter = await sign_in(platform_like, employees["recruiter"])
    started = time.monotonic()
    slow = await recruiter.get("/api/intake/review/slow")
    assert slow.status_code == 504 and "intake" in slow.json()["detail"]
    assert time.monotonic() - started < 15
    dead = await recruiter.get(f"/api/candidates/{uuid.uuid4()}")
    assert dead.status_code == 502 and "candidates" in dead.json()["detail"]
    page = await recruiter.get(f"/candidates/{uuid.uuid4()}")
    assert page.status_code == 200 and "niet beschikbaar" in page.text  # a message, no crash
    await recruiter.aclose()


async def test_an_oversized_body_is_refused_before_it_reaches_a_service(second_gateway):
    async with httpx.AsyncClient(base_url=second_gateway) as anonymous:
        resp = await anonymous.post(
            "/api/intake/registrations", data={"registration": "{}"},
            files={"cv": ("cv.pdf", PDF + b"0" * 5000, "application/pdf")},
        )  # fmt: skip
        assert resp.status_code == 413

        async def chunks():
            for _ in range(10):
                yield b"x" * 1000

        streamed = await anonymous.post(
            "/api/intake/registrations", content=chunks(),
            headers={"content-type": "application/octet-stream"},
        )  # fmt: skip
        assert streamed.status_code == 413
