"""The pipeline of an assignment (proposed, interviewing, declined, placed) and corrections of
the contact-moment register, on the real stack."""

import uuid
from datetime import UTC, date, datetime, timedelta

from services.common.topics import CRM_RELATIONS

from .support import (
    assignment,
    contact,
    fields_named,
    find_event,
    organisation,
    record_consent,
    recruiter,
    registered_candidate,
)

NEXT = date.today().year + 1


async def test_a_candidate_moves_through_the_pipeline_only_while_consent_holds(platform):
    candidate = await registered_candidate(platform)
    async with recruiter(platform) as client:
        org = await organisation(client)
        job = await assignment(client, org["id"])
        url = f"/api/crm/assignments/{job['id']}"
        await record_consent(platform, candidate, job["id"])
        proposal = (await client.post(f"{url}/proposals", json={"candidate_id": candidate})).json()
        move = f"{url}/proposals/{proposal['id']}"

        [entry] = (await client.get(f"{url}/pipeline")).json()["entries"]
        assert (entry["candidate_id"], entry["stage"]) == (candidate, "proposed")

        resp = await client.patch(move, json={"stage": "interviewing"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["stage"] == "interviewing"
        replay = await client.patch(move, json={"stage": "interviewing"})
        assert replay.status_code == 200 and replay.json()["stage"] == "interviewing"

        # The candidate withdraws consent: declining is still recorded, going back is not.
        await record_consent(platform, candidate, job["id"], consent=False)
        resp = await client.patch(move, json={"stage": "declined"})
        assert resp.status_code == 200 and resp.json()["stage"] == "declined"
        resp = await client.patch(move, json={"stage": "interviewing"})
        assert resp.status_code == 409 and "consent" in resp.json()["detail"]
        assert (await client.get(f"{url}/pipeline")).json()["entries"][0]["stage"] == "declined"

        await record_consent(platform, candidate, job["id"])
        assert (await client.patch(move, json={"stage": "interviewing"})).status_code == 200
        resp = await client.post(
            f"{url}/placements", json={"candidate_id": candidate, "starts_on": f"{NEXT}-03-01"}
        )
        assert resp.status_code == 201, resp.text
        pipeline = (await client.get(f"{url}/pipeline")).json()
        assert pipeline["status"] == "filled"
        assert [e["stage"] for e in pipeline["entries"]] == ["placed"]
        resp = await client.patch(move, json={"stage": "declined"})
        assert resp.status_code == 409 and "placed" in resp.json()["detail"]

        overview = (
            await client.get("/api/crm/assignment-overview", params={"organisation_id": org["id"]})
        ).json()
        assert overview["total"] == 1
        [row] = overview["items"]
        assert (row["organisation_name"], row["status"], row["proposals"]) == (
            org["name"],
            "filled",
            1,
        )

    moved = await find_event(
        platform,
        CRM_RELATIONS.name,
        lambda e: e.type == "proposal.moved" and e.data.get("proposal_id") == proposal["id"],
    )
    assert moved.subject == candidate and moved.sealed is None
    assert set(moved.data) == {
        "proposal_id",
        "assignment_id",
        "organisation_id",
        "function_type",
        "stage",
    }


async def test_bad_moves_get_a_clear_4xx(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        job = await assignment(client, org["id"])
        url = f"/api/crm/assignments/{job['id']}"
        resp = await client.patch(f"{url}/proposals/{uuid.uuid4()}", json={"stage": "declined"})
        assert resp.status_code == 404
        resp = await client.patch(f"{url}/proposals/{uuid.uuid4()}", json={"stage": "placed"})
        assert resp.status_code == 422 and fields_named(resp) == {"stage"}
        resp = await client.patch(f"{url}/proposals/x", json={"stage": "declined"})
        assert resp.status_code == 422
        resp = await client.get(f"/api/crm/assignments/{uuid.uuid4()}/pipeline")
        assert resp.status_code == 404
        resp = await client.get("/api/crm/assignment-overview", params={"limit": 500})
        assert resp.status_code == 422


async def test_contact_moments_are_corrected_and_deleted(platform):
    now = datetime.now(UTC).replace(microsecond=0)
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
        elsewhere = await contact(client, (await organisation(client))["id"])
        resp = await client.post(
            f"/api/crm/organisations/{org['id']}/contact-moments",
            json={
                "occurred_at": (now - timedelta(days=1)).isoformat(),
                "channel": "phone",
                "report": "Vacature besproken, tiepfout.",
            },
        )
        assert resp.status_code == 201
        url = f"/api/crm/contact-moments/{resp.json()['id']}"

        when = now - timedelta(days=2)
        resp = await client.patch(
            url,
            json={
                "contact_id": person["id"],
                "occurred_at": when.isoformat(),
                "channel": "meeting",
                "report": "Vacature besproken.",
            },
        )
        assert resp.status_code == 200, resp.text
        got = (await client.get(url)).json()
        assert (got["contact_id"], got["channel"], got["report"]) == (
            person["id"],
            "meeting",
            "Vacature besproken.",
        )
        assert datetime.fromisoformat(got["occurred_at"]) == when

        for change, field in (
            ({"occurred_at": (now + timedelta(days=1)).isoformat()}, "occurred_at"),
            ({"occurred_at": "2024-03-01T10:00:00"}, "occurred_at"),
            ({"occurred_at": None}, "occurred_at"),
            ({"channel": "pigeon"}, "channel"),
            ({"contact_id": elsewhere["id"]}, "contact_id"),
            ({"contact_id": str(uuid.uuid4())}, "contact_id"),
            ({"employee_id": "someone-else"}, "employee_id"),
        ):
            resp = await client.patch(url, json=change)
            assert resp.status_code == 422 and fields_named(resp) == {field}, (change, resp.text)
        assert (await client.get(url)).json() == got

        resp = await client.patch(url, json={"contact_id": None, "report": ""})
        assert resp.status_code == 200
        assert (resp.json()["contact_id"], resp.json()["report"]) == (None, None)

        assert (await client.delete(url)).status_code == 204
        assert (await client.get(url)).status_code == 404
        assert (await client.delete(url)).status_code == 404
        assert (await client.patch(url, json={"channel": "email"})).status_code == 404
        listed = await client.get(f"/api/crm/organisations/{org['id']}/contact-moments")
        assert listed.json() == []
