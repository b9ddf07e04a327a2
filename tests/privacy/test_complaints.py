"""The complaints register on the privacy API: added, listed by status, closed once with its
outcome; bad input is refused, and only the officer (or admin) reaches it."""

import uuid
from datetime import date, timedelta

import httpx

from tests.helpers import as_employee
from tests.privacy.support import officer


async def test_a_complaint_is_recorded_listed_and_closed_once_with_its_outcome(platform):
    summary = f"Klacht over een te late inzage {uuid.uuid4().hex[:8]}"
    async with officer(platform) as client:
        added = await client.post(
            "/api/privacy/complaints",
            json={
                "received_on": (date.today() - timedelta(days=2)).isoformat(),
                "summary": summary,
            },
        )
        assert added.status_code == 201, added.text
        complaint = added.json()
        assert complaint["status"] == "open" and complaint["created_by"] == "officer-1"

        open_ones = (await client.get("/api/privacy/complaints", params={"status": "open"})).json()
        assert complaint["id"] in [c["id"] for c in open_ones]

        closed = await client.post(
            f"/api/privacy/complaints/{complaint['id']}/close",
            json={"outcome": "Excuses aangeboden; inzage alsnog gegeven"},
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
        again = await client.post(
            f"/api/privacy/complaints/{complaint['id']}/close", json={"outcome": "nogmaals"}
        )
        assert again.status_code == 409
        missing = await client.post(
            f"/api/privacy/complaints/{uuid.uuid4()}/close", json={"outcome": "nergens"}
        )
        assert missing.status_code == 404
        closed_ones = (
            await client.get("/api/privacy/complaints", params={"status": "closed"})
        ).json()
        [found] = [c for c in closed_ones if c["id"] == complaint["id"]]
        assert found["outcome"] == "Excuses aangeboden; inzage alsnog gegeven"
        open_ones = (await client.get("/api/privacy/complaints", params={"status": "open"})).json()
        assert complaint["id"] not in [c["id"] for c in open_ones]

        for bad in (
            {"received_on": (date.today() + timedelta(days=1)).isoformat(), "summary": "later"},
            {"received_on": "gisteren", "summary": "een klacht"},
            {"received_on": date.today().isoformat(), "summary": ""},
            {"received_on": date.today().isoformat(), "summary": "x" * 4001},
        ):
            resp = await client.post("/api/privacy/complaints", json=bad)
            assert resp.status_code == 422, bad


async def test_a_recruiter_cannot_read_or_add_complaints(platform):
    async with httpx.AsyncClient(
        base_url=platform.url("privacy"), headers=as_employee(platform, "recruiter"), timeout=30
    ) as recruiter:
        assert (await recruiter.get("/api/privacy/complaints")).status_code == 403
        resp = await recruiter.post(
            "/api/privacy/complaints",
            json={"received_on": date.today().isoformat(), "summary": "een klacht"},
        )
        assert resp.status_code == 403
