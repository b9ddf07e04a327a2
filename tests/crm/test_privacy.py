"""Contacts (and referees) are data subjects: erasure, access, rectification, unsubscription."""

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import httpx

from services.common import keys
from services.common.envelope import Envelope, new_id
from services.common.keys import blind_index
from tests.helpers import as_employee, eventually, fetch, subject_key

from .support import (
    assignment,
    contact,
    erase,
    find_event,
    internal,
    organisation,
    publish,
    record_consent,
    recruiter,
    registered_candidate,
)


def crm_counts(request: dict) -> dict:
    """What the crm reported deleting for a completed erasure request."""
    return next(p for p in request["progress"] if p["service"] == "crm")["result"]


async def moment(client, org_id: str, contact_id: str | None, report: str, days_ago: int) -> dict:
    resp = await client.post(
        f"/api/crm/organisations/{org_id}/contact-moments",
        json={
            "contact_id": contact_id,
            "occurred_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
            "channel": "phone",
            "report": report,
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


async def everything_crm_stores(platform) -> str:
    """Every text the crm database holds, events in its outbox included."""
    rows = await fetch(
        platform,
        "crm",
        "SELECT string_agg(t::text, ' ') AS all FROM ("
        " SELECT row_to_json(c)::text AS t FROM contacts c"
        " UNION ALL SELECT row_to_json(m)::text FROM contact_moments m"
        " UNION ALL SELECT row_to_json(o)::text FROM organisations o"
        " UNION ALL SELECT convert_from(payload, 'UTF8') FROM outbox) AS x",
    )
    return (rows[0]["all"] or "").lower()


async def test_erasure_of_a_contact_deletes_their_data_and_keeps_organisation_and_register(
    platform,
):
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"], name="Wilhelmina Oosterhuis-Kramer")
        colleague = await contact(client, org["id"], name="Joost Verbeek")
        own = await moment(client, org["id"], person["id"], "Sprak over haar nieuwe baan.", 5)
        about = await moment(
            client,
            org["id"],
            colleague["id"],
            f"Joost neemt het over van wilhelmina oosterhuis-kramer ({person['email']},"
            f" 06-{person['phone'][-8:]}).",
            4,
        )
        general = await moment(client, org["id"], None, "Jaargesprek met de directie.", 3)
        before = await client.get("/api/crm/statistics")

    body = await erase(platform, {"contact_id": person["id"]})
    crm = crm_counts(body)
    assert crm["contacts"] == 1
    assert crm["contact_moments_emptied"] == 1
    assert crm["reports_redacted"] == 1

    async with recruiter(platform) as client:
        assert (await client.get(f"/api/crm/contacts/{person['id']}")).status_code == 404
        kept = (await client.get(f"/api/crm/organisations/{org['id']}")).json()
        assert [c["id"] for c in kept["contacts"]] == [colleague["id"]]
        register = {
            m["id"]: m
            for m in (
                await client.get(f"/api/crm/organisations/{org['id']}/contact-moments")
            ).json()
        }
        assert set(register) == {own["id"], about["id"], general["id"]}
        assert register[own["id"]]["contact_id"] is None
        assert register[own["id"]]["report"] is None
        assert register[own["id"]]["occurred_at"] == own["occurred_at"]
        assert register[about["id"]]["report"] == (
            "Joost neemt het over van [verwijderd] ([verwijderd], [verwijderd])."
        )
        assert register[general["id"]]["report"] == "Jaargesprek met de directie."
        assert (await client.get("/api/crm/statistics")).json() == before.json()

        # Late changes about the erased contact find nothing to change.
        resp = await client.patch(f"/api/crm/contacts/{person['id']}", json={"function": "CEO"})
        assert resp.status_code == 404
        resp = await client.post(
            f"/api/crm/organisations/{org['id']}/contact-moments",
            json={
                "contact_id": person["id"],
                "occurred_at": datetime.now(UTC).isoformat(),
                "channel": "email",
            },
        )
        assert resp.status_code == 422

    stored = await everything_crm_stores(platform)
    for identifier in ("oosterhuis", person["email"], person["phone"], "haar nieuwe baan"):
        assert identifier not in stored, identifier
    assert await fetch(platform, "crm", "SELECT 1 FROM tombstones WHERE subject = $1", person["id"])
    async with internal(platform) as service:
        resp = await service.post(
            "/internal/contacts/lookup",
            json={
                "email_hash": blind_index(platform.env["BLIND_INDEX_KEY"], "email", person["email"])
            },
        )
        assert resp.status_code == 404
        resp = await service.post(
            "/internal/scan",
            json={
                "subject": person["id"],
                "email_hash": blind_index(
                    platform.env["BLIND_INDEX_KEY"], "email", person["email"]
                ),
                "phone_hash": blind_index(
                    platform.env["BLIND_INDEX_KEY"], "phone", person["phone"]
                ),
            },
        )
        assert resp.json() == {"hits": []}
        resp = await service.post("/internal/scan", json={"subject": colleague["id"]})
        assert resp.json() == {
            "hits": [{"where": "contacts", "count": 1}, {"where": "contact_moments", "count": 1}]
        }
        assert (await service.post("/internal/scan", json={})).status_code == 422


async def test_a_referee_named_by_a_candidate_is_a_data_subject_of_their_own(platform):
    named_by = str(uuid.uuid4())  # the candidate's id; crm keeps only the link
    async with recruiter(platform) as client:
        referees = await organisation(client, kind="referee")
        referee = await contact(
            client, referees["id"], name="Hendrik Referent", referee_for=named_by
        )
        assert referee["referee_for"] == named_by

    # The candidate is forgotten: the link goes, the referee (someone else) stays.
    body = await erase(platform, {"candidate_id": named_by})
    crm = crm_counts(body)
    assert crm["referee_links_removed"] == 1
    async with recruiter(platform) as client:
        kept = await client.get(f"/api/crm/contacts/{referee['id']}")
        assert kept.status_code == 200 and kept.json()["referee_for"] is None
        # Erasure wins: the forgotten candidate's id is not written back.
        resp = await client.post(
            f"/api/crm/organisations/{referees['id']}/contacts",
            json={"name": "Nog een referent", "referee_for": named_by},
        )
        assert resp.status_code == 409
        resp = await client.patch(
            f"/api/crm/contacts/{referee['id']}", json={"referee_for": named_by}
        )
        assert resp.status_code == 409

    # The referee asks to be forgotten too.
    body = await erase(platform, {"contact_id": referee["id"]})
    assert crm_counts(body)["contacts"] == 1
    async with recruiter(platform) as client:
        assert (await client.get(f"/api/crm/contacts/{referee['id']}")).status_code == 404
    assert "hendrik referent" not in await everything_crm_stores(platform)


async def test_access_request_gets_the_contacts_complete_slice_sealed(platform):
    async with recruiter(platform) as client:
        org = await organisation(client, kind="vendor")
        person = await contact(client, org["id"], function="Accountmanager")
        talk = await moment(client, org["id"], person["id"], "Offerte besproken.", 2)
        await moment(client, org["id"], None, "Algemeen overleg.", 1)
        mention = await moment(client, org["id"], None, f"Groeten aan {person['name']}.", 1)

    request_id = new_id()
    await publish(
        platform,
        "privacy.access",
        Envelope(
            type="access.requested",
            source="privacy",
            subject=person["id"],
            correlation_id=request_id,
            data={
                "request_id": request_id,
                "export_bucket": "exports",
                "export_prefix": request_id,
            },
        ),
    )
    answer = await find_event(
        platform,
        "privacy.access.slices",
        lambda e: e.data.get("request_id") == request_id and e.source == "crm",
    )
    assert answer.type == "access.slice" and answer.subject == person["id"]
    assert answer.data == {"request_id": request_id, "service": "crm", "files": []}
    assert person["email"] not in answer.to_bytes().decode()  # sealed, not plain on the bus
    key = await subject_key(platform, person["id"])
    content = keys.open_sealed(key, answer.sealed, person["id"])["slice"]
    assert content["contact"]["name"] == person["name"]
    assert content["contact"]["email"] == person["email"]
    assert content["contact"]["function"] == "Accountmanager"
    assert content["contact"]["organisation"] == {
        "id": org["id"],
        "name": org["name"],
        "kind": "vendor",
    }
    assert [(m["id"], m["report"]) for m in content["contact_moments"]] == [
        (talk["id"], "Offerte besproken.")
    ]
    assert [m["id"] for m in content["mentioned_in_contact_moments"]] == [mention["id"]]


async def test_a_contacts_access_request_exports_their_crm_slice(platform):
    """The whole flow: the officer's request, privacy's fan-out, crm's slice in the export."""
    async with recruiter(platform) as client:
        org = await organisation(client, kind="supplier")
        person = await contact(client, org["id"], function="Directeur")
        talk = await moment(client, org["id"], person["id"], "Contract verlengd.", 1)
    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "access", "subject": {"contact_id": person["id"]}},
        )
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]

        async def exported() -> dict | None:
            resp = await client.get(f"/api/privacy/requests/{request_id}/export")
            return resp.json() if resp.status_code == 200 else None

        export = await eventually(exported, timeout=90)
    async with httpx.AsyncClient() as anyone:
        download = await anyone.get(export["url"])
    assert download.status_code == 200
    content = json.loads(zipfile.ZipFile(io.BytesIO(download.content)).read("crm.json"))
    assert content["contact"]["id"] == person["id"]
    assert content["contact"]["email"] == person["email"]
    assert content["contact"]["function"] == "Directeur"
    assert [m["id"] for m in content["contact_moments"]] == [talk["id"]]


async def test_access_after_erasure_answers_erased_without_data(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
    await erase(platform, {"contact_id": person["id"]})
    request_id = new_id()
    await publish(
        platform,
        "privacy.access",
        Envelope(
            type="access.requested",
            source="privacy",
            subject=person["id"],
            data={
                "request_id": request_id,
                "export_bucket": "exports",
                "export_prefix": request_id,
            },
        ),
    )
    answer = await find_event(
        platform,
        "privacy.access.slices",
        lambda e: e.data.get("request_id") == request_id and e.source == "crm",
    )
    assert answer.data["erased"] is True and answer.sealed is None


async def test_rectification_overwrites_the_contacts_details_and_is_confirmed(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"], name="Jan Jansen", function="Inkoper")
    key = await subject_key(platform, person["id"])
    request_id = new_id()
    changes = {
        "name": "Jan Janssen",
        "email": "jan.janssen@nieuw.example.nl",
        "birthday": "x",
        "phone": "geen nummer",
    }
    await publish(
        platform,
        "privacy.rectification",
        Envelope(
            type="rectification.requested",
            source="privacy",
            subject=person["id"],
            data={"request_id": request_id},
            sealed=keys.seal(key, {"changes": changes}, person["id"]),
        ),
    )
    done = await find_event(
        platform,
        "privacy.rectification.done",
        lambda e: e.data.get("request_id") == request_id,
    )
    assert done.data == {
        "request_id": request_id,
        "service": "crm",
        "applied": ["email", "name"],
        "rejected": ["birthday", "phone"],
    }
    async with recruiter(platform) as client:
        now = (await client.get(f"/api/crm/contacts/{person['id']}")).json()
    assert (now["name"], now["email"], now["phone"]) == (
        "Jan Janssen",
        "jan.janssen@nieuw.example.nl",
        person["phone"],
    )
    assert person["email"] not in await everything_crm_stores(platform)  # the old value is gone


async def test_unsubscribed_contact_is_marked_never_to_be_approached(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
        assert person["unsubscribed"] is False
    await publish(
        platform,
        "privacy.requests",
        Envelope(type="subject.unsubscribed", source="privacy", subject=person["id"]),
    )

    async def marked():
        async with recruiter(platform) as client:
            return (await client.get(f"/api/crm/contacts/{person['id']}")).json()["unsubscribed"]

    assert await eventually(marked)


async def test_erased_candidate_leaves_placements_in_the_statistics_but_not_their_id(platform):
    candidate = await registered_candidate(platform)
    async with recruiter(platform) as client:
        org = await organisation(client)
        job = await assignment(client, org["id"])
        await record_consent(platform, candidate, job["id"])
        url = f"/api/crm/assignments/{job['id']}"
        assert (
            await client.post(f"{url}/proposals", json={"candidate_id": candidate})
        ).status_code == 201
        resp = await client.post(
            f"{url}/placements",
            json={"candidate_id": candidate, "starts_on": datetime.now(UTC).date().isoformat()},
        )
        assert resp.status_code == 201
        before = (await client.get("/api/crm/statistics")).json()

    body = await erase(platform, {"candidate_id": candidate})
    crm = crm_counts(body)
    assert crm["proposals_unlinked"] == 1
    assert crm["placements_unlinked"] == 1
    async with recruiter(platform) as client:
        assert (await client.get("/api/crm/statistics")).json() == before
        detail = (await client.get(url)).json()
        assert detail["status"] == "filled"
        assert detail["placement"]["candidate_id"] is None
        assert [p["candidate_id"] for p in detail["proposals"]] == [None]
        # Erasure wins: the forgotten candidate cannot be proposed again.
        other = await assignment(client, org["id"])
        resp = await client.post(
            f"/api/crm/assignments/{other['id']}/proposals", json={"candidate_id": candidate}
        )
        assert resp.status_code == 409
    assert not await fetch(
        platform,
        "crm",
        "SELECT 1 FROM proposals WHERE candidate_id = $1"
        " UNION ALL SELECT 1 FROM placements WHERE candidate_id = $1",
        candidate,
    )
