"""Registering through intake on the real stack: accepted, rejected, reviewed, duplicate."""

import asyncio
import json
from datetime import date
from uuid import UUID

import httpx

from tests.helpers import as_employee, as_service, eventually, fetch
from tests.intake.helpers import (
    PDF,
    PNG,
    confirm,
    confirmation_link,
    every_row_as_text,
    intake_log,
    mails_to,
    needs_review,
    outbox_events,
    post,
    registration,
    staged,
    unique,
    unsealed,
)


def token(platform) -> dict[str, str]:
    """As documents fetches a registration's files."""
    return as_service(platform, "documents")


async def test_accepted_registration_is_handed_off_sealed_and_its_files_are_served(platform):
    reg = unique()
    resp = await post(platform, reg, photo=("me.png", PNG, "image/png"))
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["status"] == "accepted"
    reg_id = body["id"]
    # The status URL carries the id only.
    assert body["status_url"] == f"/api/intake/registrations/{reg_id}"

    async def published():
        events = await outbox_events(platform, reg_id)
        return events if events and events[0][2] is not None else None

    [(payload, event, _)] = await eventually(published)
    assert event.type == "registration.accepted"
    assert event.data["registration_id"] == reg_id
    assert event.data["existing"] is False
    assert {f["kind"] for f in event.data["files"]} == {"cv", "photo"}
    for plain in (reg["email"], reg["last_name"], reg["phone"], reg["address"]["street"], "me.png"):
        assert plain.encode() not in payload
    sealed = await unsealed(platform, event)
    assert sealed["email"] == reg["email"]
    assert sealed["last_name"] == reg["last_name"]
    assert sealed["consent"]["privacy_statement_version"] == "2018-05"
    assert len(sealed["email_hash"]) == 64 and len(sealed["phone_hash"]) == 64
    assert sorted(sealed["original_names"].values()) == ["cv.pdf", "me.png"]

    # documents reads each file with the service token; the staging copy is encrypted.
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        for f in event.data["files"]:
            url = f"/internal/registrations/{reg_id}/files/{f['file_id']}"
            served = await http.get(url, headers=token(platform))
            if served.status_code == 404:  # already handed off and deleted: fine
                continue
            assert served.status_code == 200
            assert served.content == (PDF if f["kind"] == "cv" else PNG)
            assert served.headers["content-type"] == f["content_type"]
            assert (await http.get(url)).status_code == 401


async def test_accepted_registration_becomes_profile_and_documents_and_intake_keeps_nothing(
    platform,
):
    reg = unique()
    resp = await post(platform, reg, photo=("me.png", PNG, "image/png"))
    reg_id = resp.json()["id"]
    [(_, event, _)] = await eventually(lambda: outbox_events(platform, reg_id))

    async def profile():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id::text = $1", event.subject
        )

    await eventually(profile, timeout=60)

    async def documents():
        return await fetch(
            platform,
            "documents",
            "SELECT kind FROM documents WHERE registration_id = $1",
            UUID(reg_id),
        )

    assert sorted(d["kind"] for d in await eventually(documents, timeout=60)) == ["cv", "photo"]

    async def intake_empty():
        return await registration(platform, reg_id) is None and not (await staged(platform, reg_id))

    await eventually(intake_empty, timeout=60)
    assert reg["email"] not in await every_row_as_text(platform)


async def test_rejected_registration_leaves_no_trace(platform):
    reg = unique("rejected")
    resp = await post(platform, reg, photo=("me.png", PNG, "image/png"))
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "rejected"
    reg_id = resp.json()["id"]

    [mail] = await eventually(lambda: mails_to(platform, reg["email"]))
    assert mail["Subject"] == "Je inschrijving bij Allegro Talent"
    text = mail.get_payload(decode=True).decode()
    assert "Beste Daan" in text
    assert "Leeftijd" in text and "Gezochte functie" in text
    assert "vernietigd" in text

    async def nothing_left():
        held = await every_row_as_text(platform)
        return all(v not in held for v in (reg["email"], reg["last_name"], reg_id))

    await eventually(nothing_left)
    assert not (await staged(platform, reg_id))
    assert (await http_get(platform, f"/api/intake/registrations/{reg_id}")).status_code == 404
    log = intake_log(platform)
    assert reg["email"] not in log and reg["last_name"] not in log
    counts = await fetch(
        platform,
        "intake",
        "SELECT DISTINCT criterion FROM screening_counts WHERE day = $1"
        " AND outcome = 'rejected' AND decided_by = 'screening'",
        date.today(),
    )
    assert {"*", "age", "function"} <= {c["criterion"] for c in counts}


async def http_get(platform, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        return await http.get(path, headers=headers)


async def test_recruiter_accepts_a_registration_from_the_review_queue(platform):
    reg = needs_review()
    resp = await post(platform, reg)
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "in_review"
    reg_id = resp.json()["id"]
    # While it waits, the CV is kept sealed: the database holds no readable copy of it.
    [sealed] = await staged(platform, reg_id)
    assert b"%PDF" not in sealed and PDF[-200:] not in sealed
    status = await http_get(platform, resp.json()["status_url"])
    assert status.json() == {"id": reg_id, "status": "in_review"}

    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        queue = (await http.get("/api/intake/review", params={"limit": 200})).json()
        [item] = [i for i in queue["items"] if i["id"] == reg_id]
        reasons = {r["criterion"]: r for r in item["reasons"]}
        assert reasons["experience"]["result"] == "review"
        assert reasons["experience"]["value"] == 0.0
        assert item["registration"]["email"] == reg["email"]
        [cv] = item["files"]
        cv_bytes = await http.get(f"/api/intake/review/{reg_id}/files/{cv['file_id']}")
        assert cv_bytes.content == PDF
        # Not handed off before a recruiter decides.
        assert not await outbox_events(platform, reg_id)

        accepted = await http.post(f"/api/intake/review/{reg_id}/accept")
        assert accepted.status_code == 200, accepted.text
        again = await http.post(f"/api/intake/review/{reg_id}/accept")
        assert again.status_code in (404, 409)

    [(_, event, _)] = await eventually(lambda: outbox_events(platform, reg_id))
    assert event.data["decided_by"] == "recruiter"
    assert (await unsealed(platform, event))["email"] == reg["email"]

    # The decision is recorded as a count, with its criteria version and nobody in it.
    stats = (await http_get(platform, "/api/intake/stats", recruiter)).json()["items"]
    decided = [
        s
        for s in stats
        if (s["decided_by"], s["outcome"], s["criterion"]) == ("recruiter", "accepted", "*")
    ]
    assert decided and decided[0]["n"] >= 1 and decided[0]["criteria_version"]
    assert set(decided[0]) == {"day", "criteria_version", "decided_by", "outcome", "criterion", "n"}


async def test_recruiter_rejects_from_the_review_queue_and_the_candidate_is_told(platform):
    reg = needs_review()
    reg_id = (await post(platform, reg, photo=("me.png", PNG, "image/png"))).json()["id"]
    assert len(await staged(platform, reg_id)) == 2

    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        bad = await http.post(f"/api/intake/review/{reg_id}/reject", json={"criteria": ["nope"]})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "criteria.0"
        resp = await http.post(
            f"/api/intake/review/{reg_id}/reject", json={"criteria": ["experience"]}
        )
        assert resp.status_code == 200, resp.text

    async def rejection() -> list:
        found = await mails_to(platform, reg["email"])
        return [m for m in found if m["Subject"] == "Je inschrijving bij Allegro Talent"]

    [mail] = await eventually(rejection)
    text = mail.get_payload(decode=True).decode()
    assert "Relevante werkervaring" in text and "Leeftijd" not in text
    assert await registration(platform, reg_id) is None
    assert not (await staged(platform, reg_id))

    async def notice_gone():
        return reg["email"] not in await every_row_as_text(platform)

    await eventually(notice_gone)


async def test_the_review_queue_is_for_recruiters_only(platform):
    reg_id = (await post(platform, needs_review())).json()["id"]
    assert (await http_get(platform, "/api/intake/review")).status_code == 401
    officer = as_employee(platform, "privacy_officer")
    assert (await http_get(platform, "/api/intake/review", officer)).status_code == 403
    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        assert (await http.get("/api/intake/review/not-a-uuid")).status_code == 422
        unknown = "00000000-0000-7000-8000-000000000000"
        assert (await http.post(f"/api/intake/review/{unknown}/accept")).status_code == 404
        assert (await http.get("/api/intake/review", params={"limit": "lots"})).status_code == 422
        # Documents' route is not a recruiter's: a file of a registration in review stays put.
        item = (await http.get(f"/api/intake/review/{reg_id}")).json()
        file_id = item["files"][0]["file_id"]
    internal = await http_get(
        platform, f"/internal/registrations/{reg_id}/files/{file_id}", token(platform)
    )
    assert internal.status_code == 404


async def test_the_same_person_registering_twice_keeps_one_subject(platform):
    reg = needs_review()
    first = (await post(platform, reg)).json()["id"]
    second = (await post(platform, reg | {"phone": "06-11112222"})).json()["id"]
    a, b = await registration(platform, first), await registration(platform, second)
    assert a["subject"] == b["subject"]


async def test_an_existing_candidate_registering_again_updates_their_profile_once_confirmed(
    platform,
):
    reg = unique()
    first = (await post(platform, reg)).json()["id"]
    [(_, event, _)] = await eventually(lambda: outbox_events(platform, first))

    async def profile():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id::text = $1", event.subject
        )

    await eventually(profile, timeout=60)
    await eventually(lambda: _gone(platform, first), timeout=60)  # the in-flight one is gone
    again = (await post(platform, reg | {"phone": "06-99998888"})).json()["id"]
    # The address is known: the owner confirms with the link mailed to it (test_identity_proof).
    link_id, link_token = await confirmation_link(platform, reg["email"])
    assert link_id == again
    assert (await confirm(platform, again, link_token)).status_code == 200
    [(_, second, _)] = await eventually(lambda: outbox_events(platform, again))
    assert second.subject == event.subject
    assert second.data["existing"] is True


async def _gone(platform, reg_id: str) -> bool:
    return await registration(platform, reg_id) is None


async def test_published_criteria_are_public(platform):
    body = (await http_get(platform, "/api/intake/criteria")).json()
    names = {c["criterion"] for c in body["criteria"]}
    assert {"age", "function", "work_permit", "experience"} <= names
    assert body["version"]
    assert json.dumps(body).count("requirement") == len(names)


async def test_a_file_documents_refuses_still_lets_intake_forget_the_registration(platform):
    truncated = PDF[:-80]  # past intake's first look (the bytes say PDF), refused by documents
    resp = await post(platform, unique(), cv=("cv.pdf", truncated, "application/pdf"))
    assert resp.status_code == 202, resp.text
    reg_id = resp.json()["id"]

    async def intake_empty():
        return await registration(platform, reg_id) is None and not (await staged(platform, reg_id))

    await eventually(intake_empty, timeout=60)


async def test_operators_see_how_many_registrations_intake_holds_and_for_how_long(platform):
    await post(platform, needs_review())

    async def held():
        text = (await http_get(platform, "/metrics")).text
        for line in text.splitlines():
            if line.startswith('intake_registrations_in_progress{status="needs_review"}'):
                return float(line.split()[-1]) >= 1
        return False

    await eventually(held)
    assert "intake_oldest_registration_seconds" in (await http_get(platform, "/metrics")).text


async def test_registrations_decided_at_the_same_moment_are_each_counted_once(platform):
    recruiter = as_employee(platform, "recruiter")

    async def screened_today() -> int:
        stats = (await http_get(platform, "/api/intake/stats", recruiter)).json()["items"]
        return sum(
            s["n"]
            for s in stats
            if s["day"] == date.today().isoformat()
            and (s["decided_by"], s["outcome"], s["criterion"]) == ("screening", "accepted", "*")
        )

    before = await screened_today()
    sent = await asyncio.gather(*(post(platform, unique()) for _ in range(12)))
    assert [r.status_code for r in sent] == [202] * 12
    after = await screened_today()
    assert after - before == 12  # counted in several rows (one per connection), added up here


async def mails_titled(platform, address: str, subject: str) -> list:
    return [m for m in await mails_to(platform, address) if m["Subject"] == subject]


def only_greeting_and_reference(mail, reg: dict, reg_id: str) -> str:
    """The acknowledgement names the candidate by first name and the reference; nothing else
    of what was entered."""
    text = mail.get_payload(decode=True).decode()
    assert f"Beste {reg['first_name']}," in text and f"Kenmerk: {reg_id}" in text
    for entered in (
        reg["last_name"],
        reg["phone"],
        reg["birth_date"],
        reg["address"]["street"],
        reg["address"]["postcode"],
    ):
        assert entered not in text
    return text


async def test_an_accepted_registration_is_welcomed_by_mail_in_dutch(platform):
    reg = unique()
    reg_id = (await post(platform, reg)).json()["id"]
    [mail] = await eventually(
        lambda: mails_titled(platform, reg["email"], "Welkom bij Allegro Talent"), timeout=60
    )
    text = only_greeting_and_reference(mail, reg, reg_id)
    assert "je staat nu bij ons ingeschreven" in text


async def test_a_registration_in_review_is_acknowledged_then_welcomed_once_accepted(platform):
    reg = needs_review()
    reg_id = (await post(platform, reg)).json()["id"]
    [mail] = await eventually(
        lambda: mails_titled(platform, reg["email"], "We bekijken je inschrijving"), timeout=60
    )
    text = only_greeting_and_reference(mail, reg, reg_id)
    assert "bekijkt je inschrijving persoonlijk" in text
    assert not await mails_titled(platform, reg["email"], "Welkom bij Allegro Talent")

    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        resp = await http.post(f"/api/intake/review/{reg_id}/accept")
        assert resp.status_code == 200, resp.text
    [mail] = await eventually(
        lambda: mails_titled(platform, reg["email"], "Welkom bij Allegro Talent"), timeout=60
    )
    only_greeting_and_reference(mail, reg, reg_id)

    async def address_forgotten() -> bool:
        return reg["email"] not in await every_row_as_text(platform)

    await eventually(address_forgotten, timeout=60)
