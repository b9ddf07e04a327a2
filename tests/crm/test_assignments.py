"""Assignment agreements with clients, proposals (only with the candidate's consent, as the
candidates service recorded it) and placements."""

import uuid
from datetime import date, timedelta

from tests.helpers import fetch

from .support import (
    assignment,
    fields_named,
    internal,
    organisation,
    record_consent,
    recruiter,
    registered_candidate,
)

NEXT = date.today().year + 1  # agreements for next year: in range whenever the tests run


async def test_assignment_agreement_with_a_client_is_kept_and_summarised_for_services(platform):
    async with recruiter(platform) as client:
        org = await organisation(client, kind="client")
        created = await assignment(
            client,
            org["id"],
            function_type="management_assistant",
            starts_on=f"{NEXT}-01-01",
            ends_on=f"{NEXT}-06-30",
        )
        assert created["status"] == "open"
        assert created["opened_on"] == date.today().isoformat()
        assert created["proposals"] == [] and created["placement"] is None

        listed = (
            await client.get("/api/crm/assignments", params={"organisation_id": org["id"]})
        ).json()
        assert [a["id"] for a in listed] == [created["id"]]

        async with internal(platform, "candidates") as service:
            resp = await service.get(f"/internal/assignments/{created['id']}")
            assert resp.json() == {
                "id": created["id"],
                "status": "open",
                "organisation_id": org["id"],
                "function_type": "management_assistant",
            }
            assert (await service.get(f"/internal/assignments/{uuid.uuid4()}")).status_code == 404
            assert (await service.get("/internal/assignments/x")).status_code == 422

        url = f"/api/crm/assignments/{created['id']}"
        resp = await client.patch(url, json={"status": "cancelled"})
        assert resp.status_code == 200
        assert resp.json()["status"] == "cancelled"
        assert resp.json()["closed_on"] == date.today().isoformat()
        resp = await client.post(f"{url}/proposals", json={"candidate_id": str(uuid.uuid4())})
        assert resp.status_code == 409 and "cancelled" in resp.json()["detail"]
        resp = await client.patch(url, json={"status": "open", "vacancy": "Managementassistent"})
        assert resp.status_code == 200
        assert (resp.json()["status"], resp.json()["closed_on"]) == ("open", None)
        assert resp.json()["vacancy"] == "Managementassistent"


async def test_bad_assignments_get_a_clear_4xx_and_change_nothing(platform):
    async with recruiter(platform) as client:
        org = await organisation(client, kind="client")
        supplier = await organisation(client, kind="supplier")
        base = {"organisation_id": org["id"], "vacancy": "PA", "function_type": "office_manager"}
        cases = [
            ({"starts_on": f"{NEXT}-02-01", "ends_on": f"{NEXT}-01-01"}, {"ends_on"}),
            ({"organisation_id": str(uuid.uuid4())}, {"organisation_id"}),
            ({"organisation_id": supplier["id"]}, {"organisation_id"}),
            ({"organisation_id": "drop table"}, {"organisation_id"}),
            ({"function_type": "astronaut"}, {"function_type"}),
            ({"opened_on": (date.today() + timedelta(days=5)).isoformat()}, {"opened_on"}),
            ({"starts_on": "9999-01-01"}, {"starts_on"}),
            ({"vacancy": ""}, {"vacancy"}),
        ]
        for change, fields in cases:
            resp = await client.post("/api/crm/assignments", json=base | change)
            assert resp.status_code == 422, (change, resp.text)
            assert fields_named(resp) == fields, (change, resp.json())
        assert (
            await client.get("/api/crm/assignments", params={"organisation_id": org["id"]})
        ).json() == []

        created = await assignment(client, org["id"], starts_on=f"{NEXT}-01-01")
        url = f"/api/crm/assignments/{created['id']}"
        resp = await client.patch(url, json={"ends_on": f"{NEXT - 1}-12-31"})
        assert resp.status_code == 422 and fields_named(resp) == {"ends_on"}
        resp = await client.patch(url, json={"status": "filled"})
        assert resp.status_code == 422 and fields_named(resp) == {"status"}
        # A client with agreements cannot quietly become a supplier.
        resp = await client.patch(f"/api/crm/organisations/{org['id']}", json={"kind": "vendor"})
        assert resp.status_code == 422 and fields_named(resp) == {"kind"}
        after = (await client.get(url)).json()
        assert (after["starts_on"], after["ends_on"], after["status"]) == (
            f"{NEXT}-01-01",
            None,
            "open",
        )


async def test_proposal_without_consent_is_refused_and_leaves_no_trace(platform):
    stranger = str(uuid.uuid4())  # the candidates service knows no consent for this id
    async with recruiter(platform) as client:
        org = await organisation(client)
        created = await assignment(client, org["id"])
        url = f"/api/crm/assignments/{created['id']}"
        resp = await client.post(f"{url}/proposals", json={"candidate_id": stranger})
        assert resp.status_code == 409
        assert "consent" in resp.json()["detail"]
        # The caller's word does not count: there is no field to claim consent with.
        resp = await client.post(
            f"{url}/proposals", json={"candidate_id": stranger, "consent": True}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"consent"}
        resp = await client.post(f"{url}/proposals", json={"candidate_id": "../../etc"})
        assert resp.status_code == 422 and fields_named(resp) == {"candidate_id"}
        resp = await client.post(
            f"{url}/placements", json={"candidate_id": stranger, "starts_on": f"{NEXT}-01-01"}
        )
        assert resp.status_code == 409 and "propose" in resp.json()["detail"]
        detail = (await client.get(url)).json()
        assert detail["proposals"] == [] and detail["status"] == "open"
    assert not await fetch(
        platform, "crm", "SELECT 1 FROM proposals WHERE candidate_id = $1", stranger
    )


async def test_consented_candidate_is_proposed_once_and_placed_once(platform):
    candidate = await registered_candidate(platform)
    other = await registered_candidate(platform)
    async with recruiter(platform) as client:
        org = await organisation(client)
        first = await assignment(
            client, org["id"], starts_on=f"{NEXT + 1}-01-01", ends_on=f"{NEXT + 1}-12-31"
        )
        second = await assignment(client, org["id"])
        url = f"/api/crm/assignments/{first['id']}"

        # A profile is not enough: consent is per assignment.
        resp = await client.post(f"{url}/proposals", json={"candidate_id": candidate})
        assert resp.status_code == 409

        for who in (candidate, other):
            await record_consent(platform, who, first["id"])
        await record_consent(platform, candidate, second["id"])
        resp = await client.post(f"{url}/proposals", json={"candidate_id": candidate})
        assert resp.status_code == 201, resp.text
        proposal = resp.json()
        replay = await client.post(f"{url}/proposals", json={"candidate_id": candidate})
        assert replay.status_code == 200 and replay.json()["id"] == proposal["id"]
        resp = await client.post(f"{url}/proposals", json={"candidate_id": other})
        assert resp.status_code == 201

        placement = {
            "candidate_id": candidate,
            "starts_on": f"{NEXT + 1}-02-01",
            "ends_on": f"{NEXT + 1}-01-01",
        }
        resp = await client.post(f"{url}/placements", json=placement)
        assert resp.status_code == 422 and fields_named(resp) == {"ends_on"}
        resp = await client.post(
            f"{url}/placements", json=placement | {"starts_on": f"{NEXT}-06-01", "ends_on": None}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"starts_on"}
        placement["ends_on"] = f"{NEXT + 1}-08-31"
        resp = await client.post(f"{url}/placements", json=placement)
        assert resp.status_code == 201, resp.text
        replay = await client.post(f"{url}/placements", json=placement)
        assert replay.status_code == 200 and replay.json()["id"] == resp.json()["id"]
        resp = await client.post(f"{url}/placements", json=placement | {"candidate_id": other})
        assert resp.status_code == 409

        detail = (await client.get(url)).json()
        assert detail["status"] == "filled"
        assert {p["candidate_id"] for p in detail["proposals"]} == {candidate, other}
        assert detail["placement"]["candidate_id"] == candidate
        resp = await client.patch(url, json={"status": "cancelled"})
        assert resp.status_code == 409

        # The same person cannot be placed twice in overlapping periods.
        url2 = f"/api/crm/assignments/{second['id']}"
        assert (
            await client.post(f"{url2}/proposals", json={"candidate_id": candidate})
        ).status_code == 201
        resp = await client.post(
            f"{url2}/placements",
            json={"candidate_id": candidate, "starts_on": f"{NEXT + 1}-08-01", "ends_on": None},
        )
        assert resp.status_code == 409 and first["id"] in resp.json()["detail"]
        resp = await client.post(
            f"{url2}/placements", json={"candidate_id": candidate, "starts_on": f"{NEXT + 1}-09-01"}
        )
        assert resp.status_code == 201
