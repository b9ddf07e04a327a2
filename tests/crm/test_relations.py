"""Business relations: organisations, contact persons and the register of contact moments."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from services.common.keys import blind_index
from tests.helpers import as_employee

from .support import contact, fields_named, internal, organisation, recruiter, unique


async def test_recruiter_records_an_organisation_with_its_contact_persons(platform):
    async with recruiter(platform) as client:
        org = await organisation(client, kind="supplier")
        first = await contact(client, org["id"], function="Inkoper")
        second = await contact(client, org["id"], name="Ahmed El Amrani", email=None, phone=None)

        resp = await client.get(f"/api/crm/organisations/{org['id']}")
        assert resp.status_code == 200
        body = resp.json()
        assert body["kind"] == "supplier"
        assert {c["id"] for c in body["contacts"]} == {first["id"], second["id"]}

        resp = await client.get(f"/api/crm/contacts/{first['id']}")
        assert resp.json()["function"] == "Inkoper"
        assert resp.json()["email"] == first["email"]

        resp = await client.patch(
            f"/api/crm/contacts/{second['id']}", json={"function": "Office manager"}
        )
        assert resp.status_code == 200
        assert resp.json()["function"] == "Office manager"
        assert resp.json()["name"] == "Ahmed El Amrani"

        listed = (await client.get("/api/crm/organisations", params={"kind": "supplier"})).json()
        assert org["id"] in {o["id"] for o in listed["items"]}
        assert all(o["kind"] == "supplier" for o in listed["items"])


async def test_invalid_organisations_and_contacts_get_a_clear_4xx_naming_the_field(platform):
    async with recruiter(platform) as client:
        resp = await client.post(
            "/api/crm/organisations", json={"name": "Bakker BV", "kind": "friend"}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"kind"}
        resp = await client.post(
            "/api/crm/organisations", json={"name": "x" * 5000, "kind": "client"}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"name"}
        resp = await client.post("/api/crm/organisations", json={"name": ["a"], "kind": 7})
        assert resp.status_code == 422 and fields_named(resp) == {"name", "kind"}
        resp = await client.post(
            "/api/crm/organisations", json={"name": "Bakker", "kind": "client", "owner": "x"}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"owner"}
        resp = await client.post(
            "/api/crm/organisations",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert resp.status_code == 422

        org = await organisation(client)
        resp = await client.post(
            f"/api/crm/organisations/{org['id']}/contacts",
            json={"name": "Piet", "email": "geen-adres", "phone": "bel me"},
        )
        assert resp.status_code == 422 and fields_named(resp) == {"email", "phone"}
        # Text PostgreSQL cannot hold is refused up front, not a 500 from the database.
        resp = await client.post(
            f"/api/crm/organisations/{org['id']}/contacts", json={"name": "Piet\u0000"}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"name"}
        resp = await client.post(
            f"/api/crm/organisations/{org['id']}/contact-moments",
            content=b'{"occurred_at": "2024-01-01T10:00:00Z", "channel": "email",'
            b' "report": "kapot \\ud800"}',
            headers={"content-type": "application/json"},
        )
        assert resp.status_code == 422 and fields_named(resp) == {"report"}
        resp = await client.patch(f"/api/crm/organisations/{org['id']}", json={"kind": None})
        assert resp.status_code == 422 and fields_named(resp) == {"kind"}
        # Nothing of the rejected requests was stored.
        body = (await client.get(f"/api/crm/organisations/{org['id']}")).json()
        assert body["contacts"] == [] and body["kind"] == "client"


async def test_unknown_and_malformed_ids_are_answered_404_or_422_never_500(platform):
    unknown = str(uuid.uuid4())
    async with recruiter(platform) as client:
        for path in (
            f"/api/crm/organisations/{unknown}",
            f"/api/crm/contacts/{unknown}",
            f"/api/crm/assignments/{unknown}",
            f"/api/crm/contacts/{unknown}/contact-moments",
            f"/api/crm/organisations/{unknown}/contact-moments",
        ):
            assert (await client.get(path)).status_code == 404, path
            resp = await client.get(path.replace(unknown, "not-a-uuid'--"))
            assert resp.status_code == 422, path
        resp = await client.post(
            f"/api/crm/organisations/{unknown}/contacts", json={"name": "Piet de Boer"}
        )
        assert resp.status_code == 404
        resp = await client.patch(f"/api/crm/contacts/{unknown}", json={"function": "CEO"})
        assert resp.status_code == 404
        resp = await client.get("/api/crm/organisations", params={"limit": 10**9})
        assert resp.status_code == 422 and fields_named(resp) == {"limit"}


async def test_only_recruiters_and_admins_reach_the_relations(platform):
    base = platform.url("crm")
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/api/crm/organisations")).status_code == 401
        officer = as_employee(platform, "privacy_officer")
        assert (await client.get("/api/crm/organisations", headers=officer)).status_code == 403
        admin = as_employee(platform, "admin")
        assert (await client.get("/api/crm/organisations", headers=admin)).status_code == 200
        forged = as_employee(platform, "recruiter") | {"X-Service-Token": "guess"}
        assert (await client.get("/api/crm/organisations", headers=forged)).status_code == 401
        resp = await client.post("/internal/contacts/lookup", json={"email_hash": "0" * 64})
        assert resp.status_code == 401


async def test_contact_moments_are_registered_per_organisation_and_per_contact(platform):
    now = datetime.now(UTC).replace(microsecond=0)
    async with recruiter(platform, user="recruiter-anna") as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
        other = await contact(client, org["id"])
        moments = []
        for when, channel, who, report in (
            (now - timedelta(days=3), "phone", person["id"], "Vacature besproken."),
            (now - timedelta(days=2), "meeting", None, "Kennismaking met het team."),
            (now - timedelta(days=1), "email", other["id"], "Offerte gestuurd."),
        ):
            resp = await client.post(
                f"/api/crm/organisations/{org['id']}/contact-moments",
                json={
                    "contact_id": who,
                    "occurred_at": when.isoformat(),
                    "channel": channel,
                    "report": report,
                },
            )
            assert resp.status_code == 201, resp.text
            moments.append(resp.json())
        assert all(m["employee_id"] == "recruiter-anna" for m in moments)

        per_org = (await client.get(f"/api/crm/organisations/{org['id']}/contact-moments")).json()
        assert [m["id"] for m in per_org] == [m["id"] for m in reversed(moments)]
        per_person = (await client.get(f"/api/crm/contacts/{person['id']}/contact-moments")).json()
        assert [(m["channel"], m["report"]) for m in per_person] == [
            ("phone", "Vacature besproken.")
        ]


async def test_contact_moments_in_the_future_or_with_someone_elses_contact_are_refused(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        elsewhere = await contact(client, (await organisation(client))["id"])
        url = f"/api/crm/organisations/{org['id']}/contact-moments"
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        resp = await client.post(url, json={"occurred_at": tomorrow, "channel": "phone"})
        assert resp.status_code == 422 and fields_named(resp) == {"occurred_at"}
        resp = await client.post(
            url,
            json={
                "occurred_at": datetime.now(UTC).isoformat(),
                "channel": "phone",
                "contact_id": elsewhere["id"],
            },
        )
        assert resp.status_code == 422 and fields_named(resp) == {"contact_id"}
        resp = await client.post(
            url, json={"occurred_at": "2024-02-30T10:00:00+01:00", "channel": "pigeon"}
        )
        assert resp.status_code == 422 and fields_named(resp) == {"occurred_at", "channel"}
        assert (await client.get(f"{url}")).json() == []


async def test_privacy_finds_a_contact_by_the_blind_index_of_the_email(platform):
    email = f"{unique('Lookup').split()[1]}@relatie.example.nl"
    async with recruiter(platform) as client:
        org = await organisation(client, kind="referee")
        person = await contact(client, org["id"], email=email.upper())
    index_key = platform.env["BLIND_INDEX_KEY"]
    async with internal(platform) as client:
        resp = await client.post(
            "/internal/contacts/lookup", json={"email_hash": blind_index(index_key, "email", email)}
        )
        assert resp.status_code == 200
        assert resp.json() == {"contact_id": person["id"]}
        resp = await client.post(
            "/internal/contacts/lookup",
            json={"email_hash": blind_index(index_key, "email", "niemand@example.nl")},
        )
        assert resp.status_code == 404
        resp = await client.post("/internal/contacts/lookup", json={"email_hash": email})
        assert resp.status_code == 422
