"""The completion mail of a self-service request: the person hears, in Dutch, that the
request is done; after a forget-me even the address that mail went to is gone."""

import base64
import io
import json
import re
import uuid
import zipfile

import httpx

from services.common import keys
from tests.helpers import as_employee, eventually, fetch
from tests.privacy.self_service_support import (
    ask_and_verify,
    client_ip,
    nth_mail,
    public,
    text_of,
    wait_public_status,
)
from tests.privacy.support import (
    mails_to,
    officer,
    registered_candidate,
    unique_person,
    verification_scan,
    wait_status,
)


async def test_forget_me_by_self_service_mails_completion_and_the_scan_finds_nothing(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    verified = await ask_and_verify(platform, {"type": "erasure", "email": person["email"]})
    async with officer(platform) as client:
        await wait_status(client, verified["id"], "complete")

        done = await nth_mail(platform, person["email"], 2)
        assert done["Subject"] == "Je gegevens zijn verwijderd"
        body = text_of(done)
        assert "al je persoonsgegevens verwijderd" in body
        assert "we benaderen je niet meer" in body

        # Run after completion: the address the mail went to is not held anywhere either.
        identifiers = {"email": person["email"], "phone": person["phone"], "subject": candidate_id}
        scan = await verification_scan(client, identifiers)
        assert scan["hits"] == [], scan
        history = (await client.get(f"/api/privacy/requests/{verified['id']}")).json()["history"]
    assert "completion mail sent" in [h["note"] for h in history]
    assert not await fetch(
        platform,
        "privacy",
        "SELECT 1 FROM selfservice_sealed WHERE request_id = $1::uuid",
        verified["id"],
    )


async def test_access_mail_links_to_the_export_through_the_gateway(platform):
    person = unique_person()
    await registered_candidate(platform, person)
    verified = await ask_and_verify(platform, {"type": "access", "email": person["email"]})
    await wait_public_status(platform, verified["id"], "complete")

    done = await nth_mail(platform, person["email"], 2)
    assert done["Subject"] == "Je inzageverzoek is afgehandeld"
    link = re.search(r"Downloaden: (\S+)", text_of(done)).group(1)
    assert link.startswith(platform.url("gateway") + "/privacy/export/")
    async with httpx.AsyncClient(timeout=30) as browser:
        opened = await browser.get(link)
        assert opened.status_code == 303, opened.text
        download = await browser.get(opened.headers["location"])
        assert download.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(download.content))
        assert json.loads(archive.read("candidates.json"))["profile"]["email"] == person["email"]

        # The token is the credential: another one opens nothing.
        forged = link[: -len(link.split("/")[-1])] + "A" * 43
        assert (await browser.get(forged)).status_code == 404
    # A repeat opening works too, until the export is deleted.
    async with httpx.AsyncClient(timeout=30) as browser:
        assert (await browser.get(link)).status_code == 303


async def test_unsubscribe_and_an_unknown_address_get_their_mail(platform):
    person = unique_person()
    await registered_candidate(platform, person)
    verified = await ask_and_verify(platform, {"type": "unsubscribe", "email": person["email"]})
    assert verified["status"] == "complete"
    done = await nth_mail(platform, person["email"], 2)
    assert done["Subject"] == "Je bent uitgeschreven"
    assert "we benaderen je niet meer" in text_of(done)

    stranger = f"onbekend.{uuid.uuid4().hex[:8]}@example.nl"
    verified = await ask_and_verify(platform, {"type": "access", "email": stranger})
    assert verified["status"] == "complete"
    done = await nth_mail(platform, stranger, 2)
    assert "Bij dit e-mailadres bewaren wij geen persoonsgegevens." in text_of(done)


async def test_housekeeping_sends_a_mail_that_failed_and_drops_addresses_never_verified(platform):
    admin = httpx.AsyncClient(
        base_url=platform.url("privacy"), headers=as_employee(platform, "admin"), timeout=60
    )
    # A completed request whose mail could not be sent then (the row is what that leaves).
    retried = f"later.{uuid.uuid4().hex[:8]}@example.nl"
    verified = await ask_and_verify(platform, {"type": "unsubscribe", "email": retried})
    await nth_mail(platform, retried, 2)
    key = keys.derive(base64.b64decode(platform.env["MASTER_KEY"]), "selfservice-sealed")
    sealed = keys.encrypt(key, json.dumps(retried).encode(), f"selfservice:{verified['id']}")
    await fetch(
        platform,
        "privacy",
        "INSERT INTO selfservice_sealed(request_id, address, mail_attempts) VALUES ($1, $2, 1)",
        uuid.UUID(verified["id"]),
        sealed,
    )
    # A request whose code expired unused.
    stranger = f"nooit.{uuid.uuid4().hex[:8]}@example.nl"
    async with public(platform) as client:
        asked = await client.post(
            "/api/privacy/self-service/requests",
            json={"type": "erasure", "email": stranger},
            headers={"X-Forwarded-For": client_ip()},
        )
    await fetch(
        platform,
        "privacy",
        "UPDATE requests SET code_expires_at = now() - interval '1 minute' WHERE id = $1",
        uuid.UUID(asked.json()["id"]),
    )

    async def settled() -> bool:
        # A round already running elsewhere makes this one a no-op: ask again.
        resp = await admin.post("/api/privacy/housekeeping")
        assert resp.status_code == 200, resp.text
        return not await fetch(
            platform,
            "privacy",
            "SELECT 1 FROM selfservice_sealed WHERE request_id = ANY($1::uuid[])",
            [uuid.UUID(verified["id"]), uuid.UUID(asked.json()["id"])],
        )

    async with admin:
        await eventually(settled, timeout=60, interval=1)
    assert "Je bent uitgeschreven" == (await nth_mail(platform, retried, 3))["Subject"]
    assert len(mails_to(platform, stranger)) == 1  # the code only
