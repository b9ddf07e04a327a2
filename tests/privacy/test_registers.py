"""The officer's registers and the public statement: the breach clock, processors, processing
activities, privacy statement versions; and hostile input answered with a clear 4xx."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.helpers import as_employee, as_service
from tests.privacy.support import alerts, officer


async def test_breach_register_runs_the_72_hour_clock_and_alerts(platform):
    now = datetime.now(UTC)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/breaches",
            json={
                "summary": "Laptop met kandidatenexport verloren",
                "discovered_at": (now - timedelta(hours=50)).isoformat(),
                "categories": ["contactgegevens", "cv"],
                "people_affected": 120,
                "measures": "Laptop op afstand gewist",
                "notify_people": True,
            },
        )
        assert resp.status_code == 201, resp.text
        breach = resp.json()
        assert 21.5 < breach["hours_left"] <= 22.0
        assert breach["clock"] == "breach.due_soon"
        assert breach["notify_people"] is True

        old = await client.post(
            "/api/privacy/breaches",
            json={
                "summary": "Mail aan verkeerde ontvanger",
                "discovered_at": (now - timedelta(hours=80)).isoformat(),
                "categories": ["naam"],
                "people_affected": 1,
            },
        )
        assert old.json()["clock"] == "breach.overdue"

        admin = as_employee(platform, "admin", "admin-1")
        await client.post("/api/privacy/housekeeping", headers=admin)
        assert {a["type"] for a in await alerts(platform, breach["id"])} == {
            "breach.recorded",
            "breach.due_soon",
        }
        assert "breach.overdue" in {a["type"] for a in await alerts(platform, old.json()["id"])}

        reported = await client.patch(
            f"/api/privacy/breaches/{breach['id']}",
            json={"reported_to_ap_at": now.isoformat(), "measures": "Wachtwoorden vervangen"},
        )
        assert reported.status_code == 200, reported.text
        assert reported.json()["clock"] == "reported"
        assert reported.json()["hours_left"] is None
        assert reported.json()["measures"] == "Wachtwoorden vervangen"

        future = await client.post(
            "/api/privacy/breaches",
            json={
                "summary": "x" * 10,
                "discovered_at": (now + timedelta(days=1)).isoformat(),
                "categories": ["naam"],
                "people_affected": 1,
            },
        )
        assert future.status_code == 422
        naive = await client.post(
            "/api/privacy/breaches",
            json={
                "summary": "x" * 10,
                "discovered_at": "2026-01-01T10:00:00",
                "categories": ["naam"],
                "people_affected": -1,
            },
        )
        assert naive.status_code == 422
        fields = {e["field"] for e in naive.json()["errors"]}
        assert {"discovered_at", "people_affected"} <= fields


async def test_processors_and_activities_are_registered(platform):
    async with officer(platform) as client:
        activities = (await client.get("/api/privacy/activities")).json()
        names = {a["name"] for a in activities}
        assert {"Bemiddeling van kandidaten", "Relatiebeheer (RBS)"} <= names
        rbs = next(a for a in activities if a["name"] == "Relatiebeheer (RBS)")
        assert "bijhouden van plaatsingsstatistieken" in rbs["purposes"]

        name = f"Salarisverwerker {uuid.uuid4().hex[:6]}"
        resp = await client.post(
            "/api/privacy/processors",
            json={
                "name": name,
                "service": "payroll",
                "data_categories": ["naam", "bankrekening"],
                "agreement_date": "2024-03-01",
            },
        )
        assert resp.status_code == 201, resp.text
        listed = {p["name"]: p for p in (await client.get("/api/privacy/processors")).json()}
        assert listed[name]["agreement_date"] == "2024-03-01"
        assert listed[name]["data_categories"] == ["naam", "bankrekening"]

        bad = await client.post(
            "/api/privacy/processors",
            json={
                "name": name,
                "service": "payroll",
                "data_categories": [],
                "agreement_date": "not a date",
            },
        )
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} == {"data_categories", "agreement_date"}


async def test_privacy_statement_versions_stay_readable(platform):
    async with httpx.AsyncClient(base_url=platform.url("privacy")) as anyone:
        current = (await anyone.get("/api/privacy/statements/current")).json()
        assert current["body"].count("Privacyverklaring Allegro Talent") == 1
        assert "binnen 10 werkdagen" in current["body"]
        first = (await anyone.get("/api/privacy/statements/2018-05")).json()
        assert first["published_on"] == "2018-05-01"
        assert (await anyone.get("/api/privacy/statements/1999-01")).status_code == 404

    version = f"2099-{uuid.uuid4().int % 12 + 1:02d}-{uuid.uuid4().int % 28 + 1:02d}"
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/statements",
            json={
                "version": version,
                "published_on": version,
                "title": "Privacyverklaring Allegro Talent",
                "body": "Nieuwe tekst. " * 20,
            },
        )
        if resp.status_code == 409:  # the same random version drawn twice in one session
            return
        assert resp.status_code == 201, resp.text
        again = await client.post(
            "/api/privacy/statements",
            json={
                "version": version,
                "published_on": version,
                "title": "Anders",
                "body": "Andere tekst. " * 20,
            },
        )
        assert again.status_code == 409
    async with httpx.AsyncClient(base_url=platform.url("privacy")) as anyone:
        versions = [s["version"] for s in (await anyone.get("/api/privacy/statements")).json()]
        assert version in versions and "2018-05" in versions
        assert (await anyone.get("/api/privacy/statements/2018-05")).json()["body"] == first["body"]


async def test_hostile_input_gets_a_clear_4xx_never_a_500(platform):
    base = platform.url("privacy")
    async with httpx.AsyncClient(base_url=base) as anyone:
        assert (await anyone.post("/api/privacy/requests", json={})).status_code == 401
        assert (await anyone.get("/api/privacy/breaches")).status_code == 401
        assert (await anyone.post("/internal/keys", json={"subjects": ["x"]})).status_code == 401
    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=base, headers=recruiter) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": str(uuid.uuid4())}},
        )
        assert resp.status_code == 403
    async with officer(platform) as client:
        assert (await client.get("/api/privacy/requests/not-a-uuid")).status_code == 422
        assert (await client.get(f"/api/privacy/requests/{uuid.uuid4()}")).status_code == 404
        assert (
            await client.get(f"/api/privacy/requests/{uuid.uuid4()}/certificate")
        ).status_code == 404
        cases = [
            ({"type": "delete", "subject": {"email": "a@example.nl"}}, "type"),
            ({"type": "erasure", "subject": {}}, "subject"),
            (
                {"type": "erasure", "subject": {"candidate_id": "1; DROP TABLE"}},
                "subject.candidate_id",
            ),
            (
                {"type": "erasure", "subject": {"email": "x" * 5000 + "@example.nl"}},
                "subject.email",
            ),
            ({"type": "rectification", "subject": {"candidate_id": str(uuid.uuid4())}}, "request"),
            (
                {
                    "type": "access",
                    "subject": {"contact_id": str(uuid.uuid4())},
                    "changes": {"a": 1},
                },
                "request",
            ),
            ({"type": "erasure", "subject": {"candidate_id": 12}}, "subject.candidate_id"),
            ([1, 2, 3], "request"),
        ]
        for body, field in cases:
            resp = await client.post("/api/privacy/requests", json=body)
            assert resp.status_code == 422, (body, resp.text)
            assert field in {e["field"] for e in resp.json()["errors"]}, resp.json()
        resp = await client.post(
            f"/api/privacy/requests/{uuid.uuid4()}/extend",
            json={"working_days": 10_000, "reason": ""},
        )
        assert resp.status_code == 422
        resp = await client.post("/api/privacy/scans", json={})
        assert resp.status_code == 422
    async with httpx.AsyncClient(base_url=base) as anyone:
        resp = await anyone.post(
            "/api/privacy/self-service/requests", json={"type": "erasure", "email": "nope"}
        )
        assert resp.status_code == 422
        resp = await anyone.post(
            f"/api/privacy/self-service/requests/{uuid.uuid4()}/verify", json={"code": "123456"}
        )
        assert resp.status_code == 404
        resp = await anyone.post(
            "/internal/suppression/check",
            json={"email_hash": "not-a-hash"},
            headers=as_service(platform, "candidates"),
        )
        assert resp.status_code == 422
