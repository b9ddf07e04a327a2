"""Notes, placement involvement and the placement procedure: a profile goes to a client only
with the candidate's consent for that assignment, and only what they agreed to share."""

import json

import httpx

from services.common.envelope import new_id
from tests.candidates.support import crm_assignment, events, person
from tests.helpers import as_service, eventually, fetch

CHECK = {
    "work_situation": "Werkt 32 uur bij Heineken, zoekt een nieuwe uitdaging",
    "available_from": "2027-02-01",
    "hours_per_week": 32,
    "interested": True,
}


async def consent_for(platform, cid, aid):
    async with httpx.AsyncClient(headers=as_service(platform, "crm")) as client:
        return await client.get(
            f"{platform.url('candidates')}/internal/candidates/{cid}/consent/{aid}"
        )


async def test_export_is_refused_without_consent_and_holds_only_what_was_agreed(
    platform, bus, recruiter
):
    reg = person()
    cid = await bus.handoff(reg)
    aid, other = await crm_assignment(platform), await crm_assignment(platform)
    export = f"/api/candidates/{cid}/placements/{aid}/export"
    checks = f"/api/candidates/{cid}/placements/{aid}/checks"

    assert (await recruiter.post(export)).status_code == 409  # nothing checked yet
    resp = await recruiter.post(checks, json=CHECK | {"consent": False})
    assert resp.status_code == 201, resp.text
    assert (await recruiter.post(export)).status_code == 409

    share = ["name", "work_experience", "availability"]
    resp = await recruiter.post(checks, json=CHECK | {"consent": True, "share": share})
    assert resp.status_code == 201
    check = resp.json()
    assert check["consent"] and check["checked_by"] == recruiter.headers["X-Actor-Id"]

    resp = await recruiter.post(export)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["sections"] == share and body["check_id"] == check["id"]
    shared = body["profile"]
    assert set(shared) == {
        "candidate_ref",
        "first_name",
        "last_name",
        "work_experience",
        "availability",
        "leave",
    }
    assert shared["work_experience"] == reg["work_experience"]
    assert reg["email"] not in json.dumps(body) and reg["phone"] not in json.dumps(body)

    # Consent is per assignment, and a later check can withdraw it.
    elsewhere = f"/api/candidates/{cid}/placements/{other}/export"
    assert (await recruiter.post(elsewhere)).status_code == 409
    await recruiter.post(checks, json=CHECK | {"consent": False})
    assert (await recruiter.post(export)).status_code == 409

    register = await fetch(
        platform, "candidates", "SELECT sections FROM client_exports WHERE candidate_id = $1", cid
    )
    assert [list(r["sections"]) for r in register] == [share]
    shared_events = [
        e
        for e in await events(platform, "candidates.profiles", cid)
        if e["type"] == "profile.shared"
    ]
    assert shared_events[0]["data"]["assignment_id"] == aid
    audits = [e["data"]["action"] for e in await events(platform, "ops.audit", cid)]
    assert audits == ["candidate.export"]


async def test_proposing_needs_recorded_consent_which_crm_can_check(platform, bus, recruiter):
    cid, aid = await bus.handoff(person()), await crm_assignment(bus.platform)
    placement = f"/api/candidates/{cid}/placements/{aid}"

    resp = await recruiter.put(placement, json={"stage": "shortlisted"})
    assert resp.status_code == 200, resp.text
    assert (await recruiter.put(placement, json={"stage": "proposed"})).status_code == 409
    resp = await consent_for(platform, cid, aid)
    assert resp.status_code == 200 and resp.json() == {
        "consent": False,
        "checked_at": None,
        "share": [],
    }

    await recruiter.post(
        f"{placement}/checks", json=CHECK | {"consent": True, "share": ["name", "education"]}
    )
    consent = (await consent_for(platform, cid, aid)).json()
    assert consent["consent"] is True and consent["checked_at"]
    assert (await recruiter.put(placement, json={"stage": "proposed"})).status_code == 200

    listed = (await recruiter.get(f"/api/candidates/{cid}/placements")).json()
    assert [(p["assignment_id"], p["stage"], p["check"]["consent"]) for p in listed] == [
        (aid, "proposed", True)
    ]
    kinds = [e["type"] for e in await events(platform, "candidates.profiles", cid)]
    assert kinds.count("placement.updated") == 2 and "placement.checked" in kinds
    assert "Heineken" not in json.dumps(await events(platform, "candidates.profiles", cid))

    assert (await recruiter.put(placement, json={"stage": "hired!"})).status_code == 422
    nowhere = await recruiter.put(
        f"/api/candidates/{cid}/placements/{new_id()}", json={"stage": "shortlisted"}
    )
    assert nowhere.status_code == 404 and "assignment" in nowhere.json()["detail"]
    bad = await recruiter.put(f"/api/candidates/{cid}/placements/12", json={"stage": "shortlisted"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "assignment_id"
    assert (await consent_for(platform, new_id(), aid)).status_code == 404
    assert (await consent_for(platform, "x", aid)).status_code == 422


async def test_placement_check_must_be_complete_and_specific(bus, recruiter):
    cid = await bus.handoff(person())
    url = f"/api/candidates/{cid}/placements/{new_id()}/checks"
    for body, field in (
        (
            {k: v for k, v in CHECK.items() if k != "work_situation"} | {"consent": False},
            "work_situation",
        ),
        (CHECK, "consent"),
        (CHECK | {"consent": True, "share": ["name", "salary"]}, "share.1"),
        (CHECK | {"hours_per_week": 500, "consent": False}, "hours_per_week"),
    ):
        resp = await recruiter.post(url, json=body)
        assert resp.status_code == 422, body
        assert resp.json()["errors"][0]["field"] == field, resp.json()
    resp = await recruiter.post(url, json=CHECK | {"consent": True})
    assert resp.status_code == 422 and "share" in resp.json()["errors"][0]["message"]
    resp = await recruiter.post(
        url, json=CHECK | {"interested": False, "consent": True, "share": ["name"]}
    )
    assert resp.status_code == 422 and "interest" in resp.json()["errors"][0]["message"]


async def test_conversation_notes_keep_author_and_time(platform, bus, recruiter):
    cid = await bus.handoff(person())
    url = f"/api/candidates/{cid}/notes"
    first = await recruiter.post(url, json={"text": "Telefonisch gesproken over de vacature."})
    assert first.status_code == 201, first.text
    await recruiter.post(url, json={"text": "Tweede gesprek: wil max 32 uur."})
    notes = (await recruiter.get(url)).json()
    assert [n["text"] for n in notes] == [
        "Telefonisch gesproken over de vacature.",
        "Tweede gesprek: wil max 32 uur.",
    ]
    assert all(n["author"] == recruiter.headers["X-Actor-Id"] and n["created_at"] for n in notes)

    assert (await recruiter.post(url, json={"text": "  "})).status_code == 422
    assert (await recruiter.post(url, json={"text": "x" * 20_001})).status_code == 422
    assert (await recruiter.post(url, json={"text": 5})).status_code == 422
    assert (
        await recruiter.post(f"/api/candidates/{new_id()}/notes", json={"text": "x"})
    ).status_code == 404
    added = [
        e for e in await events(platform, "candidates.profiles", cid) if e["type"] == "note.added"
    ]
    assert len(added) == 2 and "vacature" not in json.dumps(added)


async def test_unsubscribed_candidate_is_not_approached_or_proposed(platform, bus, recruiter):
    cid, aid = await bus.handoff(person()), await crm_assignment(bus.platform)
    checks = f"/api/candidates/{cid}/placements/{aid}/checks"
    export = f"/api/candidates/{cid}/placements/{aid}/export"
    await recruiter.post(checks, json=CHECK | {"consent": True, "share": ["name"]})
    assert (await consent_for(platform, cid, aid)).json()["consent"] is True

    await bus.publish(
        "privacy.requests", "subject.unsubscribed", cid, {"request_id": new_id()}, source="privacy"
    )

    async def unsubscribed():
        return (await recruiter.get(f"/api/candidates/{cid}")).json()["status"] == "unsubscribed"

    await eventually(unsubscribed, timeout=60)
    assert (await consent_for(platform, cid, aid)).json()["consent"] is False
    assert (await recruiter.post(export)).status_code == 409
    assert (await recruiter.post(checks, json=CHECK | {"consent": False})).status_code == 409

    # A new explicit registration lifts the suppression: approachable again.
    await bus.publish(
        "privacy.requests", "suppression.lifted", cid, {"request_id": new_id()}, source="privacy"
    )

    async def active():
        return (await recruiter.get(f"/api/candidates/{cid}")).json()["status"] == "active"

    await eventually(active, timeout=60)
    assert (await recruiter.post(export)).status_code == 200


async def test_the_sections_a_candidate_can_share_are_listed_for_the_profile_page(recruiter):
    listed = await recruiter.get("/api/candidates/share-sections")
    assert listed.status_code == 200
    assert {"name", "contact", "work_experience", "references"} <= set(listed.json()["items"])
