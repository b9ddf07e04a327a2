"""Every employee page renders what its service answers (no 'not available' where the API
exists), in Dutch by default and in English on request."""

import base64
import os
import uuid
from datetime import date

import asyncpg
import pytest

from devstack.services import database_url
from services.candidates import domain, store
from services.common.envelope import new_id
from tests.gateway.conftest import Employee, add_employee, registered_candidate, sign_in
from tests.helpers import csrf_of, eventually

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
        f"/candidates/{candidate_id}",
        headers={
            "Accept": "text/html",
            "Cookie": f"lang=en; session={recruiter.cookies['session']}",
        },
    )
    assert "Conversation notes" in english.text and 'lang="en"' in english.text


async def test_unknown_or_malformed_ids_on_pages_are_not_found(signed_in):
    recruiter = await signed_in("recruiter")
    for path in ("/candidates/not-an-id", "/candidates/0190c0de-0000-7000-8000-000000000000"):
        page = await recruiter.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 404


async def test_admin_sees_a_dead_letter_and_replays_it_onto_its_topic(platform, signed_in):
    from aiokafka import AIOKafkaProducer

    from services.common.envelope import Envelope

    poison = Envelope(type="audit.read", source="test", data={"actor": ""})  # never valid
    producer = AIOKafkaProducer(
        bootstrap_servers=platform.endpoints.as_env()["KAFKA_BOOTSTRAP_SERVERS"]
    )
    await producer.start()
    try:
        await producer.send_and_wait("ops.audit", poison.to_bytes(), key=b"test")
    finally:
        await producer.stop()
    admin = await signed_in("admin")

    async def letters() -> list:
        view = (await admin.get("/api/gateway/operations")).json()
        return [x for x in view.get("letters") or [] if x["event_id"] == poison.id]

    [letter] = await eventually(letters, timeout=90, interval=1.0)
    assert letter["origin"] == "ops.audit" and "Poison" in letter["error"]
    page = await admin.get("/operations", headers={"Accept": "text/html"})
    token = csrf_of(page)
    replayed = await admin.post(
        "/operations/replay",
        data={"topic": letter["topic"], "offset": str(letter["offset"]), "csrf_token": token},
    )
    assert replayed.status_code == 200 and 'id="replayed"' in replayed.text
    # Still poison: it fails again and comes back as a second dead letter, proving the replay.
    await eventually(lambda: _twice(letters), timeout=90, interval=1.0)
    bad = await admin.post(
        "/operations/replay", data={"topic": "ops.audit", "offset": "0", "csrf_token": token}
    )
    assert bad.status_code == 422


async def _twice(probe) -> bool:
    return len(await probe()) >= 2


async def test_the_audit_page_finds_reads_by_employee_name(signed_in, employees):
    recruiter = await signed_in("recruiter")
    await recruiter.post("/api/candidates/search", json={"query": "secretaresse"})
    admin = await signed_in("admin")
    page = await admin.get("/audit", headers={"Accept": "text/html"})
    token = csrf_of(page)
    name = employees["recruiter"].name

    async def found() -> bool:
        result = await admin.post("/audit", data={"user": name, "csrf_token": token})
        assert result.status_code == 200
        return "candidate.search" in result.text and f"<td>{name}</td>" in result.text

    await eventually(found, timeout=60, interval=1.0)


async def test_a_search_beyond_the_counting_limit_shows_at_least_and_a_next_page(
    platform, signed_in
):
    """More matches than candidates counts: the total is shown as "1000+" with more pages."""
    marker = "zoek" + uuid.uuid4().hex[:10]
    key = base64.b64encode(os.urandom(32)).decode()
    conn = await asyncpg.connect(database_url(platform.endpoints.database_url, "candidates"))
    ids = [new_id() for _ in range(store.COUNT_LIMIT + 5)]
    try:
        async with conn.transaction():  # written as the service writes a profile
            for n, cid in enumerate(ids):
                profile = domain.validate_profile(
                    {"first_name": marker, "last_name": f"Teller{n}",
                     "email": f"{marker}.{n}@example.nl"}
                )  # fmt: skip
                await store.insert_profile(
                    conn, cid, profile, domain.derive(profile, key, date.today())
                )
        recruiter = await signed_in("recruiter")
        found = (await recruiter.post("/api/candidates/search", json={"query": marker})).json()
        assert (found["total"], found["total_is_lower_bound"]) == (store.COUNT_LIMIT, True)
        page = await recruiter.get("/candidates")
        token = csrf_of(page)
        result = await recruiter.post("/candidates", data={"query": marker, "csrf_token": token})
        assert result.status_code == 200
        assert f"<strong>{store.COUNT_LIMIT}+</strong>" in result.text
        last = store.COUNT_LIMIT // 20
        form = {"query": marker, "csrf_token": token, "page": str(last)}
        result = await recruiter.post("/candidates", data=form)
        assert f"{last} / {last}+" in result.text
        assert f'name="page" value="{last + 1}"' in result.text  # the 1,001st and on
    finally:
        await conn.execute("DELETE FROM candidates WHERE id = ANY($1::text[])", ids)
        await conn.close()


async def test_the_officer_records_each_step_of_a_breach_on_its_page(signed_in):
    officer = await signed_in("privacy_officer")
    summary = f"Laptop met cv's verloren {uuid.uuid4().hex[:8]}"
    page = await officer.get("/breaches", headers={"Accept": "text/html"})
    token = csrf_of(page)
    reported = await officer.post(
        "/breaches",
        data={
            "summary": summary,
            "discovered_at": "2026-01-05T09:30",
            "categories": "cv, contactgegevens",
            "people_affected": "40",
            "csrf_token": token,
        },
    )
    assert reported.status_code == 303, reported.text
    [breach] = [
        b for b in (await officer.get("/api/privacy/breaches")).json() if b["summary"] == summary
    ]
    assert breach["hours_left"] is not None  # the 72-hour clock runs

    step = f"/breaches/{breach['id']}"
    empty = await officer.post(step, data={"step": "", "csrf_token": token})
    assert empty.status_code == 200 and "choose a step" in empty.text
    for name in ("reported", "notified"):
        done = await officer.post(
            step, data={"step": name, "measures": "Wachtwoorden gewijzigd", "csrf_token": token}
        )
        assert done.status_code == 303, done.text
    breach = (await officer.get(f"/api/privacy/breaches/{breach['id']}")).json()
    assert breach["reported_to_ap_at"] and breach["people_notified_at"]
    assert breach["clock"] == "reported" and breach["hours_left"] is None
    assert breach["measures"] == "Wachtwoorden gewijzigd"
    listed = await officer.get("/breaches", headers={"Accept": "text/html"})
    assert "Gemeld bij de AP" in listed.text and "Betrokkenen geïnformeerd" in listed.text
    assert (await officer.post(step, data={"step": "closed", "csrf_token": "x"})).status_code == 403


async def test_an_admin_sets_a_new_password_and_the_employee_s_sessions_end(platform, signed_in):
    employee = add_employee(platform, "recruiter")
    before = await sign_in(platform, employee)
    assert (await before.get("/api/candidates/share-sections")).status_code == 200
    admin = await signed_in("admin")
    page = await admin.get("/users", headers={"Accept": "text/html"})
    token = csrf_of(page)
    path = f"/users/{employee.name}/password"

    short = await admin.post(path, data={"password": "kort", "csrf_token": token})
    assert short.status_code == 422 and "password" in short.text
    unknown = await admin.post(
        "/users/niemand-hier/password",
        data={"password": "lang-genoeg-wachtwoord-7", "csrf_token": token},
    )
    assert unknown.status_code == 404
    new = "nieuw-en-lang-genoeg-" + uuid.uuid4().hex[:6]
    done = await admin.post(path, data={"password": new, "csrf_token": token})
    assert done.status_code == 303, done.text

    assert (await before.get("/api/candidates/share-sections")).status_code == 401
    await before.aclose()
    after = await sign_in(platform, Employee(employee.name, new, "recruiter"))
    assert (await after.get("/api/candidates/share-sections")).status_code == 200
    await after.aclose()
