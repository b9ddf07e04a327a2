"""Profiles from intake's hand-off, read and changed by recruiters, every read audited and
every change an event without personal data."""

import json

import httpx

from services.common import deadletters
from services.common.envelope import new_id
from tests.candidates.support import events, person
from tests.helpers import as_employee, as_service, eventually, fetch


async def test_accepted_registration_becomes_a_complete_profile(platform, bus, recruiter):
    reg = person(testimonials=[{"author": "Heineken", "text": "Zeer betrouwbaar"}])
    cid = await bus.handoff(reg)

    resp = await recruiter.get(f"/api/candidates/{cid}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "active"
    for field in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "birth_date",
        "gender",
        "education",
        "internships",
        "work_experience",
        "trainings",
        "tests",
        "availability",
        "leave",
        "references",
        "consent",
    ):
        assert body[field] == reg[field], field
    assert body["testimonials"][0]["text"] == "Zeer betrouwbaar"
    assert "email_hash" not in body and "original_names" not in body

    # Email and phone are findable by their blind index only.
    row = (
        await fetch(
            platform,
            "candidates",
            "SELECT email_hash, phone_hash FROM candidates WHERE id = $1",
            cid,
        )
    )[0]
    assert row["email_hash"] == bus.blind("email", reg["email"])
    assert row["phone_hash"] == bus.blind("phone", reg["phone"])

    created = [e for e in await events(platform, "candidates.profiles", cid)]
    assert [e["type"] for e in created] == ["profile.created"]
    assert reg["email"] not in json.dumps(created) and "Sanne" not in json.dumps(created)


async def test_every_profile_read_is_audited_with_ids_only(platform, bus, recruiter):
    cid = await bus.handoff(person())
    assert (await recruiter.get(f"/api/candidates/{cid}")).status_code == 200

    audits = await events(platform, "ops.audit", cid)
    assert len(audits) == 1
    data = audits[0]["data"]
    assert data["action"] == "candidate.read" and data["subject"] == cid
    assert data["actor"] == recruiter.headers["X-Actor-Id"] and data["role"] == "recruiter"
    assert audits[0]["sealed"] is None and "Sanne" not in json.dumps(audits)


async def test_returning_candidate_updates_the_existing_profile(platform, bus, recruiter):
    reg = person()
    cid = await bus.handoff(reg)
    again = reg | {"phone": "+31 6 99887766", "functions_sought": ["office_manager"]}
    assert await bus.handoff(again, subject=cid, existing=True, verified=("email",)) == cid

    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert body["phone"] == "+31 6 99887766"
    assert body["functions_sought"] == ["office_manager"]
    kinds = [e["type"] for e in await events(platform, "candidates.profiles", cid)]
    assert kinds == ["profile.created", "profile.updated"]
    rows = await fetch(
        platform, "candidates", "SELECT phone_hash FROM candidates WHERE id = $1", cid
    )
    assert rows[0]["phone_hash"] == bus.blind("phone", "0699887766")


async def test_a_registration_for_a_known_person_without_a_confirmed_email_changes_nothing(
    platform, bus, recruiter
):
    """Intake sends one only after the address's owner confirmed it; anything else is someone
    typing another person's address, and goes to the dead letters for an operator."""
    reg = person()
    cid = await bus.handoff(reg)
    intruder = reg | {"first_name": "Mallory", "phone": "+31 6 99887766", "original_names": {}}
    intruder |= {"email_hash": bus.blind("email", reg["email"])}
    event = await bus.publish(
        "intake.registrations", "registration.accepted", cid,
        {"registration_id": new_id(), "existing": True, "verified": [], "files": []}, intruder,
        source="intake",
    )  # fmt: skip

    async def dead_lettered():
        letters = await deadletters.list_letters(
            platform.endpoints.kafka_bootstrap, "intake.registrations.dlq"
        )
        return [x for x in letters if x.event_id == event.id]

    [letter] = await eventually(dead_lettered, timeout=60)
    assert "confirmed email" in letter.error
    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert (body["first_name"], body["phone"]) == (reg["first_name"], reg["phone"])


async def test_recruiter_changes_a_profile_and_the_change_is_an_event(platform, bus, recruiter):
    cid = await bus.handoff(person())
    resp = await recruiter.patch(
        f"/api/candidates/{cid}",
        json={
            "availability": {
                "available_from": "2027-03-01",
                "hours_per_week": 24,
                "regions": ["Zuid-Holland"],
            },
            "leave": [{"start": "2027-05-01", "end": "2027-05-14", "reason": "vakantie"}],
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["availability"]["hours_per_week"] == 24

    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert body["leave"][0]["reason"] == "vakantie"
    updated = [
        e
        for e in await events(platform, "candidates.profiles", cid)
        if e["type"] == "profile.updated"
    ]
    assert updated[0]["data"]["fields"] == ["availability", "leave"]
    assert updated[0]["data"]["actor"] == recruiter.headers["X-Actor-Id"]
    assert "vakantie" not in json.dumps(updated)


async def test_bad_profile_requests_get_a_clear_4xx_and_lose_nothing(platform, bus, recruiter):
    reg = person()
    cid = await bus.handoff(reg)
    url = f"/api/candidates/{cid}"

    assert (await recruiter.get("/api/candidates/not-a-uuid")).status_code == 422
    assert (await recruiter.get(f"/api/candidates/{new_id()}")).status_code == 404

    resp = await recruiter.patch(url, json={"email": "geen-email", "first_name": ""})
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json()["errors"]} == {"email", "first_name"}
    resp = await recruiter.patch(url, json={"salary": 1, "consent": {}})
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json()["errors"]} == {"salary", "consent"}
    resp = await recruiter.patch(url, json={"work_experience": [{"role": "x" * 10_000}]})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"].startswith("work_experience.0.role")
    assert (await recruiter.patch(url, json=["not", "an", "object"])).status_code == 422
    assert (await recruiter.patch(url, content=b"{")).status_code == 422
    huge = {"first_name": "A" * 2_000_000}
    assert (await recruiter.patch(url, json=huge)).status_code == 413

    body = (await recruiter.get(url)).json()
    assert body["email"] == reg["email"] and body["first_name"] == reg["first_name"]


async def test_only_authorised_employees_reach_profiles(platform, bus):
    cid = await bus.handoff(person())
    url = f"{platform.url('candidates')}/api/candidates/{cid}"
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 401
        wrong = {"X-Service-Token": "guess", "X-Actor-Id": "u1", "X-Actor-Role": "recruiter"}
        assert (await client.get(url, headers=wrong)).status_code == 401
        officer = as_employee(platform, "privacy_officer")
        assert (await client.get(url, headers=officer)).status_code == 403
        search = f"{platform.url('candidates')}/api/candidates/search"
        assert (await client.post(search, json={}, headers=officer)).status_code == 403
        admin = as_employee(platform, "admin")
        assert (await client.get(url, headers=admin)).status_code == 200
    assert not [e for e in await events(platform, "ops.audit", cid) if e["data"]["role"] != "admin"]


async def test_other_services_find_a_candidate_by_email_blind_index(platform, bus):
    reg = person()
    cid = await bus.handoff(reg)
    url = f"{platform.url('candidates')}/internal/candidates/lookup"
    token = as_service(platform, "privacy")
    async with httpx.AsyncClient(headers=token) as client:
        resp = await client.post(url, json={"email_hash": bus.blind("email", reg["email"].upper())})
        assert resp.status_code == 200 and resp.json() == {"candidate_id": cid}
        resp = await client.post(url, json={"email_hash": bus.blind("email", "x@example.nl")})
        assert resp.status_code == 404
        resp = await client.post(url, json={"email_hash": reg["email"]})  # plaintext refused
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "email_hash"
        assert (await client.post(url, json={})).status_code == 422
    async with httpx.AsyncClient() as client:
        resp = await client.post(url, json={"email_hash": bus.blind("email", reg["email"])})
        assert resp.status_code == 401


async def test_intake_finds_many_registrants_in_one_lookup(platform, bus):
    known = [person() for _ in range(3)]
    ids = [await bus.handoff(reg) for reg in known]
    url = f"{platform.url('candidates')}/internal/candidates/lookups"
    hashes = [bus.blind("email", reg["email"]) for reg in known]
    stranger = bus.blind("email", "nobody.here@example.nl")
    token = as_service(platform, "intake")
    async with httpx.AsyncClient(headers=token) as client:
        resp = await client.post(url, json={"email_hashes": [*hashes, stranger, hashes[0]]})
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"candidates": dict(zip(hashes, ids, strict=True)), "phones": {}}
        phones = [bus.blind("phone", reg["phone"]) for reg in known]
        resp = await client.post(url, json={"phone_hashes": [*phones, stranger]})
        assert resp.json() == {"candidates": {}, "phones": dict(zip(phones, ids, strict=True))}
        for body in (
            {"email_hashes": []},
            {"email_hashes": [], "phone_hashes": []},
            {"phone_hashes": [known[0]["phone"]]},  # plaintext refused
            {"email_hashes": [stranger] * 201},
            {"email_hashes": [known[0]["email"]]},  # plaintext refused
            {"email_hash": stranger},
        ):
            assert (await client.post(url, json=body)).status_code == 422, body
    async with httpx.AsyncClient() as client:
        assert (await client.post(url, json={"email_hashes": hashes})).status_code == 401
