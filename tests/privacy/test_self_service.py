"""The public self-service: a person proves the email address with a 6-digit code before any
request runs; wrong codes are counted, and the answers never reveal who is a candidate."""

import uuid

import httpx

from tests.helpers import eventually, fetch
from tests.privacy.support import (
    code_in,
    mails_to,
    officer,
    registered_candidate,
    unique_person,
)


def public(platform) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=platform.url("privacy"), timeout=30)


async def ask(client, kind: str, address: str, client_ip: str) -> httpx.Response:
    return await client.post(
        "/api/privacy/self-service/requests",
        json={"type": kind, "email": address},
        headers={"X-Forwarded-For": client_ip},
    )


async def code_for(platform, address: str, n: int) -> str:
    async def nth_mail():
        found = mails_to(platform, address)
        return found if len(found) >= n else None

    return code_in((await eventually(nth_mail))[n - 1])


async def test_wrong_codes_close_the_request_and_a_right_code_starts_it(platform):
    address = f"nobody.{uuid.uuid4().hex[:8]}@example.nl"
    ip = f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with public(platform) as client:
        resp = await ask(client, "erasure", address, ip)
        assert resp.status_code == 202, resp.text
        first = resp.json()
        assert first["status"] == "identity_unverified"
        code = await code_for(platform, address, 1)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"

        for left in (2, 1):
            resp = await client.post(
                f"/api/privacy/self-service/requests/{first['id']}/verify", json={"code": wrong}
            )
            assert resp.status_code == 400
            assert f"nog {left}" in resp.json()["detail"]
        resp = await client.post(
            f"/api/privacy/self-service/requests/{first['id']}/verify", json={"code": wrong}
        )
        assert resp.status_code == 410
        # Closed for good: even the right code no longer works.
        resp = await client.post(
            f"/api/privacy/self-service/requests/{first['id']}/verify", json={"code": code}
        )
        assert resp.status_code == 409
        status = await client.get(f"/api/privacy/self-service/requests/{first['id']}")
        assert status.json()["status"] == "cancelled"

        # A code that is not 6 digits is invalid input, not an attempt.
        second = (await ask(client, "erasure", address, ip)).json()
        resp = await client.post(
            f"/api/privacy/self-service/requests/{second['id']}/verify", json={"code": "12ab"}
        )
        assert resp.status_code == 422
        assert resp.json()["errors"][0]["field"] == "code"
        code = await code_for(platform, address, 2)
        resp = await client.post(
            f"/api/privacy/self-service/requests/{second['id']}/verify", json={"code": code}
        )
        assert resp.status_code == 200, resp.text
        verified = resp.json()
        # Nobody holds this address: nothing to erase, but it is never approached again.
        assert verified["status"] == "complete"
        assert verified["due_at"]

        # Only three codes an hour for one address.
        third = await ask(client, "access", address, ip)
        assert third.status_code == 202
        assert (await ask(client, "access", address, ip)).status_code == 429

    async with officer(platform) as client:
        body = (await client.get(f"/api/privacy/requests/{second['id']}")).json()
        assert body["channel"] == "self_service"
        assert [h["status"] for h in body["history"]] == [
            "identity_unverified",
            "received",
            "complete",
            "complete",  # the note that the completion mail went out
        ]
        assert body["history"][-1]["note"] == "completion mail sent"
        assert (
            await client.post("/api/privacy/suppression/check", json={"email": address})
        ).json() == {"suppressed": True}
    stored = await fetch(
        platform,
        "privacy",
        "SELECT code_hash, email_hash FROM requests WHERE id = $1::uuid",
        second["id"],
    )
    assert stored[0]["code_hash"] is None and address not in str(dict(stored[0]))


async def test_answers_do_not_tell_whether_someone_is_a_candidate(platform):
    person = unique_person()
    await registered_candidate(platform, person)
    stranger = f"stranger.{uuid.uuid4().hex[:8]}@example.nl"
    async with public(platform) as client:
        known = await ask(client, "access", person["email"], "10.9.9.1")
        unknown = await ask(client, "access", stranger, "10.9.9.2")
    assert known.status_code == unknown.status_code == 202
    strip = lambda body: {k: v for k, v in body.items() if k != "id"}  # noqa: E731
    assert strip(known.json()) == strip(unknown.json())
    assert len(mails_to(platform, stranger)) == 1


async def test_verified_unsubscribe_suppresses_a_candidate_and_tells_candidates(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with public(platform) as client:
        asked = (await ask(client, "unsubscribe", person["email"], "10.9.8.1")).json()
        code = await code_for(platform, person["email"], 1)
        resp = await client.post(
            f"/api/privacy/self-service/requests/{asked['id']}/verify", json={"code": code}
        )
    assert resp.status_code == 200, resp.text
    async with officer(platform) as client:
        check = await client.post("/api/privacy/suppression/check", json={"phone": person["phone"]})
        assert check.json() == {"suppressed": True}
        body = (await client.get(f"/api/privacy/requests/{asked['id']}")).json()
    assert body["subject"] == candidate_id
    assert body["status"] == "complete"
    events = await fetch(
        platform,
        "privacy",
        "SELECT payload FROM outbox WHERE topic = 'privacy.requests' AND key = $1",
        candidate_id,
    )
    assert b"subject.unsubscribed" in events[0]["payload"]
