"""The design end to end: a registration becomes a profile through outbox -> Kafka -> inbox,
and an erasure removes it everywhere with an acknowledgement from every service."""

import json

import httpx

from tests.helpers import as_employee, eventually, example, fetch

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def register(platform, reg: dict) -> str:
    async with httpx.AsyncClient(base_url=platform.url("intake")) as client:
        resp = await client.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files={"cv": ("cv.pdf", PDF, "application/pdf")},
        )
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


async def test_registration_becomes_profile_and_intake_keeps_nothing(platform):
    reg_id = await register(platform, example("registration-accepted"))

    async def profile():
        rows = await fetch(platform, "candidates",
                           "SELECT id, profile FROM candidates WHERE profile->>'email' = $1",
                           "sanne.devries@example.nl")
        return rows
    rows = await eventually(profile)
    assert json.loads(rows[0]["profile"])["last_name"] == "de Vries"

    async def intake_empty():
        return not await fetch(platform, "intake", "SELECT 1 FROM registrations WHERE id = $1",
                               reg_id)
    await eventually(intake_empty)

    async with httpx.AsyncClient(base_url=platform.url("candidates")) as client:
        resp = await client.get(f"/api/candidates/{rows[0]['id']}",
                                headers=as_employee(platform, "recruiter"))
    assert resp.status_code == 200
    assert resp.json()["first_name"] == "Sanne"


async def test_erasure_deletes_profile_and_every_service_acknowledges(platform):
    reg = example("registration-accepted") | {"email": "erase.me@example.nl"}
    await register(platform, reg)

    async def profile():
        return await fetch(platform, "candidates",
                           "SELECT id FROM candidates WHERE profile->>'email' = $1", reg["email"])
    candidate_id = (await eventually(profile))[0]["id"]

    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as client:
        resp = await client.post("/api/privacy/requests", json={
            "type": "erasure", "subject": {"candidate_id": candidate_id}})
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]

        async def complete():
            body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
            return body if body["status"] == "complete" else None
        body = await eventually(complete)

    assert {p["service"] for p in body["progress"]} == {"intake", "candidates", "documents", "crm"}
    candidates = next(p for p in body["progress"] if p["service"] == "candidates")
    assert candidates["deleted"] == {"profiles": 1}
    assert not await fetch(platform, "candidates", "SELECT 1 FROM candidates WHERE id = $1",
                           candidate_id)
    # The subject key is gone: nothing sealed for this person can be opened any more.
    async with httpx.AsyncClient(base_url=platform.url("privacy")) as client:
        resp = await client.get(f"/internal/keys/{candidate_id}",
                                headers={"X-Service-Token": platform.env["SERVICE_TOKEN"]})
    assert resp.status_code == 404
