"""A corrected email or phone reaches privacy: requests by the new address find the person,
an unsubscription or erasure suppresses the address they use now, an erasure asked by the
address they used before still finds them, and access by that former address does not."""

import httpx

from tests.helpers import as_employee, eventually, fetch
from tests.privacy.self_service_support import ask_and_verify, wait_public_status
from tests.privacy.support import (
    alerts,
    officer,
    registered_candidate,
    unique_person,
    wait_status,
)


def new_identifiers() -> dict[str, str]:
    """A fresh email and phone (the same shape as a registration's)."""
    fresh = unique_person()
    return {"email": fresh["email"].replace("privacy.", "corrected."), "phone": fresh["phone"]}


async def rectified_by_officer(platform, candidate_id: str, changes: dict[str, str]) -> None:
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={
                "type": "rectification",
                "subject": {"candidate_id": candidate_id},
                "changes": changes,
            },
        )
        assert resp.status_code == 201, resp.text
        body = await wait_status(client, resp.json()["id"], "complete")
    assert body["progress"][0]["result"]["applied"] == sorted(changes), body


async def suppressed(client: httpx.AsyncClient, **identifier: str) -> bool:
    resp = await client.post("/api/privacy/suppression/check", json=identifier)
    assert resp.status_code == 200, resp.text
    return resp.json()["suppressed"]


async def test_unsubscribing_after_an_email_correction_suppresses_the_new_address(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    new = new_identifiers()
    await rectified_by_officer(platform, candidate_id, new)

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "access", "subject": {"email": new["email"]}}
        )
        assert resp.status_code == 201, resp.text
        assert resp.json()["subject"] == candidate_id  # the new address finds the person
        access = await wait_status(client, resp.json()["id"], "complete")
        assert access["note"] is None

        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "unsubscribe", "subject": {"candidate_id": candidate_id}},
        )
        assert resp.status_code == 201, resp.text
        await wait_status(client, resp.json()["id"], "complete")
        # Never approached again: by the address and number the person uses now ...
        assert await suppressed(client, email=new["email"])
        assert await suppressed(client, phone=new["phone"])
        # ... nor by the ones they gave before (an old list must not reach them either).
        assert await suppressed(client, email=person["email"])
        assert await suppressed(client, phone=person["phone"])


async def test_a_recruiters_correction_of_the_email_reaches_privacy(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    new = new_identifiers()
    recruiter = as_employee(platform, "recruiter", "recruiter-privfix")
    async with httpx.AsyncClient(base_url=platform.url("candidates"), headers=recruiter) as c:
        resp = await c.patch(f"/api/candidates/{candidate_id}", json=new)
        assert resp.status_code == 200, resp.text

    async def index_moved() -> bool:
        rows = await fetch(
            platform,
            "privacy",
            "SELECT email_hash, phone_hash FROM subject_index WHERE subject = $1",
            candidate_id,
        )
        known = await fetch(
            platform,
            "candidates",
            "SELECT email_hash, phone_hash FROM candidates WHERE id = $1",
            candidate_id,
        )
        return bool(rows) and dict(rows[0]) == dict(known[0])

    await eventually(index_moved, timeout=60)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "unsubscribe", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
        assert await suppressed(client, email=new["email"])
        assert await suppressed(client, phone=new["phone"])


async def test_erasure_by_the_former_address_still_finds_the_person(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    new = new_identifiers()
    await rectified_by_officer(platform, candidate_id, {"email": new["email"]})

    async with officer(platform) as client:
        # Access by an address the person left discloses nothing: it may be someone else's now.
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "access", "subject": {"email": person["email"]}},
        )
        assert resp.status_code == 201, resp.text
        access = await wait_status(client, resp.json()["id"], "complete")
        assert access["subject"] is None and access["note"] == "no personal data held"

        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"email": person["email"]}},
        )
        assert resp.status_code == 201, resp.text
        erasure = await wait_status(client, resp.json()["id"], "complete")
        assert erasure["subject"] == candidate_id, erasure
        assert erasure["note"] is None
        assert {p["service"] for p in erasure["progress"]} >= {"candidates", "documents"}
        assert await suppressed(client, email=new["email"])
        assert await suppressed(client, email=person["email"])
    assert not await fetch(
        platform, "candidates", "SELECT 1 FROM candidates WHERE id = $1", candidate_id
    )
    assert not await fetch(
        platform, "privacy", "SELECT 1 FROM subject_index WHERE subject = $1", candidate_id
    )


async def test_a_public_erasure_by_a_former_address_erases_nobody_and_alerts_the_officer(
    platform,
):
    """Whoever reads a mailbox now is not always who used it before (role mailboxes are
    reused): an erasure asked through the public page by an address a person left erases
    nothing by itself. The address is suppressed, and the officer is alerted to decide."""
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await rectified_by_officer(platform, candidate_id, {"email": new_identifiers()["email"]})

    verified = await ask_and_verify(platform, {"type": "erasure", "email": person["email"]})
    await wait_public_status(platform, verified["id"], "complete")
    assert await fetch(
        platform, "candidates", "SELECT 1 FROM candidates WHERE id = $1", candidate_id
    )
    assert [
        a for a in await alerts(platform, verified["id"]) if a["type"] == "request.former_address"
    ]
    async with officer(platform) as client:
        assert await suppressed(client, email=person["email"])
