"""Self-service rectification: a verified person corrects their own details; the owning
service applies what it can and records the person's own words, and a mail confirms it."""

import json

import pytest

from tests.crm.support import contact, organisation, recruiter
from tests.helpers import eventually, fetch
from tests.privacy.self_service_support import (
    ask_and_verify,
    client_ip,
    nth_mail,
    public,
    text_of,
    wait_public_status,
)
from tests.privacy.support import registered_candidate, unique_person


async def test_a_candidate_corrects_the_profile_and_gets_a_confirmation_mail(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    verified = await ask_and_verify(
        platform,
        {
            "type": "rectification",
            "email": person["email"],
            "changes": [
                {"field": "last_name", "value": "de Vries-Bakker"},
                {"field": "address.city", "value": "Utrecht"},
                {"field": "function", "value": "directiesecretaresse"},  # a contact's field
            ],
            "description": "Mijn laatste werkgever was niet Acme maar Globex.",
        },
    )
    await wait_public_status(platform, verified["id"], "complete")

    rows = await fetch(
        platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
    )
    profile = json.loads(rows[0]["profile"])
    assert profile["last_name"] == "de Vries-Bakker"
    assert profile["address"]["city"] == "Utrecht"
    notes = await fetch(
        platform, "candidates", "SELECT text FROM notes WHERE candidate_id = $1", candidate_id
    )
    assert any("Globex" in n["text"] for n in notes), notes

    done = await nth_mail(platform, person["email"], 2)
    assert done["Subject"] == "Je correctieverzoek is afgehandeld"
    body = text_of(done)
    assert "Aangepast: achternaam, woonplaats." in body
    assert "Niet aangepast: functie (contactpersoon)." in body
    assert "toelichting is doorgegeven" in body
    assert verified["id"] in body

    # The corrections and the address lived only as long as the request needed them.
    kept = await fetch(
        platform, "privacy", "SELECT * FROM requests WHERE id = $1::uuid", verified["id"]
    )
    assert kept[0]["sealed_changes"] is None and kept[0]["subject"] == candidate_id
    assert person["email"] not in str(dict(kept[0]))
    assert not await fetch(
        platform,
        "privacy",
        "SELECT 1 FROM selfservice_sealed WHERE request_id = $1::uuid",
        verified["id"],
    )


async def test_a_business_contact_corrects_the_function_through_crm(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
    verified = await ask_and_verify(
        platform,
        {
            "type": "rectification",
            "email": person["email"],
            "changes": [
                {"field": "function", "value": "Directeur HR"},
                {"field": "birth_date", "value": "1980-02-29"},  # a candidate's field
            ],
            "description": "Mijn telefoonnummer is veranderd, bel me even.",
        },
    )
    await wait_public_status(platform, verified["id"], "complete")

    async def corrected():
        row = await fetch(
            platform, "crm", "SELECT function FROM contacts WHERE id = $1::uuid", person["id"]
        )
        return row[0]["function"] == "Directeur HR"

    await eventually(corrected)
    moments = await fetch(
        platform,
        "crm",
        "SELECT report FROM contact_moments WHERE contact_id = $1::uuid",
        person["id"],
    )
    assert any("telefoonnummer is veranderd" in (m["report"] or "") for m in moments)
    body = text_of(await nth_mail(platform, person["email"], 2))
    assert "Aangepast: functie (contactpersoon)." in body
    assert "Niet aangepast: geboortedatum." in body


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"changes": [{"field": "consent", "value": "ja"}]}, "cannot be corrected here"),
        ({"changes": [{"field": "email", "value": "geen-adres"}]}, "not a valid email"),
        ({"changes": [{"field": "birth_date", "value": "31-02-1990"}]}, "not a valid birth_date"),
        ({"changes": [{"field": "last_name", "value": "x" * 201}]}, "200"),
        (
            {"changes": [{"field": "phone"}]},
            "value",
        ),
        (
            {
                "changes": [
                    {"field": "last_name", "value": "Jansen"},
                    {"field": "last_name", "value": "Janssen"},
                ]
            },
            "once per request",
        ),
        ({}, "needs changes or a description"),
        ({"type": "access", "description": "klopt niet"}, "rectification only"),
    ],
)
async def test_corrections_that_cannot_be_made_are_refused_with_a_reason(platform, body, says):
    address = "iemand@example.nl"
    request = {"type": "rectification", "email": address} | body
    async with public(platform) as client:
        resp = await client.post(
            "/api/privacy/self-service/requests",
            json=request,
            headers={"X-Forwarded-For": client_ip()},
        )
    assert resp.status_code == 422, resp.text
    assert says in resp.text
