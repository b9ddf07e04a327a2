"""Every employee page renders what its service answers (no 'not available' where the API
exists), in Dutch by default and in English on request."""

import pytest

from tests.gateway.conftest import registered_candidate

NOT_AVAILABLE = "niet beschikbaar"


@pytest.mark.parametrize(
    ("role", "path", "expect"),
    [
        ("recruiter", "/candidates", "Kandidaten zoeken"),
        ("recruiter", "/intake", "Inschrijvingen ter beoordeling"),
        ("recruiter", "/crm", "Plaatsingsstatistieken"),
        ("privacy_officer", "/requests", "Privacyverzoeken"),
        ("privacy_officer", "/breaches", "Datalekregister"),
        ("privacy_officer", "/audit", "Audittrail"),
        ("admin", "/operations", "Gezondheid per dienst"),
        ("admin", "/users", "Gebruikers"),
    ],
)
async def test_each_role_sees_its_pages_filled_by_the_services(signed_in, role, path, expect):
    client = await signed_in(role)
    page = await client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert expect in page.text
    assert NOT_AVAILABLE not in page.text


async def test_operations_show_lag_from_heartbeats_and_dead_letter_counts(signed_in):
    admin = await signed_in("admin")
    view = (await admin.get("/api/gateway/operations")).json()
    assert {s["name"] for s in view["services"]} >= {"gateway", "candidates", "privacy"}
    assert all(s["status"] == "ok" for s in view["services"])
    assert {d["topic"] for d in view["dead_letters"]} >= {"ops.audit.dlq", "privacy.erasure.dlq"}
    assert view["lag"] is not None


async def test_a_profile_page_shows_profile_notes_documents_and_checks(platform, signed_in):
    recruiter = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, recruiter)
    page = await recruiter.get(f"/candidates/{candidate_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert reg["last_name"] in page.text and NOT_AVAILABLE not in page.text
    assert reg["last_name"] not in page.text.split("<title>")[1].split("</title>")[0]
    english = await recruiter.get(
        f"/candidates/{candidate_id}", cookies={"lang": "en"}, headers={"Accept": "text/html"}
    )
    assert "Conversation notes" in english.text and 'lang="en"' in english.text


async def test_unknown_or_malformed_ids_on_pages_are_not_found(signed_in):
    recruiter = await signed_in("recruiter")
    for path in ("/candidates/not-an-id", "/candidates/0190c0de-0000-7000-8000-000000000000"):
        page = await recruiter.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 404
