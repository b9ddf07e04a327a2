"""Retention on the real stack: a candidate without activity for the configured period is
asked by mail to renew consent; renewing restarts the clock, silence past the grace period
(or "forget me" from the link) erases the profile through the forget-me saga.

Time is moved by back-dating the candidate's retention timestamps in candidates' database,
as an operator could; the sweep itself is the service's own (its internal "run now" route).
"""

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta

import httpx

from services.common.envelope import Envelope
from tests.crm import support as crm_support
from tests.crm.support import publish, record_consent
from tests.gateway.conftest import add_employee, sign_in
from tests.helpers import as_employee, csrf_of, eventually, fetch
from tests.privacy.support import (
    mails_to,
    officer,
    registered_candidate,
    unique_person,
    verification_scan,
    wait_handed_off,
    wait_status,
)

LINK = re.compile(r"(https?://\S+/privacy/renew/([A-Za-z0-9_-]{43}))")
SUBJECT = "Wil je ingeschreven blijven bij Allegro Talent?"


async def sweep(platform) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=platform.url("candidates"), timeout=60) as http:
        resp = await http.post(
            "/internal/retention/sweep", headers={"X-Service-Token": platform.env["SERVICE_TOKEN"]}
        )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def inactive_for_25_months(platform, candidate_id: str) -> None:
    """Back-date the last activity, once the registration's hand-off has settled (indexing
    the CV counts as activity and would otherwise land after the back-dating)."""

    async def cv_indexed():
        return await fetch(
            platform,
            "candidates",
            "SELECT 1 FROM outbox WHERE topic = 'candidates.profiles' AND key = $1"
            " AND convert_from(payload, 'UTF8')::jsonb->>'type' = 'cv.indexed'",
            candidate_id,
        )

    await eventually(cv_indexed, timeout=60)
    rows = await fetch(
        platform,
        "candidates",
        "UPDATE candidates SET last_activity_at = now() - interval '25 months'"
        " WHERE id = $1 RETURNING id",
        candidate_id,
    )
    assert rows


async def grace_period_over(platform, candidate_id: str) -> None:
    rows = await fetch(
        platform,
        "candidates",
        "UPDATE candidates SET renewal_started_at = now() - interval '31 days'"
        " WHERE id = $1 AND renewal_started_at IS NOT NULL RETURNING id",
        candidate_id,
    )
    assert rows, "no renewal cycle runs for this candidate"


async def retention_state(platform, candidate_id: str):
    rows = await fetch(
        platform,
        "candidates",
        "SELECT last_activity_at, renewal_started_at, renewal_mailed_at, retention_closed_at,"
        " retention_outcome, profile->'consent' AS consent FROM candidates WHERE id = $1",
        candidate_id,
    )
    return rows[0] if rows else None


def renewal_mails(platform, address: str) -> list:
    return [m for m in mails_to(platform, address) if m["Subject"] == SUBJECT]


async def asked_to_renew(platform, address: str) -> tuple[str, str]:
    """(link, token) from the one renewal mail the candidate got."""
    [mail] = await eventually(lambda: _mails(platform, address), timeout=30)
    body = mail.get_payload(decode=True).decode()
    link, token = LINK.search(body).groups()
    return link, token


async def _mails(platform, address: str) -> list:
    return renewal_mails(platform, address)


async def current_version(platform) -> str:
    """Other tests publish statement versions: the current one is whatever privacy says."""
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as public:
        return (await public.get("/api/privacy/statements/current")).json()["version"]


async def retention_requests(platform, candidate_id: str) -> list[dict]:
    async with officer(platform) as client:
        listing = (await client.get("/api/privacy/requests", params={"limit": 500})).json()
    return [r for r in listing if r["subject"] == candidate_id and r["channel"] == "retention"]


async def test_inactive_candidate_is_mailed_once_and_renewing_restarts_the_clock(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await inactive_for_25_months(platform, candidate_id)

    # Several sweeps at once (as several instances would run them), then more: one mail.
    results = await asyncio.gather(*(sweep(platform) for _ in range(3)))
    assert sum(r["mailed"] for r in results) >= 1
    await sweep(platform)
    link, _ = await asked_to_renew(platform, person["email"])
    await asyncio.sleep(1)
    [mail] = renewal_mails(platform, person["email"])
    text = mail.get_payload(decode=True).decode()
    assert f"Beste {person['first_name']}," in text and "verwijderen" in text
    assert link.startswith(platform.url("gateway"))

    state = await retention_state(platform, candidate_id)
    assert state["renewal_started_at"] and state["renewal_mailed_at"]

    # The privacy officer sees who is pending renewal (ids and dates); a recruiter does not.
    officer_ = await sign_in(platform, add_employee(platform, "privacy_officer"))
    recruiter = await sign_in(platform, add_employee(platform, "recruiter"))
    try:
        listing = await officer_.get("/api/candidates/retention")
        assert listing.status_code == 200, listing.text
        [mine] = [p for p in listing.json()["pending"] if p["candidate_id"] == candidate_id]
        assert mine["mailed_at"] and mine["erasure_on"]
        assert person["email"] not in listing.text and person["last_name"] not in listing.text
        page = await officer_.get("/retention", headers={"Accept": "text/html"})
        assert page.status_code == 200 and candidate_id in page.text
        assert (await recruiter.get("/api/candidates/retention")).status_code == 403
    finally:
        await officer_.aclose()
        await recruiter.aclose()

    # The candidate opens the link (which changes nothing) and renews on the public page.
    async with httpx.AsyncClient(timeout=60) as browser:
        page = await browser.get(link)
        assert page.status_code == 200, page.text
        version = page.text.split('name="statement_version" value="')[1].split('"')[0]
        assert version == await current_version(platform)
        assert (await retention_state(platform, candidate_id))["renewal_started_at"]
        done = await browser.post(
            link,
            data={
                "action": "renew",
                "statement_version": version,
                "csrf_token": csrf_of(page),
            },
        )
        assert done.status_code == 200, done.text
        assert 'id="renew-done"' in done.text

        # The link works once.
        again = await browser.get(link)
        assert again.status_code == 409 and 'id="renew-invalid"' in again.text

    state = await retention_state(platform, candidate_id)
    assert state["renewal_started_at"] is None and state["retention_closed_at"] is None
    assert (datetime.now(state["last_activity_at"].tzinfo) - state["last_activity_at"]).days == 0
    consent = json.loads(state["consent"])
    assert consent["privacy_statement_version"] == version and consent["renewed_at"]

    # Later sweeps neither mail again nor erase: the clock started again.
    await sweep(platform)
    assert len(renewal_mails(platform, person["email"])) == 1
    assert not await retention_requests(platform, candidate_id)
    assert await retention_state(platform, candidate_id) is not None


async def test_without_renewal_the_profile_is_erased_by_the_forget_me_saga(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person, photo=True)
    await wait_handed_off(platform, candidate_id, 2)
    await inactive_for_25_months(platform, candidate_id)
    await sweep(platform)
    _, token = await asked_to_renew(platform, person["email"])

    await grace_period_over(platform, candidate_id)
    assert (await sweep(platform))["lapsed"] >= 1

    [req] = await eventually(lambda: retention_requests(platform, candidate_id), timeout=60)
    assert req["type"] == "erasure" and "grace period" in req["note"]
    async with officer(platform) as client:
        body = await wait_status(client, req["id"], "complete")
        assert {p["service"] for p in body["progress"]} == {
            "intake",
            "candidates",
            "documents",
            "crm",
        }
        deleted = {p["service"]: p["deleted"] for p in body["progress"]}
        assert deleted["candidates"]["profiles"] == 1
        assert deleted["candidates"]["renewal_tokens"] == 1
        assert sum(deleted["documents"].values()) >= 2  # the CV and the photo

        cert = await client.get(f"/api/privacy/requests/{req['id']}/certificate")
        assert cert.status_code == 200, cert.text
        assert cert.json()["key_destroyed_at"] and cert.json()["suppression_entries"] >= 1
        assert person["email"] not in cert.text and candidate_id not in cert.text

        identifiers = {"email": person["email"], "phone": person["phone"], "subject": candidate_id}
        scan = await verification_scan(client, identifiers)
        assert scan["hits"] == [], scan
        assert scan["clean"] is True, scan
        check = await client.post("/api/privacy/suppression/check", json={"email": person["email"]})
        assert check.json() == {"suppressed": True}

    recruiter = as_employee(platform, "recruiter", "recruiter-ret")
    async with httpx.AsyncClient(base_url=platform.url("candidates"), headers=recruiter) as http:
        assert (await http.get(f"/api/candidates/{candidate_id}")).status_code == 410
    # The link died with the profile; the sweep does not ask twice.
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as public:
        assert (await public.get(f"/api/candidates/renewal/{token}")).status_code == 404
    await sweep(platform)
    assert len(await retention_requests(platform, candidate_id)) == 1


async def test_active_and_unsubscribed_candidates_are_not_mailed(platform):
    active = unique_person()
    active_id = await registered_candidate(platform, active)
    away = unique_person()
    away_id = await registered_candidate(platform, away)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "unsubscribe", "subject": {"candidate_id": away_id}},
        )
        assert resp.status_code == 201, resp.text

    async def unsubscribed():
        rows = await fetch(
            platform, "candidates", "SELECT status FROM candidates WHERE id = $1", away_id
        )
        return rows[0]["status"] == "unsubscribed"

    await eventually(unsubscribed, timeout=60)
    await inactive_for_25_months(platform, away_id)
    await sweep(platform)
    await sweep(platform)

    assert renewal_mails(platform, active["email"]) == []
    assert renewal_mails(platform, away["email"]) == []
    assert (await retention_state(platform, active_id))["renewal_started_at"] is None
    # The unsubscribed candidate is not approached, but the retention period applies alike.
    state = await retention_state(platform, away_id)
    assert state["renewal_started_at"] and state["renewal_mailed_at"] is None


async def test_contact_on_the_candidates_behalf_ends_the_renewal_cycle(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await inactive_for_25_months(platform, candidate_id)
    await sweep(platform)
    await asked_to_renew(platform, person["email"])

    recruiter = as_employee(platform, "recruiter", "recruiter-ret")
    async with httpx.AsyncClient(base_url=platform.url("candidates"), headers=recruiter) as http:
        note = await http.post(
            f"/api/candidates/{candidate_id}/notes",
            json={"text": "Gebeld: nog steeds op zoek, blijft ingeschreven."},
        )
        assert note.status_code == 201, note.text
        # Reading the profile is no activity; the note was.
        assert (await http.get(f"/api/candidates/{candidate_id}")).status_code == 200

    state = await retention_state(platform, candidate_id)
    assert state["renewal_started_at"] is None and state["retention_closed_at"] is None
    await sweep(platform)
    assert not await retention_requests(platform, candidate_id)
    assert len(renewal_mails(platform, person["email"])) == 1


async def test_forget_me_from_the_link_and_bad_expired_or_reused_links(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await inactive_for_25_months(platform, candidate_id)
    await sweep(platform)
    _, token = await asked_to_renew(platform, person["email"])
    api = f"/api/candidates/renewal/{token}"

    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as public:
        # Malformed and unknown links.
        assert (await public.get("/api/candidates/renewal/kapot")).status_code == 404
        unknown = await public.get("/api/candidates/renewal/" + "A" * 43)
        assert unknown.status_code == 404 and unknown.json()["detail"]
        page = await public.get("/privacy/renew/kapot", headers={"Accept": "text/html"})
        assert page.status_code == 404 and 'id="renew-invalid"' in page.text

        # Bad answers leave the link usable.
        bad = await public.post(api, json={"action": "renew"})
        assert bad.status_code == 422, bad.text
        bad = await public.post(api, json={"action": "vergeten"})
        assert bad.status_code == 422, bad.text
        old = await public.post(api, json={"action": "renew", "statement_version": "2001-01"})
        assert old.status_code == 409
        assert old.json()["current_version"] == await current_version(platform)
        assert (await public.get(api)).status_code == 200
        # On the page, a statement published meanwhile is shown and asked about again.
        page = await public.get(f"/privacy/renew/{token}")
        stale = await public.post(
            f"/privacy/renew/{token}",
            data={
                "action": "renew",
                "statement_version": "2001-01",
                "csrf_token": csrf_of(page),
            },
        )
        assert stale.status_code == 409 and 'id="renew-changed"' in stale.text
        assert 'name="statement_version"' in stale.text

        # "Forget me" from the link: accepted once, then the link is spent.
        forget = await public.post(api, json={"action": "forget"})
        assert forget.status_code == 202, forget.text
        reused = await public.post(api, json={"action": "forget"})
        assert reused.status_code == 409 and "gebruikt" in reused.json()["detail"]

    [req] = await eventually(lambda: retention_requests(platform, candidate_id), timeout=60)
    assert "asked to be forgotten" in req["note"]
    async with officer(platform) as client:
        await wait_status(client, req["id"], "complete")
        scan = await verification_scan(client, {"email": person["email"], "subject": candidate_id})
        assert scan["hits"] == [], scan

    # An expired link: another candidate, whose link outlived its date.
    late = unique_person()
    late_id = await registered_candidate(platform, late)
    await inactive_for_25_months(platform, late_id)
    await sweep(platform)
    _, late_token = await asked_to_renew(platform, late["email"])
    await fetch(
        platform,
        "candidates",
        "UPDATE renewal_tokens SET expires_at = now() - interval '1 minute'"
        " WHERE candidate_id = $1 RETURNING 1",
        late_id,
    )
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as public:
        expired = await public.get(f"/api/candidates/renewal/{late_token}")
        assert expired.status_code == 410 and "verlopen" in expired.json()["detail"]
        renew = await public.post(
            f"/api/candidates/renewal/{late_token}",
            json={"action": "renew", "statement_version": await current_version(platform)},
        )
        assert renew.status_code == 410


REMINDER = "Herinnering: wil je ingeschreven blijven bij Allegro Talent?"


def reminder_mails(platform, address: str) -> list:
    return [m for m in mails_to(platform, address) if m["Subject"] == REMINDER]


async def asked_days_ago(platform, candidate_id: str, days: int) -> None:
    rows = await fetch(
        platform,
        "candidates",
        "UPDATE candidates SET renewal_started_at = now() - make_interval(days => $2)"
        " WHERE id = $1 AND renewal_started_at IS NOT NULL RETURNING id",
        candidate_id,
        days,
    )
    assert rows, "no renewal cycle runs for this candidate"


async def reminded_at(platform, candidate_id: str):
    rows = await fetch(
        platform, "candidates", "SELECT renewal_reminded_at FROM candidates WHERE id = $1",
        candidate_id,
    )  # fmt: skip
    return rows[0]["renewal_reminded_at"]


async def test_one_reminder_a_week_before_the_erasure_with_a_link_that_works(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    await inactive_for_25_months(platform, candidate_id)
    await sweep(platform)
    await asked_to_renew(platform, person["email"])

    # 20 of the 30 days of grace gone: not yet (the reminder goes 7 days before the erasure).
    await asked_days_ago(platform, candidate_id, 20)
    await sweep(platform)
    assert reminder_mails(platform, person["email"]) == []
    assert await reminded_at(platform, candidate_id) is None

    # 24 days gone: several sweeps at once, then more: one reminder.
    await asked_days_ago(platform, candidate_id, 24)
    results = await asyncio.gather(*(sweep(platform) for _ in range(3)))
    assert sum(r["reminded"] for r in results) == 1, results
    await sweep(platform)
    [mail] = await eventually(lambda: _reminders(platform, person["email"]), timeout=30)
    await asyncio.sleep(1)
    assert len(reminder_mails(platform, person["email"])) == 1
    assert len(renewal_mails(platform, person["email"])) == 1  # the first mail not again
    text = mail.get_payload(decode=True).decode()
    assert f"Beste {person['first_name']}," in text
    # The date the profile is erased on (counted from the cycle's start, now back-dated).
    state = await retention_state(platform, candidate_id)
    when = (state["renewal_started_at"] + timedelta(days=30)).strftime("%d-%m-%Y")
    assert f"vóór {when}" in text
    assert await reminded_at(platform, candidate_id) is not None

    # The officer sees that the reminder went out.
    officer_ = await sign_in(platform, add_employee(platform, "privacy_officer"))
    try:
        listing = (await officer_.get("/api/candidates/retention")).json()
        [mine] = [p for p in listing["pending"] if p["candidate_id"] == candidate_id]
        assert mine["reminded_at"] and listing["reminder_days"] == 7
    finally:
        await officer_.aclose()

    # The reminder's own link renews consent.
    link, token = LINK.search(text).groups()
    assert link.startswith(platform.url("gateway"))
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as public:
        api = f"/api/candidates/renewal/{token}"
        assert (await public.get(api)).status_code == 200
        done = await public.post(
            api, json={"action": "renew", "statement_version": await current_version(platform)}
        )
        assert done.status_code == 200, done.text
    state = await retention_state(platform, candidate_id)
    assert state["renewal_started_at"] is None and state["retention_closed_at"] is None
    assert await reminded_at(platform, candidate_id) is None  # the next cycle reminds again


async def _reminders(platform, address: str) -> list:
    return reminder_mails(platform, address)


async def crm_assignment_with_consent(platform, candidate_id: str) -> tuple[httpx.AsyncClient, str]:
    crm = crm_support.recruiter(platform)
    job = await crm_support.assignment(crm, (await crm_support.organisation(crm))["id"])
    await record_consent(platform, candidate_id, job["id"])
    return crm, job["id"]


async def test_a_proposal_and_a_placement_in_crm_count_as_activity(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    crm, assignment_id = await crm_assignment_with_consent(platform, candidate_id)
    try:
        # The consent check itself was activity; long ago now, and the renewal cycle runs.
        await inactive_for_25_months(platform, candidate_id)
        await sweep(platform)
        await asked_to_renew(platform, person["email"])
        assert (await retention_state(platform, candidate_id))["renewal_started_at"]

        # An old crm event (a replay, a late delivery) is not activity today.
        old = Envelope(
            type="proposal.recorded",
            source="crm",
            subject=candidate_id,
            time=datetime.now(UTC) - timedelta(days=1000),
            data={"assignment_id": assignment_id},
        )
        await publish(platform, "crm.relations", old)

        async def handled():
            return await fetch(
                platform, "candidates", "SELECT 1 FROM inbox WHERE event_id = $1::uuid", old.id
            )

        await eventually(handled, timeout=60)
        assert (await retention_state(platform, candidate_id))["renewal_started_at"]

        proposed = await crm.post(
            f"/api/crm/assignments/{assignment_id}/proposals",
            json={"candidate_id": candidate_id},
        )
        assert proposed.status_code == 201, proposed.text

        async def cycle_ended():
            state = await retention_state(platform, candidate_id)
            return state if state["renewal_started_at"] is None else None

        state = await eventually(cycle_ended, timeout=60)
        assert (datetime.now(UTC) - state["last_activity_at"]).days == 0
        await sweep(platform)
        assert len(renewal_mails(platform, person["email"])) == 1
        assert not await retention_requests(platform, candidate_id)

        # The placement, recorded when the candidate has been quiet a while again.
        await fetch(
            platform,
            "candidates",
            "UPDATE candidates SET last_activity_at = now() - interval '300 days'"
            " WHERE id = $1 RETURNING 1",
            candidate_id,
        )
        placed = await crm.post(
            f"/api/crm/assignments/{assignment_id}/placements",
            json={"candidate_id": candidate_id, "starts_on": date.today().isoformat()},
        )
        assert placed.status_code == 201, placed.text

        async def clock_restarted():
            state = await retention_state(platform, candidate_id)
            return (datetime.now(UTC) - state["last_activity_at"]).days == 0

        await eventually(clock_restarted, timeout=60)
    finally:
        await crm.aclose()
