"""The candidate side of the privacy requests: rectification with the old value gone,
access with the complete slice, erasure of everything with a tombstone and a receipt."""

import json
import random
import string

import httpx

from services.common.envelope import new_id
from tests.candidates.support import crm_assignment, events, open_sealed, person
from tests.helpers import as_employee, eventually, fetch

CHECK = {
    "work_situation": "Werkt bij Heineken",
    "interested": True,
    "consent": True,
    "share": ["name"],
}


def word() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=10))


async def answer(platform, topic, subject, request_id):
    async def queued():
        return [
            e
            for e in await events(platform, topic, subject)
            if e["data"].get("request_id") == request_id
        ]

    return (await eventually(queued, timeout=60))[0]


async def test_rectification_overwrites_the_old_value_and_keeps_no_copy(platform, bus, recruiter):
    old, new = "Oud" + word(), "Nieuw" + word()
    cid = await bus.handoff(person(last_name=old))
    request_id = new_id()
    await bus.publish(
        "privacy.rectification",
        "rectification.requested",
        cid,
        {"request_id": request_id},
        {
            "changes": {
                "last_name": new,
                "address.postcode": "1016 AB",
                "birth_date": "geen datum",
                "salary": 100,
                "consent.accepted": False,
            }
        },
        source="privacy",
    )
    done = await answer(platform, "privacy.rectification.done", cid, request_id)
    assert done["type"] == "rectification.done"
    assert done["data"]["applied"] == ["last_name", "address.postcode"]
    assert sorted(done["data"]["rejected"]) == ["birth_date", "consent.accepted", "salary"]
    assert done["sealed"] is None and old not in json.dumps(done)

    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert body["last_name"] == new and body["address"]["postcode"] == "1016 AB"
    # The old value is nowhere in the service's tables: not in the profile, not in the
    # search index, not in any event it queued.
    for table in (
        "candidates",
        "candidate_search",
        "notes",
        "placement_checks",
        "client_exports",
        "cv_texts",
    ):
        rows = await fetch(
            platform, "candidates", f"SELECT 1 FROM {table} t WHERE t::text ILIKE $1", f"%{old}%"
        )
        assert not rows, table
    assert not await fetch(
        platform,
        "candidates",
        "SELECT 1 FROM outbox WHERE convert_from(payload, 'UTF8') ILIKE $1",
        f"%{old}%",
    )
    found = await recruiter.post("/api/candidates/search", json={"query": old})
    assert found.json()["total"] == 0
    found = await recruiter.post("/api/candidates/search", json={"query": new})
    assert [i["id"] for i in found.json()["items"]] == [cid]
    rectified = [
        e
        for e in await events(platform, "candidates.profiles", cid)
        if e["type"] == "profile.rectified"
    ]
    assert rectified[0]["data"]["fields"] == ["last_name", "address.postcode"]


async def test_rectification_for_someone_else_is_left_to_its_owner(platform, bus):
    contact, request_id = new_id(), new_id()
    event = await bus.publish(
        "privacy.rectification",
        "rectification.requested",
        contact,
        {"request_id": request_id, "subject_kind": "contact"},
        {"changes": {"last_name": "X"}},
        source="privacy",
    )

    async def handled():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM inbox WHERE event_id = $1", event.id
        )

    await eventually(handled, timeout=60)
    assert not await events(platform, "privacy.rectification.done", contact)


async def test_access_request_gets_the_complete_slice_sealed(platform, bus, recruiter):
    reg = person()
    cid, aid = await bus.handoff(reg), await crm_assignment(bus.platform)
    await bus.cv(cid, "Ervaren directiesecretaresse met oog voor detail.")
    await recruiter.post(f"/api/candidates/{cid}/notes", json={"text": "Intakegesprek gevoerd"})
    await recruiter.put(f"/api/candidates/{cid}/placements/{aid}", json={"stage": "contacted"})
    await recruiter.post(f"/api/candidates/{cid}/placements/{aid}/checks", json=CHECK)
    await recruiter.post(f"/api/candidates/{cid}/placements/{aid}/export")

    async def cv_indexed():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM cv_texts WHERE candidate_id = $1", cid
        )

    await eventually(cv_indexed, timeout=60)
    request_id = new_id()
    await bus.publish(
        "privacy.access",
        "access.requested",
        cid,
        {"request_id": request_id, "export_bucket": "exports", "export_prefix": f"{request_id}/"},
        source="privacy",
    )
    reply = await answer(platform, "privacy.access.slices", cid, request_id)
    assert reply["type"] == "access.slice"
    assert reply["data"] == {"request_id": request_id, "service": "candidates", "files": []}
    assert reg["email"] not in json.dumps(reply)

    key = await bus.keys.get(cid)
    part = open_sealed(key, reply["sealed"], cid)["slice"]
    assert part["profile"]["email"] == reg["email"] and part["status"] == "active"
    assert part["profile"]["work_experience"] == reg["work_experience"]
    assert [n["text"] for n in part["notes"]] == ["Intakegesprek gevoerd"]
    assert [p["stage"] for p in part["placements"]] == ["contacted"]
    assert [c["consent"] for c in part["placement_checks"]] == [True]
    assert [e["sections"] for e in part["client_exports"]] == [["name"]]
    assert "directiesecretaresse" in part["cv_texts"][0]["text"]


async def test_erasure_deletes_everything_keeps_a_tombstone_and_drops_late_events(
    platform, bus, recruiter
):
    name = "Wis" + word()
    cid, aid = await bus.handoff(person(last_name=name)), await crm_assignment(bus.platform)
    await bus.cv(cid, "Eerste cv")
    await bus.cv(cid, "Tweede cv")
    await recruiter.post(f"/api/candidates/{cid}/notes", json={"text": "Gesprek"})
    await recruiter.put(f"/api/candidates/{cid}/placements/{aid}", json={"stage": "contacted"})
    await recruiter.post(f"/api/candidates/{cid}/placements/{aid}/checks", json=CHECK)
    await recruiter.post(f"/api/candidates/{cid}/placements/{aid}/export")

    async def cvs_indexed():
        rows = await fetch(
            platform,
            "candidates",
            "SELECT count(*) AS n FROM cv_texts WHERE candidate_id = $1",
            cid,
        )
        return rows[0]["n"] == 2

    await eventually(cvs_indexed, timeout=60)
    request_id = new_id()
    erase = {"request_id": request_id, "subject_kind": "candidate"}
    await bus.publish("privacy.erasure", "erasure.requested", cid, erase, source="privacy")
    done = await answer(platform, "privacy.erasure.done", cid, request_id)
    assert done["data"]["service"] == "candidates"
    assert done["data"]["deleted"] == {
        "profiles": 1,
        "notes": 1,
        "placements": 1,
        "placement_checks": 1,
        "client_exports": 1,
        "cv_texts": 2,
    }

    for table, column in (
        ("candidates", "id"),
        ("notes", "candidate_id"),
        ("placements", "candidate_id"),
        ("placement_checks", "candidate_id"),
        ("client_exports", "candidate_id"),
        ("cv_texts", "candidate_id"),
    ):
        assert not await fetch(
            platform, "candidates", f"SELECT 1 FROM {table} WHERE {column} = $1", cid
        ), table
    assert await fetch(platform, "candidates", "SELECT 1 FROM tombstones WHERE subject = $1", cid)
    resp = await recruiter.get(f"/api/candidates/{cid}")
    assert resp.status_code == 410
    assert (await recruiter.post("/api/candidates/search", json={"query": name})).json()[
        "total"
    ] == 0

    # Replayed erasure: acknowledged again, nothing breaks. Late hand-off and CV: dropped.
    again = new_id()
    await bus.publish(
        "privacy.erasure",
        "erasure.requested",
        cid,
        {"request_id": again, "subject_kind": "candidate"},
        source="privacy",
    )
    late_reg = await bus.publish(
        "intake.registrations",
        "registration.accepted",
        cid,
        {"registration_id": new_id(), "existing": True, "files": []},
        person(last_name=name),
        source="intake",
    )
    await bus.cv(cid, "Te laat cv")
    redo = await answer(platform, "privacy.erasure.done", cid, again)
    assert redo["data"]["deleted"] == {"profiles": 0}

    async def late_events_handled():
        rows = await fetch(
            platform,
            "candidates",
            "SELECT count(*) AS n FROM inbox WHERE event_id = $1",
            late_reg.id,
        )
        return rows[0]["n"] == 1

    await eventually(late_events_handled, timeout=60)
    assert not await fetch(platform, "candidates", "SELECT 1 FROM candidates WHERE id = $1", cid)
    assert not await fetch(
        platform, "candidates", "SELECT 1 FROM cv_texts WHERE candidate_id = $1", cid
    )

    # An access request after erasure says so, and holds nothing.
    access_id = new_id()
    await bus.publish(
        "privacy.access",
        "access.requested",
        cid,
        {"request_id": access_id, "export_bucket": "exports", "export_prefix": f"{access_id}/"},
        source="privacy",
    )
    reply = await answer(platform, "privacy.access.slices", cid, access_id)
    assert reply["data"]["erased"] is True and reply["sealed"] is None


async def test_erasure_through_the_privacy_service_leaves_no_trace(platform, bus):
    name = "Vergeet" + word()
    cid = await bus.handoff(person(last_name=name))
    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": {"candidate_id": cid}}
        )
        assert resp.status_code in (200, 201, 202), resp.text

    async def gone():
        return not await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id = $1", cid
        )

    await eventually(gone, timeout=90)
    rows = await fetch(
        platform, "candidates", "SELECT 1 FROM candidates c WHERE c::text ILIKE $1", f"%{name}%"
    )
    assert not rows
