"""Helpers for intake's tests on the real stack."""

import email
import ipaddress
import json
import random
import re
import uuid
from pathlib import Path
from typing import Any

import httpx

from services.common.envelope import Envelope
from services.common.keys import open_sealed
from tests.documents import files
from tests.helpers import eventually, example, fetch, subject_key

# Well-formed files: documents checks every handed-off file again, thoroughly.
PDF = files.pdf("Ervaren management assistent")
PNG = files.png()


def unique(kind: str = "accepted", **changes: Any) -> dict[str, Any]:
    """An example registration with its own email, phone and surname: tests never collide."""
    tag = uuid.uuid4().hex[:10]
    reg = example(f"registration-{kind}")
    # A phone of its own too: a phone someone else registered with sends a registration to
    # a recruiter (services/intake/api.py, identify).
    phone = f"+31 6 {uuid.uuid4().int % 10**8:08d}"
    own = {"email": f"intake.{tag}@example.nl", "last_name": f"Test{tag}", "phone": phone}
    return reg | own | changes


def needs_review(**changes: Any) -> dict[str, Any]:
    """Meets every rejecting criterion, but too little relevant experience to decide alone."""
    jobs = [{"employer": "Bakkerij", "role": "Verkoper", "start": "2016-01-01", "end": None}]
    return unique(work_experience=jobs, **changes)


def address() -> str:
    """A client address of its own (documentation range), forwarded as the gateway does."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | random.getrandbits(64)))


async def post(
    platform,
    reg: dict[str, Any] | str | None,
    *,
    cv: tuple[str, bytes, str] | None = ("cv.pdf", PDF, "application/pdf"),
    photo: tuple[str, bytes, str] | None = None,
    client: str | None = None,
    extra: dict[str, Any] | None = None,
) -> httpx.Response:
    data: dict[str, Any] = {}
    if reg is not None:
        data["registration"] = reg if isinstance(reg, str) else json.dumps(reg)
    files: dict[str, Any] = {}
    if cv is not None:
        files["cv"] = cv
    if photo is not None:
        files["photo"] = photo
    data |= extra or {}
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=60) as http:
        return await http.post(
            "/api/intake/registrations",
            data=data,
            files=files or None,
            headers={"X-Forwarded-For": client or address()},
        )


async def staged(platform, reg_id: str) -> list[bytes]:
    """The registration's files as intake stores them while they wait (sealed)."""
    rows = await fetch(
        platform,
        "intake",
        "SELECT sealed FROM registration_files WHERE registration_id = $1",
        reg_id,
    )
    return [bytes(r["sealed"]) for r in rows]


async def staged_files(platform) -> int:
    """Files waiting in intake's staging area (its database) for documents to take them."""
    rows = await fetch(platform, "intake", "SELECT count(*) AS n FROM registration_files")
    return rows[0]["n"]


async def registration(platform, reg_id: str):
    rows = await fetch(platform, "intake", "SELECT * FROM registrations WHERE id = $1", reg_id)
    return rows[0] if rows else None


async def outbox_events(platform, reg_id: str) -> list[tuple[bytes, Envelope]]:
    rows = await fetch(
        platform,
        "intake",
        "SELECT payload, sent_at FROM outbox WHERE topic = 'intake.registrations'",
    )
    found = []
    for r in rows:
        event = Envelope.from_bytes(r["payload"])
        if event.correlation_id == reg_id:
            found.append((bytes(r["payload"]), event, r["sent_at"]))
    return found


async def unsealed(platform, event: Envelope) -> dict[str, Any]:
    key = await subject_key(platform, event.subject)
    assert key is not None
    return open_sealed(key, event.sealed, event.subject)


async def mails_to(platform, address: str, ordered: bool = False) -> list[email.message.Message]:
    found = []
    paths = Path(platform.endpoints.mail_dir).glob("*.eml")
    for path in sorted(paths) if ordered else paths:
        msg = email.message_from_bytes(path.read_bytes())
        if address in msg.get("X-Envelope-To", ""):
            found.append(msg)
    return found


async def every_row_as_text(platform) -> str:
    """Everything intake's database holds, as one text: to prove something is not there."""
    tables = await fetch(
        platform,
        "intake",
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    )
    texts = []
    for t in tables:
        for row in await fetch(platform, "intake", f'SELECT * FROM "{t["tablename"]}"'):
            for value in row.values():
                if isinstance(value, bytes):
                    texts.append(value.decode("utf-8", "replace"))
                else:
                    texts.append(str(value))
    return "\n".join(texts)


def intake_log(platform) -> str:
    return (platform.root / "logs" / "intake.log").read_text(errors="replace")


CONFIRM_LINK = re.compile(r"/register/confirm/([0-9a-f-]{36})/([A-Za-z0-9_-]{43})")


async def confirmation_mails(platform, address: str) -> list[email.message.Message]:
    """The mails to the address that carry a confirmation link, oldest first (not the
    acknowledgements every registration gets)."""
    mails = await mails_to(platform, address, ordered=True)
    return [m for m in mails if CONFIRM_LINK.search(_text(m))]


async def confirmation_link(platform, address: str, n: int = 1) -> tuple[str, str]:
    """(registration id, token) from the n-th confirmation mail to the address."""

    async def arrived():
        found = await confirmation_mails(platform, address)
        return found if len(found) >= n else None

    msg = (await eventually(arrived, timeout=60))[n - 1]
    match = CONFIRM_LINK.search(_text(msg))
    assert match is not None
    return match[1], match[2]


def _text(msg: email.message.Message) -> str:
    return msg.get_payload(decode=True).decode()


async def confirm(platform, reg_id: str, token: str) -> httpx.Response:
    """What the confirmation page does with the link's token (anonymously, as the public)."""
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=30) as http:
        return await http.post(
            f"/api/intake/registrations/{reg_id}/confirm",
            json={"token": token},
            headers={"X-Forwarded-For": address()},
        )
