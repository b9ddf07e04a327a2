"""A data service is down during the forget-me fan-out: the request is linked not duplicated,
reminded as its deadline nears, re-sent, stops in error, is retried, and completes once the
service is back."""

import asyncpg

from devstack.services import database_url
from tests.helpers import as_employee, fetch
from tests.privacy.support import (
    alerts,
    officer,
    registered_candidate,
    request_waiting_for,
    unique_person,
    wait_status,
)


async def age_request(platform, request_id: str, sql: str) -> None:
    """Let time pass for one request: the clock is the only thing tests cannot wait for."""
    conn = await asyncpg.connect(database_url(platform.endpoints.database_url, "privacy"))
    try:
        await conn.execute(sql, request_id)
    finally:
        await conn.close()


async def housekeeping(client, platform) -> dict:
    resp = await client.post(
        "/api/privacy/housekeeping", headers=as_employee(platform, "admin", "admin-1")
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_erasure_with_a_service_down_is_resent_retried_and_completes_after_restart(
    platform,
):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    platform.kill("documents")
    try:
        async with officer(platform) as client:
            request_id = await request_waiting_for(client, "erasure", candidate_id, "documents")

            # The same person asks again (by email this time): linked, not duplicated.
            again = await client.post(
                "/api/privacy/requests",
                json={
                    "type": "erasure",
                    "subject": {"candidate_id": candidate_id, "email": person["email"]},
                },
            )
            assert again.status_code == 200, again.text
            assert again.json()["id"] == request_id
            assert again.json()["linked_requests"] == 1

            # A complex request: the officer extends the deadline, with a reason.
            resp = await client.post(
                f"/api/privacy/requests/{request_id}/extend",
                json={"working_days": 20, "reason": "complex verzoek, veel bronnen"},
            )
            assert resp.status_code == 200, resp.text
            extended = resp.json()
            assert extended["extended_days"] == 20
            assert extended["due_at"] > again.json()["due_at"]
            assert extended["days_left"] == again.json()["days_left"] + 20
            notes = [h["note"] or "" for h in extended["history"]]
            assert any("complex verzoek" in note for note in notes)

            # On the due date (0 working days left, within the last two): a reminder.
            await age_request(
                platform,
                request_id,
                "UPDATE requests SET due_on = current_date WHERE id = $1::uuid",
            )
            await housekeeping(client, platform)
            assert [a["type"] for a in await alerts(platform, request_id)] == ["request.due_soon"]
            # Past the due date: an alert that it is overdue, once.
            await age_request(
                platform,
                request_id,
                "UPDATE requests SET due_on = current_date - 7 WHERE id = $1::uuid",
            )
            await housekeeping(client, platform)
            body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
            assert body["days_left"] < 0
            sent = [a["type"] for a in await alerts(platform, request_id)]
            assert "request.overdue" in sent
            await housekeeping(client, platform)
            assert sorted(sent) == sorted(a["type"] for a in await alerts(platform, request_id))

            # The missing answer is re-sent once it is overdue.
            await age_request(
                platform,
                request_id,
                "UPDATE request_progress SET sent_at = now() - interval '1 hour'"
                " WHERE request_id = $1::uuid AND status = 'pending'",
            )
            assert (await housekeeping(client, platform))["resent"] >= 1
            body = (await client.get(f"/api/privacy/requests/{request_id}")).json()
            documents = next(p for p in body["progress"] if p["service"] == "documents")
            assert documents["attempts"] == 2

            # Still nothing after many tries: the request stops in error, with an alert.
            await age_request(
                platform,
                request_id,
                "UPDATE request_progress SET sent_at = now() - interval '1 hour', attempts = 99"
                " WHERE request_id = $1::uuid AND status = 'pending'",
            )
            await housekeeping(client, platform)
            body = await wait_status(client, request_id, "error")
            assert "documents" in body["error"]
            assert "request.stalled" in {a["type"] for a in await alerts(platform, request_id)}
            cancel = await client.post(f"/api/privacy/requests/{request_id}/cancel")
            assert cancel.status_code == 409

            retried = await client.post(f"/api/privacy/requests/{request_id}/retry")
            assert retried.status_code == 200, retried.text
            assert retried.json()["status"] == "in_progress"
            assert (
                await client.post(f"/api/privacy/requests/{request_id}/retry")
            ).status_code == 409
    finally:
        platform.spawn("documents")
        platform.wait_healthy("documents")

    async with officer(platform) as client:
        body = await wait_status(client, request_id, "complete", timeout=90)
    statuses = [h["status"] for h in body["history"]]
    assert statuses[0] == "received" and statuses[-1] == "complete"
    assert "error" in statuses
    assert any((h["note"] or "").startswith("repeated request linked") for h in body["history"])
    assert not await fetch(
        platform, "privacy", "SELECT 1 FROM subject_keys WHERE subject = $1", candidate_id
    )
