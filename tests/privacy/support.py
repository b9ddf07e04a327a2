"""Helpers for the privacy tests: register a candidate, act as the officer, read the outbox."""

import email
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx

from services.intake.domain import ACKNOWLEDGEMENTS
from tests.documents.files import pdf, png
from tests.helpers import as_employee, eventually, example, fetch

PDF = pdf()
PNG = png()


def unique_person() -> dict[str, Any]:
    """The accepted example with a unique email and phone, so tests never share a person."""
    tag = uuid.uuid4().hex[:10]
    digits = str(int(tag, 16))[-8:].rjust(8, "1")
    return example("registration-accepted") | {
        "email": f"privacy.{tag}@example.nl",
        "phone": f"+31 6 {digits}",
    }


def officer(platform) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("privacy"),
        headers=as_employee(platform, "privacy_officer", "officer-1"),
        timeout=60.0,
    )


async def register(platform, reg: dict[str, Any], *, photo: bool = False, cv: bytes = PDF) -> str:
    files = {"cv": ("cv.pdf", cv, "application/pdf")}
    if photo:
        files["photo"] = ("pasfoto.png", PNG, "image/png")
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=30) as client:
        resp = await client.post(
            "/api/intake/registrations", data={"registration": json.dumps(reg)}, files=files
        )
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


async def registered_candidate(platform, reg: dict[str, Any], **kw: Any) -> str:
    """Register and wait until candidates holds the profile and privacy knows its hashes."""
    await register(platform, reg, **kw)
    return await profile_known(platform, reg)


async def registered_again(platform, reg: dict[str, Any]) -> str:
    """A known (or forgotten) person registers again and confirms it with the link mailed to
    their address; waits like registered_candidate."""
    from tests.intake.helpers import confirm, confirmation_link, confirmation_mails

    before = len(await confirmation_mails(platform, reg["email"]))
    reg_id = await register(platform, reg)
    link_id, token = await confirmation_link(platform, reg["email"], before + 1)
    assert link_id == reg_id
    confirmed = await confirm(platform, reg_id, token)
    assert confirmed.status_code == 200, confirmed.text
    return await profile_known(platform, reg)


async def profile_known(platform, reg: dict[str, Any]) -> str:

    async def profile():
        return await fetch(
            platform,
            "candidates",
            "SELECT id FROM candidates WHERE profile->>'email' = $1",
            reg["email"],
        )

    candidate_id = str((await eventually(profile, timeout=60))[0]["id"])

    async def hashes_known():
        return await fetch(
            platform, "privacy", "SELECT 1 FROM subject_index WHERE subject = $1", candidate_id
        )

    await eventually(hashes_known, timeout=60)
    return candidate_id


async def wait_status(client: httpx.AsyncClient, request_id: str, status: str, timeout=120.0):
    async def probe():
        body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
        return body if body["status"] == status else None

    return await eventually(probe, timeout=timeout)


async def request_waiting_for(
    client: httpx.AsyncClient, kind: str, candidate_id: str, service: str
) -> str:
    """A request of `kind` about the candidate that every service but `service` (stopped by the
    test) has answered; its id."""
    resp = await client.post(
        "/api/privacy/requests", json={"type": kind, "subject": {"candidate_id": candidate_id}}
    )
    assert resp.status_code == 201, resp.text
    request_id = resp.json()["id"]

    async def others_answered():
        body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
        pending = [p["service"] for p in body["progress"] if p["status"] == "pending"]
        return body if pending == [service] else None

    await eventually(others_answered, timeout=60)
    return request_id


async def alerts(platform, ref: str) -> list[dict[str, Any]]:
    """The alerts privacy queued on ops.alerts about one request or breach."""
    rows = await fetch(
        platform, "privacy", "SELECT payload FROM outbox WHERE topic = 'ops.alerts' ORDER BY seq"
    )
    events = [json.loads(r["payload"]) for r in rows]
    return [e for e in events if e["data"].get("ref") == ref]


async def events_on(platform, topic: str, subject: str) -> list[dict[str, Any]]:
    rows = await fetch(
        platform,
        "privacy",
        "SELECT payload FROM outbox WHERE topic = $1 AND key = $2 ORDER BY seq",
        topic,
        subject,
    )
    return [json.loads(r["payload"]) for r in rows]


REGISTRATION_MAILS = {subject for subject, _ in ACKNOWLEDGEMENTS.values()}


def mails_to(platform, address: str) -> list[email.message.Message]:
    """What privacy mailed to the address (not intake's acknowledgement of a registration)."""
    folder = Path(platform.endpoints.mail_dir)
    found = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes())
        if address in (msg.get("To") or "") and msg["Subject"] not in REGISTRATION_MAILS:
            found.append(msg)
    return found


def code_in(msg: email.message.Message) -> str:
    body = msg.get_payload(decode=True).decode()
    return re.search(r"\b(\d{6})\b", body).group(1)


async def wait_handed_off(platform, candidate_id: str, files: int) -> None:
    """Documents holds every file and intake nothing any more."""

    async def handed_off():
        stored = await fetch(
            platform, "documents", "SELECT 1 FROM documents WHERE subject = $1", candidate_id
        )
        staged = await fetch(
            platform, "intake", "SELECT 1 FROM registrations WHERE subject = $1", candidate_id
        )
        return len(stored) == files and not staged

    await eventually(handed_off, timeout=90)


async def start_scan(client: httpx.AsyncClient, identifiers: dict[str, Any]) -> str:
    resp = await client.post("/api/privacy/scans", json=identifiers)
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


async def scan_finished(client: httpx.AsyncClient, job_id: str, timeout=180.0) -> dict[str, Any]:
    """Poll a scan job until it is no longer queued or running; its last state."""

    async def finished():
        resp = await client.get(f"/api/privacy/scans/{job_id}")
        assert resp.status_code == 200, resp.text
        return resp.json() if resp.json()["status"] not in ("queued", "running") else None

    return await eventually(finished, timeout=timeout, interval=0.5)


async def verification_scan(client: httpx.AsyncClient, identifiers: dict[str, Any]) -> dict:
    """The officer's verification scan, started and polled to the end: its result."""
    job = await scan_finished(client, await start_scan(client, identifiers))
    assert job["status"] == "done", job
    return job["result"]
