"""Nobody changes a person's data by typing their email: a registration whose email or phone
is already known (a candidate, a registration in progress, a suppressed person) changes
nothing and lifts no suppression until the address's owner confirms it from the mail."""

import asyncio
import json

import httpx

from services.common.keys import blind_index
from tests.helpers import as_employee, eventually, fetch
from tests.intake.helpers import (
    confirm,
    confirmation_link,
    confirmation_mails,
    mails_to,
    needs_review,
    outbox_events,
    post,
    registration,
    unique,
)
from tests.privacy.support import officer, registered_candidate, wait_status


async def profile_of(platform, candidate_id: str) -> dict:
    rows = await fetch(
        platform, "candidates", "SELECT profile FROM candidates WHERE id::text = $1", candidate_id
    )
    return json.loads(rows[0]["profile"])


async def test_a_registration_with_a_candidates_email_changes_nothing_until_the_owner_confirms(
    platform,
):
    reg = unique()
    candidate_id = await registered_candidate(platform, reg)
    intruder = reg | {"first_name": "Mallory", "phone": "06-99998888"}

    resp = await post(platform, intruder)
    # The answer is the one a new registrant gets: it does not tell that the address is known.
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "accepted"
    held_id = resp.json()["id"]

    # The link goes to the address itself, the only place where its owner can be reached.
    link_id, token = await confirmation_link(platform, reg["email"])
    assert link_id == held_id
    held = await registration(platform, held_id)
    assert held is not None and held["status"] == "unconfirmed"
    assert await outbox_events(platform, held_id) == []  # nothing handed off
    profile = await profile_of(platform, candidate_id)
    assert (profile["first_name"], profile["phone"]) == (reg["first_name"], reg["phone"])

    # A wrong token changes nothing either, and shows nothing.
    wrong = await confirm(platform, held_id, "x" * 43)
    assert wrong.status_code == 404
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        url = f"/api/intake/registrations/{held_id}/preview"
        assert (await http.post(url, json={"token": "x" * 43})).status_code == 404
        assert (await http.post(url, json={"token": "short"})).status_code == 422
        shown = await http.post(url, json={"token": token})
    assert shown.json()["registration"]["first_name"] == "Mallory"
    assert (await registration(platform, held_id))["status"] == "unconfirmed"

    # The owner of the address confirms: now it is their registration, merged into their profile.
    confirmed = await confirm(platform, held_id, token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "accepted"

    async def updated():
        return (await profile_of(platform, candidate_id))["first_name"] == "Mallory"

    await eventually(updated, timeout=60)
    [(_, event, _)] = await outbox_events(platform, held_id)
    assert event.subject == candidate_id and event.data["existing"] is True
    assert event.data["verified"] == ["email"]
    # The link works once.
    again = await confirm(platform, held_id, token)
    assert again.status_code in (404, 409)


async def test_registering_again_after_forget_me_lifts_no_suppression_until_confirmed(platform):
    reg = unique()
    candidate_id = await registered_candidate(platform, reg)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")

        back = await post(platform, reg)
        assert back.status_code == 202, back.text
        held_id, token = await confirmation_link(platform, reg["email"])
        assert held_id == back.json()["id"]
        assert await outbox_events(platform, held_id) == []
        for identifier in ({"email": reg["email"]}, {"phone": reg["phone"]}):
            check = await client.post("/api/privacy/suppression/check", json=identifier)
            assert check.json() == {"suppressed": True}, identifier

        assert (await confirm(platform, held_id, token)).status_code == 200

        async def lifted():
            checks = [
                await client.post("/api/privacy/suppression/check", json=identifier)
                for identifier in ({"email": reg["email"]}, {"phone": reg["phone"]})
            ]
            return all(c.json() == {"suppressed": False} for c in checks)

        await eventually(lifted, timeout=60)


async def test_an_unconfirmed_registration_expires_and_is_destroyed(platform):
    reg = unique()
    await registered_candidate(platform, reg)
    held_id = (await post(platform, reg | {"first_name": "Mallory"})).json()["id"]
    _, token = await confirmation_link(platform, reg["email"])
    await fetch(
        platform,
        "intake",
        "UPDATE registrations SET confirm_by = now() - interval '1 second' WHERE id = $1",
        held_id,
    )

    async def destroyed():
        return await registration(platform, held_id) is None

    await eventually(destroyed, timeout=60)
    files = await fetch(
        platform, "intake", "SELECT 1 FROM registration_files WHERE registration_id = $1", held_id
    )
    assert files == []
    assert (await confirm(platform, held_id, token)).status_code == 404


async def test_a_registration_with_a_known_phone_goes_to_a_recruiter_as_a_separate_person(
    platform,
):
    reg = unique()
    candidate_id = await registered_candidate(platform, reg)
    other = unique(phone=reg["phone"], first_name="Mallory")

    resp = await post(platform, other)
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "in_review"
    held = await registration(platform, resp.json()["id"])
    assert held["status"] == "needs_review"
    assert held["subject"] != candidate_id and held["existing"] is False
    reasons = json.loads(held["screening"])["reasons"]
    assert {"criterion": "known_phone", "value": None, "result": "review"} in reasons
    assert (await profile_of(platform, candidate_id))["first_name"] == reg["first_name"]
    # No confirmation is asked of either address (the phone cannot be asked by mail); the
    # new address gets what every registration waiting for review gets.
    assert await confirmation_mails(platform, reg["email"]) == []
    assert await confirmation_mails(platform, other["email"]) == []

    async def acknowledged() -> list[str]:
        return [m["Subject"] for m in await mails_to(platform, other["email"])]

    assert await eventually(acknowledged) == ["We bekijken je inschrijving"]


async def test_a_second_registration_while_the_first_is_in_progress_waits_for_confirmation(
    platform,
):
    reg = needs_review()
    first = (await post(platform, reg)).json()["id"]
    second = await post(platform, reg | {"first_name": "Mallory"})
    assert second.status_code == 202
    assert second.json()["status"] == "in_review"  # as the first one was answered
    held = await registration(platform, second.json()["id"])
    assert held["status"] == "unconfirmed"
    assert held["subject"] == (await registration(platform, first))["subject"]
    assert (await registration(platform, first))["status"] == "needs_review"


async def test_a_forgotten_persons_phone_on_a_new_registration_stays_suppressed(platform):
    reg = unique()
    candidate_id = await registered_candidate(platform, reg)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")

        other = unique(phone=reg["phone"])
        resp = await post(platform, other)
        assert resp.json()["status"] == "in_review"
        held = await registration(platform, resp.json()["id"])
        reasons = json.loads(held["screening"])["reasons"]
        assert {"criterion": "known_phone", "value": None, "result": "review"} in reasons

        # A recruiter who accepts it makes a person of their own: the phone stays suppressed.
        async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
            accepted = await http.post(
                f"/api/intake/review/{held['id']}/accept",
                headers=as_employee(platform, "recruiter"),
            )
        assert accepted.status_code == 200, accepted.text
        [(_, event, _)] = await eventually(lambda: outbox_events(platform, str(held["id"])))
        assert event.data["verified"] == [] and event.data["existing"] is False

        async def remembered():
            return await fetch(
                platform, "privacy", "SELECT 1 FROM subject_index WHERE subject = $1",
                event.subject,
            )  # fmt: skip

        await eventually(remembered, timeout=60)
        check = await client.post("/api/privacy/suppression/check", json={"phone": reg["phone"]})
        assert check.json() == {"suppressed": True}


async def test_a_reviewed_registration_whose_email_became_a_candidates_waits_for_its_owner(
    platform,
):
    """Someone registers first with an address nobody knows yet (to a recruiter, for review);
    then its owner registers and confirms. Accepting the first must not update the owner."""
    reg = needs_review(first_name="Mallory")
    first = (await post(platform, reg)).json()["id"]
    owner = reg | {"first_name": "Sanne", "work_experience": unique()["work_experience"]}
    second = (await post(platform, owner)).json()["id"]
    link_id, token = await confirmation_link(platform, reg["email"])
    assert link_id == second
    assert (await confirm(platform, second, token)).status_code == 200
    subject = (await registration(platform, first))["subject"]

    async def profile():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id::text = $1", subject
        )

    await eventually(profile, timeout=60)
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        accepted = await http.post(
            f"/api/intake/review/{first}/accept", headers=as_employee(platform, "recruiter")
        )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "awaiting_confirmation"
    assert (await registration(platform, first))["status"] == "unconfirmed"
    assert await outbox_events(platform, first) == []
    link_id, _ = await confirmation_link(platform, reg["email"], 2)
    assert link_id == first
    assert (await profile_of(platform, subject))["first_name"] == "Sanne"


async def test_registrations_with_someone_elses_address_cannot_fill_their_mailbox(platform):
    reg = unique()
    candidate_id = await registered_candidate(platform, reg)
    async with officer(platform) as client:  # forgotten: each hold gets a subject of its own
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
    answers = await asyncio.gather(
        *(post(platform, reg | {"first_name": f"Mallory{n}"}) for n in range(6))
    )
    assert [a.status_code for a in answers] == [202] * 6  # the same answer every time
    assert {a.json()["status"] for a in answers} == {"accepted"}
    await confirmation_link(platform, reg["email"], 3)
    email_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "email", reg["email"])
    waiting = await fetch(
        platform,
        "intake",
        "SELECT id FROM registrations WHERE status = 'unconfirmed' AND email_hash = $1",
        email_hash,
    )
    assert len(waiting) == 3
    assert len(await confirmation_mails(platform, reg["email"])) == 3
