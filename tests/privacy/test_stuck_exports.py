"""An access request a service never answers stops in `error` (or is cancelled by the officer)
with a partial export: other services' slices, personal data. It does not stay forever: a
cancelled request's export goes in the next housekeeping round, one in error once it has been
in error for `export_keep_hours` — and an officer's retry after that asks every service again."""

from services.common.envelope import Envelope, new_id
from tests.crm.support import publish
from tests.helpers import eventually, fetch
from tests.privacy.support import (
    officer,
    registered_candidate,
    request_waiting_for,
    unique_person,
    wait_handed_off,
    wait_status,
)
from tests.privacy.test_export_erasure_race import completed_access, names
from tests.privacy.test_service_down import age_request, housekeeping


async def export_row(platform, request_id: str) -> dict:
    rows = await fetch(
        platform,
        "privacy",
        "SELECT deleted_at, expires_at FROM exports WHERE request_id = $1::uuid",
        request_id,
    )
    return dict(rows[0])


async def test_partial_exports_of_stopped_access_requests_are_deleted(platform):
    stalled_id, cancelled_id = [await registered_candidate(platform, unique_person()) for _ in "ab"]
    for candidate_id in (stalled_id, cancelled_id):
        await wait_handed_off(platform, candidate_id, files=1)
    platform.kill("documents")
    try:
        async with officer(platform) as client:
            stalled = await request_waiting_for(client, "access", stalled_id, "documents")
            cancelled = await request_waiting_for(client, "access", cancelled_id, "documents")
            stalled_prefix, cancelled_prefix = f"{stalled}/", f"{cancelled}/"
            # The other services' slices are there: personal data in the export bucket.
            assert names(platform, stalled_prefix) and names(platform, cancelled_prefix)

            # Cancelled: nobody will complete it, so its partial export goes at once.
            resp = await client.post(f"/api/privacy/requests/{cancelled}/cancel")
            assert resp.status_code == 200, resp.text
            await housekeeping(client, platform)
            assert (await export_row(platform, cancelled))["deleted_at"] is not None
            assert names(platform, cancelled_prefix) == []

            # Documents never answers: after too many tries the request stops in error.
            await age_request(
                platform,
                stalled,
                "UPDATE request_progress SET sent_at = now() - interval '1 hour', attempts = 99"
                " WHERE request_id = $1::uuid AND status = 'pending'",
            )
            await housekeeping(client, platform)
            body = (await client.get(f"/api/privacy/requests/{stalled}")).json()
            assert body["status"] == "error", body
            # The officer has the export's keep period to retry: it stays meanwhile.
            await housekeeping(client, platform)
            assert (await export_row(platform, stalled))["deleted_at"] is None
            assert names(platform, stalled_prefix)

            # Nobody retried within the keep period (a week): the partial export goes.
            await age_request(
                platform,
                stalled,
                "UPDATE request_events SET at = at - interval '8 days'"
                " WHERE request_id = $1::uuid AND status = 'error'",
            )
            counts = await housekeeping(client, platform)
            assert counts["exports_deleted"] >= 1
            assert (await export_row(platform, stalled))["deleted_at"] is not None
            assert names(platform, stalled_prefix) == []
    finally:
        platform.spawn("documents")
        platform.wait_healthy("documents")

    async with officer(platform) as client:
        # A retry after the export went asks every service again, not only documents: an
        # export holding documents' slice alone would be an incomplete answer.
        resp = await client.post(f"/api/privacy/requests/{stalled}/retry")
        assert resp.status_code == 200, resp.text
        body = await wait_status(client, stalled, "complete", timeout=120)
        assert {p["service"] for p in body["progress"]} >= {"candidates", "crm", "documents"}
        export = await export_row(platform, stalled)
        assert export["deleted_at"] is None and export["expires_at"] is not None
        # documents, back, answers both the old command and the retry's; the second answer's
        # copies are removed when it arrives. Then the archive is all that is left.

        async def only_the_archive() -> bool:
            return names(platform, stalled_prefix) == [f"{stalled_prefix}export.zip"]

        await eventually(only_the_archive, timeout=60)
        resp = await client.get(f"/api/privacy/requests/{stalled}/export")
        assert resp.status_code == 200, resp.text
        assert set(resp.json()["slices"]) >= {"candidates", "crm", "documents", "intake"}

    # Documents, back, answers the cancelled request late: its export stays deleted.
    async def emptied() -> bool:
        return names(platform, cancelled_prefix) == []

    await eventually(emptied, timeout=30)
    assert (await export_row(platform, cancelled))["deleted_at"] is not None


async def test_a_repeated_answer_leaves_only_the_finished_archive(platform):
    """documents answers a re-sent access command again after the export was zipped: it copies
    the person's files into the prefix again, and its slice comes a second time. The archive is
    the one copy; nothing else may stay beside it."""
    candidate_id = await registered_candidate(platform, unique_person())
    await wait_handed_off(platform, candidate_id, files=1)
    async with officer(platform) as client:
        request_id, prefix = await completed_access(platform, client, candidate_id)
    assert names(platform, prefix) == [f"{prefix}export.zip"]
    [command] = await fetch(
        platform,
        "privacy",
        "SELECT payload FROM outbox WHERE topic = 'privacy.access' AND key = $1",
        candidate_id,
    )
    resent = Envelope.from_bytes(command["payload"]).model_copy(update={"id": new_id()})
    await publish(platform, "privacy.access", resent)

    async def answered_twice() -> bool:
        rows = await fetch(
            platform,
            "documents",
            "SELECT count(*) AS n FROM outbox WHERE topic = 'privacy.access.slices' AND key = $1",
            candidate_id,
        )
        return rows[0]["n"] >= 2

    await eventually(answered_twice, timeout=60)  # its files are copied by then

    async def only_the_archive() -> bool:
        return names(platform, prefix) == [f"{prefix}export.zip"]

    await eventually(only_the_archive, timeout=30)
    async with officer(platform) as client:
        resp = await client.get(f"/api/privacy/requests/{request_id}/export")
        assert resp.status_code == 200, resp.text
