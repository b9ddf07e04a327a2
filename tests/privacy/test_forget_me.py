"""Forget me, end to end on the real stack: every service acknowledges, the scan finds
nothing, sealed events no longer open, the person is suppressed and stays so."""

import json
import uuid

import httpx

from services.common.envelope import Envelope
from services.common.keys import blind_index
from tests.crm.support import publish
from tests.documents.files import pdf
from tests.helpers import as_employee, eventually, fetch, subject_key
from tests.privacy.support import (
    events_on,
    officer,
    registered_again,
    registered_candidate,
    unique_person,
    verification_scan,
    wait_handed_off,
    wait_status,
)


async def recruiter_adds_a_note_a_second_cv_and_a_crm_reference(
    platform, candidate_id: str, person: dict
) -> None:
    recruiter = as_employee(platform, "recruiter", "recruiter-1")
    async with httpx.AsyncClient(headers=recruiter, timeout=30) as http:
        note = await http.post(
            f"{platform.url('candidates')}/api/candidates/{candidate_id}/notes",
            json={"text": f"Gebeld met {person['first_name']}, beschikbaar per januari."},
        )
        assert note.status_code == 201, note.text
        cv = await http.post(
            f"{platform.url('documents')}/api/documents/candidates/{candidate_id}",
            data={"kind": "cv"},
            files={"file": ("cv-2025.pdf", pdf("Tweede cv, bijgewerkt"), "application/pdf")},
        )
        assert cv.status_code == 201, cv.text
        crm = platform.url("crm")
        org = await http.post(
            f"{crm}/api/crm/organisations", json={"name": "Referent BV", "kind": "referee"}
        )
        assert org.status_code == 201, org.text
        ref = await http.post(
            f"{crm}/api/crm/organisations/{org.json()['id']}/contacts",
            json={"name": "Pieter Jansen", "function": "manager", "referee_for": candidate_id},
        )
        assert ref.status_code == 201, ref.text


async def test_forget_me_erases_everywhere_with_proof_and_suppresses_the_person(platform):
    person = unique_person()
    # The CV itself names the person: its extracted text must go too.
    cv = pdf(f"{person['first_name']} {person['last_name']} {person['email']} {person['phone']}")
    candidate_id = await registered_candidate(platform, person, photo=True, cv=cv)
    await wait_handed_off(platform, candidate_id, 2)
    await recruiter_adds_a_note_a_second_cv_and_a_crm_reference(platform, candidate_id, person)

    identifiers = {"email": person["email"], "phone": person["phone"], "subject": candidate_id}
    async with officer(platform) as client:
        # The scan sees the person before the erasure (so it can see a leftover after it).
        before = await verification_scan(client, identifiers)
        places = {h["where"] for h in before["hits"]}
        assert {"privacy:subject_keys", "topic:intake.registrations"} <= places, before
        assert any(p.startswith("database:documents") for p in places), before

        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        assert resp.status_code == 201, resp.text
        created = resp.json()
        assert created["status"] in ("in_progress", "complete")
        assert created["days_left"] == 10
        body = await wait_status(client, created["id"], "complete")

        assert {p["service"] for p in body["progress"]} == {
            "intake",
            "candidates",
            "documents",
            "crm",
        }
        assert all(p["status"] == "done" for p in body["progress"])
        deleted = {p["service"]: p["deleted"] for p in body["progress"]}
        assert sum(deleted["documents"].values()) >= 3, deleted  # two CVs and a photo
        assert sum(deleted["candidates"].values()) >= 2, deleted  # the profile and the note
        assert sum(deleted["crm"].values()) >= 1, deleted  # the reference
        assert [h["status"] for h in body["history"]][:2] == ["received", "in_progress"]
        assert body["history"][-1]["status"] == "complete"

        cert = (await client.get(f"/api/privacy/requests/{created['id']}/certificate")).json()
        assert cert["key_destroyed_at"]
        assert {s["service"] for s in cert["services"]} == {
            "intake",
            "candidates",
            "documents",
            "crm",
        }
        assert all(s["erased_at"] for s in cert["services"])
        text = str(cert).lower()
        for personal in (person["email"], person["last_name"].lower(), candidate_id):
            assert personal.lower() not in text

        scan = await verification_scan(client, identifiers)
        assert scan["hits"] == [], scan
        print("verification scan after erasure:", scan)
        assert scan["checked"]["topics"]["intake.registrations"] >= 1

        check = await client.post(
            "/api/privacy/suppression/check", json={"email": person["email"].upper()}
        )
        assert check.json() == {"suppressed": True}
        check = await client.post("/api/privacy/suppression/check", json={"phone": person["phone"]})
        assert check.json() == {"suppressed": True}

    # Sealed events about the person no longer open: the key is gone for good.
    assert await subject_key(platform, candidate_id) is None
    assert await subject_key(platform, candidate_id, create=True) is None  # never made anew
    assert not await fetch(
        platform, "privacy", "SELECT 1 FROM subject_keys WHERE subject = $1", candidate_id
    )
    # The request is kept, without plaintext identifiers.
    kept = await fetch(
        platform, "privacy", "SELECT * FROM requests WHERE id = $1::uuid", created["id"]
    )
    assert person["email"] not in str(dict(kept[0]))
    assert not await events_on(platform, "privacy.requests", candidate_id)


async def test_a_business_contact_is_forgotten_by_email_alike(platform):
    tag = uuid.uuid4().hex[:8]
    address = f"contact.{tag}@example.nl"
    recruiter = as_employee(platform, "recruiter", "recruiter-1")
    async with httpx.AsyncClient(base_url=platform.url("crm"), headers=recruiter) as crm:
        org = await crm.post(
            "/api/crm/organisations", json={"name": f"Opdrachtgever {tag}", "kind": "client"}
        )
        assert org.status_code == 201, org.text
        contact = await crm.post(
            f"/api/crm/organisations/{org.json()['id']}/contacts",
            json={"name": "Jan Jansen", "email": address, "function": "HR-manager"},
        )
        assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": {"email": address}}
        )
        assert resp.status_code == 201, resp.text
        assert resp.json()["subject_kind"] == "contact"
        assert resp.json()["subject"] == contact_id
        body = await wait_status(client, resp.json()["id"], "complete")
        crm_part = next(p for p in body["progress"] if p["service"] == "crm")
        assert sum(crm_part["result"].values()) >= 1
        scan = await verification_scan(client, {"email": address, "subject": contact_id})
        assert scan["hits"] == [], scan
        check = await client.post("/api/privacy/suppression/check", json={"email": address})
        assert check.json() == {"suppressed": True}


def bus_hash(platform, kind: str, value: str) -> str:
    return blind_index(platform.env["BLIND_INDEX_KEY"], kind, value)


async def acknowledgement(platform, service: str, subject: str) -> dict:
    [row] = await fetch(
        platform,
        service,
        "SELECT payload FROM outbox WHERE topic = 'privacy.erasure.done' AND key = $1",
        subject,
    )
    return json.loads(row["payload"])


async def test_erasure_by_id_suppresses_a_person_privacy_never_saw_registered(platform):
    """privacy learns a person's keyed hashes from the registration; an erasure by id that
    comes before privacy read it (simulated: privacy's index forgets the person) still ends
    with the person suppressed, from the hashes candidates sends back with its receipt."""
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await fetch(platform, "privacy", "DELETE FROM subject_index WHERE subject = $1", candidate_id)

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]
        await wait_status(client, request_id, "complete")
        for identifier in ({"email": person["email"]}, {"phone": person["phone"]}):
            check = await client.post("/api/privacy/suppression/check", json=identifier)
            assert check.json() == {"suppressed": True}, identifier

        # The certificate counts; it names no identifier, not even as a hash.
        cert = await client.get(f"/api/privacy/requests/{request_id}/certificate")
        assert cert.json()["suppression_entries"] == 2
        hashes = {bus_hash(platform, k, person[k]) for k in ("email", "phone")}
        assert not [h for h in hashes if h in cert.text]

    # On the bus: the keyed hashes, never the plaintext.
    ack = await acknowledgement(platform, "candidates", candidate_id)
    assert {(s["kind"], s["hash"]) for s in ack["data"]["suppress"]} == {
        ("email", bus_hash(platform, "email", person["email"])),
        ("phone", bus_hash(platform, "phone", person["phone"])),
    }
    text = json.dumps(ack)
    assert person["email"] not in text and person["phone"] not in text


async def test_a_contact_erased_by_id_is_suppressed_under_its_email_and_phone(platform):
    tag = uuid.uuid4().hex[:8]
    address, phone = f"contact.{tag}@example.nl", f"020 {int(tag, 16) % 10_000_000:07d}"
    recruiter = as_employee(platform, "recruiter", "recruiter-1")
    async with httpx.AsyncClient(base_url=platform.url("crm"), headers=recruiter) as crm:
        org = await crm.post(
            "/api/crm/organisations", json={"name": f"Leverancier {tag}", "kind": "supplier"}
        )
        contact = await crm.post(
            f"/api/crm/organisations/{org.json()['id']}/contacts",
            json={"name": "Els de Vries", "email": address, "phone": phone},
        )
        assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"contact_id": contact_id}},
        )
        assert resp.status_code == 201, resp.text
        await wait_status(client, resp.json()["id"], "complete")
        for identifier in ({"email": address.upper()}, {"phone": phone}):
            check = await client.post("/api/privacy/suppression/check", json=identifier)
            assert check.json() == {"suppressed": True}, identifier


async def test_a_late_receipt_does_not_suppress_a_person_who_registered_again(platform):
    """A slow service's receipt (or a re-sent command's second answer) arrives after the
    forgotten person registered again of their own accord: they stay approachable."""
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        request_id = resp.json()["id"]
        await wait_status(client, request_id, "complete")
        ack = await acknowledgement(platform, "candidates", candidate_id)

        await registered_again(platform, person)  # back, explicitly: suppression lifted

        async def lifted():
            address = {"email": person["email"]}
            check = await client.post("/api/privacy/suppression/check", json=address)
            return check.json() == {"suppressed": False}

        await eventually(lifted, timeout=60)

        late = Envelope(
            type="erasure.done",
            source="candidates",
            subject=candidate_id,
            data=ack["data"],
        )
        await publish(platform, "privacy.erasure.done", late)

        async def handled():
            return await fetch(
                platform, "privacy", "SELECT 1 FROM inbox WHERE event_id = $1::uuid", late.id
            )

        await eventually(handled, timeout=60)
        for identifier in ({"email": person["email"]}, {"phone": person["phone"]}):
            check = await client.post("/api/privacy/suppression/check", json=identifier)
            assert check.json() == {"suppressed": False}, identifier
