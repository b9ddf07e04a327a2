"""The flows DESIGN.md says must work end to end, only through the front door (the gateway on
its public and employee routes), as the people who use it would: a candidate registers, a
recruiter finds the profile, the privacy officer has the person forgotten with proof."""

import email
import json
import uuid

import httpx

from services.common.keys import blind_index
from tests.documents.files import pdf
from tests.gateway.conftest import add_employee, sign_in
from tests.helpers import eventually, example, fetch
from tests.privacy.support import verification_scan


def person() -> dict:
    tag = uuid.uuid4().hex[:8]
    digits = str(int(tag, 16))[-8:].rjust(8, "2")
    return example("registration-accepted") | {
        "email": f"journey.{tag}@example.nl",
        "phone": f"+31 6 {digits}",
        "last_name": f"Reis{tag}",
    }


async def register(platform, reg: dict) -> httpx.Response:
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as public:
        return await public.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files={
                "cv": (
                    "cv.pdf",
                    pdf("Curriculum vitae management assistent notuleren"),
                    "application/pdf",
                )
            },
        )


async def find(recruiter: httpx.AsyncClient, reg: dict) -> list[dict]:
    resp = await recruiter.post(
        "/api/candidates/search",
        json={"query": reg["last_name"], "function_type": "management_assistant"},
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


async def test_registered_candidate_is_found_opened_and_forgotten_with_proof(platform):
    reg = person()
    resp = await register(platform, reg)
    assert resp.status_code == 202, resp.text
    assert reg["email"] not in resp.text  # the receipt reveals no personal data

    recruiter = await sign_in(platform, add_employee(platform, "recruiter"))
    officer = await sign_in(platform, add_employee(platform, "privacy_officer"))
    try:
        items = await eventually(lambda: find(recruiter, reg), timeout=90)
        assert [(i["first_name"], i["last_name"]) for i in items] == [("Sanne", reg["last_name"])]
        candidate_id = items[0]["id"]

        profile = await recruiter.get(f"/api/candidates/{candidate_id}")
        assert profile.status_code == 200
        assert profile.json()["email"] == reg["email"]
        # Intake keeps nothing once the hand-off is done.
        await eventually(lambda: intake_is_empty_of(platform, reg["email"]), timeout=90)

        # A recruiter cannot file privacy requests; the officer can.
        denied = await recruiter.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": {"email": reg["email"]}}
        )
        assert denied.status_code == 403
        filed = await officer.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": {"email": reg["email"]}}
        )
        assert filed.status_code == 201, filed.text
        request_id = filed.json()["id"]
        assert filed.json()["due_at"]

        async def complete():
            body = (await officer.get(f"/api/privacy/requests/{request_id}")).json()
            assert body["status"] == "complete", body  # on a timeout: who has not answered
            return body

        body = await eventually(complete, timeout=90)
        assert {p["service"] for p in body["progress"]} == {
            "intake",
            "candidates",
            "documents",
            "crm",
        }
        assert all(p["status"] == "done" for p in body["progress"])

        # The verification scan runs as a job: started, then polled to its result.
        scan = await verification_scan(
            officer, {"email": reg["email"], "phone": reg["phone"], "subject": candidate_id}
        )
        assert scan["hits"] == []
        # Every service's database, every bucket and every topic was searched, none skipped.
        assert scan["clean"] is True, scan

        # Erased: the profile is gone (410), and search no longer lists the person.
        assert (await recruiter.get(f"/api/candidates/{candidate_id}")).status_code == 410
        assert await find(recruiter, reg) == []
    finally:
        await recruiter.aclose()
        await officer.aclose()


async def intake_is_empty_of(platform, address: str) -> bool:
    email_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "email", address)
    mine = await fetch(
        platform,
        "intake",
        "SELECT count(*) AS n FROM registrations WHERE email_hash = $1",
        email_hash,
    )
    return mine[0]["n"] == 0


async def test_rejected_registration_is_answered_by_mail_and_leaves_no_trace(platform):
    reg = example("registration-rejected") | {
        "email": f"afgewezen.{uuid.uuid4().hex[:8]}@example.nl"
    }
    resp = await register(platform, reg)
    assert resp.status_code == 202, resp.text

    mail_dir = platform.endpoints.mail_dir

    def mails_to() -> list[email.message.Message]:
        found = []
        for path in mail_dir.glob("*.eml"):
            msg = email.message_from_bytes(path.read_bytes())
            if msg["To"] == reg["email"]:
                found.append(msg)
        return found

    async def mailed():
        return mails_to()

    [message] = await eventually(mailed, timeout=60)
    body = message.get_payload(decode=True).decode()
    assert "leeftijd" in body.lower() or "18" in body  # names the unmet criterion
    await eventually(lambda: intake_is_empty_of(platform, reg["email"]), timeout=60)
