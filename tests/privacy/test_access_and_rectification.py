"""Access: every service's slice assembled into one export (JSON per service + the person's
files) behind a short-lived link. Rectification routed to the owning service and confirmed.
And after forget-me, a new explicit registration lifts the suppression."""

import io
import json
import zipfile

import asyncpg
import httpx

from devstack.services import database_url
from tests.helpers import as_employee, eventually, fetch
from tests.privacy.support import (
    PDF,
    PNG,
    officer,
    registered_again,
    registered_candidate,
    unique_person,
    verification_scan,
    wait_handed_off,
    wait_status,
)


async def test_access_export_holds_every_slice_and_the_files_field_by_field(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person, photo=True)

    await wait_handed_off(platform, candidate_id, 2)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "access", "subject": {"email": person["email"]}}
        )
        assert resp.status_code == 201, resp.text
        created = resp.json()
        assert created["subject"] == candidate_id  # found through the blind index
        body = await wait_status(client, created["id"], "complete")
        assert {p["service"] for p in body["progress"]} == {
            "intake",
            "candidates",
            "documents",
            "crm",
        }
        resp = await client.get(f"/api/privacy/requests/{created['id']}/export")
        assert resp.status_code == 200, resp.text
        export = resp.json()
        assert export["link_valid_minutes"] == 15
    async with httpx.AsyncClient() as anyone:
        download = await anyone.get(export["url"])
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = set(archive.namelist())
    assert {
        "candidates.json",
        "documents.json",
        "intake.json",
        "crm.json",
        "privacy.json",
        "manifest.json",
    } <= names
    files = sorted(n for n in names if n.startswith("files/"))
    assert len(files) == 2
    contents = sorted(archive.read(n) for n in files)
    assert contents == sorted([PDF, PNG])

    profile = json.loads(archive.read("candidates.json"))["profile"]
    for field in (
        "first_name",
        "last_name",
        "email",
        "birth_date",
        "gender",
        "functions_sought",
        "languages",
        "work_permit_nl",
    ):
        assert profile[field] == person[field], field
    assert profile["address"]["city"] == person["address"]["city"]
    assert profile["address"]["postcode"] == person["address"]["postcode"]
    assert profile["work_experience"][1]["employer"] == "Heineken"
    assert profile["education"][0]["institution"] == person["education"][0]["institution"]
    assert profile["availability"]["hours_per_week"] == 32
    own = json.loads(archive.read("privacy.json"))["requests"]
    assert [r["type"] for r in own] == ["access"]

    # The loose parts are gone; only the archive stays, until the set period ends.
    scan = await officer_scan(platform, person["email"], candidate_id)
    assert {"where": "privacy:exports", "what": "access export", "count": 1} in scan["hits"]
    assert {"where": "bucket:privacy-exports", "what": "identifier in content", "count": 1} in (
        scan["hits"]
    )

    # After the set period the export is deleted, link and all.
    conn = await asyncpg.connect(database_url(platform.endpoints.database_url, "privacy"))
    try:
        await conn.execute(
            "UPDATE exports SET expires_at = now() - interval '1 minute'"
            " WHERE request_id = $1::uuid",
            created["id"],
        )
    finally:
        await conn.close()
    async with officer(platform) as client:
        admin = as_employee(platform, "admin", "admin-1")
        done = (await client.post("/api/privacy/housekeeping", headers=admin)).json()
        assert done["exports_deleted"] >= 1
        assert (
            await client.get(f"/api/privacy/requests/{created['id']}/export")
        ).status_code == 410
    async with httpx.AsyncClient() as anyone:
        assert (await anyone.get(export["url"])).status_code in (403, 404)
    scan = await officer_scan(platform, person["email"], candidate_id)
    assert not [h for h in scan["hits"] if "export" in h["where"]], scan


async def officer_scan(platform, address: str, subject: str) -> dict:
    async with officer(platform) as client:
        return await verification_scan(client, {"email": address, "subject": subject})


async def test_rectification_is_applied_by_candidates_and_confirmed(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={
                "type": "rectification",
                "subject": {"candidate_id": candidate_id},
                "changes": {"last_name": "de Vries-Bakker", "no_such_field": "x"},
            },
        )
        assert resp.status_code == 201, resp.text
        body = await wait_status(client, resp.json()["id"], "complete")
    assert [p["service"] for p in body["progress"]] == ["candidates"]
    assert body["progress"][0]["result"] == {
        "applied": ["last_name"],
        "rejected": ["no_such_field"],
    }
    rows = await fetch(
        platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
    )
    assert json.loads(rows[0]["profile"])["last_name"] == "de Vries-Bakker"
    kept = await fetch(
        platform, "privacy", "SELECT sealed_changes FROM requests WHERE id = $1::uuid", body["id"]
    )
    assert kept[0]["sealed_changes"] is None


async def test_forget_me_then_a_new_registration_lifts_the_suppression(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
        check = await client.post("/api/privacy/suppression/check", json={"email": person["email"]})
        assert check.json() == {"suppressed": True}

        await registered_again(platform, person)

        async def lifted():
            again = await client.post(
                "/api/privacy/suppression/check", json={"email": person["email"]}
            )
            return again.json() == {"suppressed": False}

        await eventually(lifted, timeout=60)
    rows = await fetch(
        platform,
        "privacy",
        "SELECT subject, registration_id FROM suppression_lifts"
        " WHERE subject <> $1 AND lifted_at > now() - interval '5 minutes'",
        candidate_id,
    )
    assert rows
    new_subjects = {r["subject"] for r in rows}
    events = await fetch(
        platform,
        "privacy",
        "SELECT key FROM outbox WHERE topic = 'privacy.requests'"
        " AND convert_from(payload, 'UTF8') LIKE '%suppression.lifted%'",
    )
    assert new_subjects & {e["key"] for e in events}
