"""A recruiter adds, changes and removes single entries of a profile's list sections; each
change is validated like a whole profile, locks the row, and is an event without values."""

import json

from services.common.envelope import new_id
from tests.candidates.support import events, person


async def test_recruiter_adds_changes_and_removes_a_reference(platform, bus, recruiter):
    cid = await bus.handoff(person())
    base = f"/api/candidates/{cid}/entries/references"
    added = await recruiter.post(
        base, json={"name": "Marieke Bos", "organisation": "ING", "relation": "teamleider"}
    )
    assert added.status_code == 201, added.text
    refs = added.json()["references"]
    assert [r["name"] for r in refs] == ["Pieter Jansen", "Marieke Bos"]

    changed = await recruiter.put(f"{base}/1", json={"name": "Marieke Bos-de Wit"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["references"][1] == {"name": "Marieke Bos-de Wit"}

    removed = await recruiter.delete(f"{base}/0")
    assert removed.status_code == 200, removed.text
    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert [r["name"] for r in body["references"]] == ["Marieke Bos-de Wit"]

    updates = [
        e
        for e in await events(platform, "candidates.profiles", cid)
        if e["type"] == "profile.updated"
    ]
    assert [e["data"]["fields"] for e in updates] == [["references"]] * 3
    assert "Marieke" not in json.dumps(updates)


async def test_every_list_section_takes_an_entry(platform, bus, recruiter):
    cid = await bus.handoff(person())
    entries = {
        "education": {"level": "mbo", "institution": "ROC", "completed": True},
        "internships": {"organisation": "Gemeente", "role": "stagiair"},
        "work_experience": {"employer": "KLM", "role": "Office manager", "start": "2020-01-01"},
        "trainings": {"name": "Excel gevorderd", "year": 2022},
        "tests": {"name": "Taaltoets", "result": "goed"},
        "leave": {"start": "2027-07-01", "end": "2027-07-21", "reason": "vakantie"},
        "testimonials": {"author": "KLM", "text": "Zeer zelfstandig"},
    }
    for section, entry in entries.items():
        resp = await recruiter.post(f"/api/candidates/{cid}/entries/{section}", json=entry)
        assert resp.status_code == 201, (section, resp.text)
        assert resp.json()[section][-1] == entry
    # The derived search columns follow: the new job counts for search.
    found = await recruiter.post("/api/candidates/search", json={"query": "KLM"})
    assert cid in [i["id"] for i in found.json()["items"]]


async def test_bad_entry_requests_get_a_clear_4xx_and_change_nothing(platform, bus, recruiter):
    reg = person()
    cid = await bus.handoff(reg)
    base = f"/api/candidates/{cid}/entries"

    resp = await recruiter.post(f"{base}/references", json={"email": "geen-email"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "references.1.email"
    resp = await recruiter.post(f"{base}/trainings", json={"provider": "zonder naam"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "trainings.1.name"
    assert (await recruiter.post(f"{base}/salary", json={"x": 1})).status_code == 422
    assert (await recruiter.post(f"{base}/leave", json={"start": "morgen"})).status_code == 422
    assert (await recruiter.put(f"{base}/references/5", json={"name": "X"})).status_code == 404
    assert (await recruiter.delete(f"{base}/references/-1")).status_code == 422
    assert (await recruiter.put(f"{base}/references/0", json=["x"])).status_code == 422
    unknown = f"/api/candidates/{new_id()}/entries/references"
    assert (await recruiter.post(unknown, json={"name": "X"})).status_code == 404

    body = (await recruiter.get(f"/api/candidates/{cid}")).json()
    assert body["references"] == reg["references"]
    assert body["trainings"] == reg["trainings"]
