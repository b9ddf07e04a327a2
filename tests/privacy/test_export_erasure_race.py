"""Erasure wins over access exports that are still being written: privacy's own slice
writes take turns with an erasure per person, and files a service copies into an export
after the erasure deleted it are deleted again when that service's answer arrives."""

import asyncio
import io
from urllib.parse import urlsplit

import asyncpg
from minio import Minio

from devstack.services import database_url
from services.common.envelope import Envelope
from tests.crm.support import publish
from tests.helpers import as_employee, eventually, fetch
from tests.privacy.support import officer, registered_candidate, unique_person, wait_status

EXPORTS = "privacy-exports"
SUBJECT_LOCK = 7_204_553  # privacy's per-subject advisory lock (store.lock_subject)


def s3(platform) -> Minio:
    ep = platform.endpoints
    return Minio(
        urlsplit(ep.s3_endpoint).netloc,
        access_key=ep.s3_access_key,
        secret_key=ep.s3_secret_key,
        secure=False,
        region="us-east-1",
    )


def put(platform, name: str, text: str) -> None:
    raw = text.encode()
    s3(platform).put_object(EXPORTS, name, io.BytesIO(raw), len(raw))


def names(platform, prefix: str) -> list[str]:
    return [o.object_name for o in s3(platform).list_objects(EXPORTS, prefix, recursive=True)]


async def completed_access(platform, client, candidate_id: str) -> tuple[str, str]:
    resp = await client.post(
        "/api/privacy/requests", json={"type": "access", "subject": {"candidate_id": candidate_id}}
    )
    assert resp.status_code == 201, resp.text
    await wait_status(client, resp.json()["id"], "complete")
    export = await fetch(
        platform, "privacy", "SELECT prefix FROM exports WHERE request_id = $1::uuid",
        resp.json()["id"],
    )  # fmt: skip
    return resp.json()["id"], export[0]["prefix"]


async def test_an_erasure_waits_for_a_slice_being_written_and_deletes_it(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        _, prefix = await completed_access(platform, client, candidate_id)
        assert names(platform, prefix)

        # An access slice is being written for this person: its handler holds the lock.
        conn = await asyncpg.connect(database_url(platform.endpoints.database_url, "privacy"))
        try:
            tx = conn.transaction()
            await tx.start()
            await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", SUBJECT_LOCK,
                               candidate_id)  # fmt: skip
            erasure = asyncio.create_task(
                client.post(
                    "/api/privacy/requests",
                    json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
                )
            )

            async def erasure_waits() -> bool:
                return bool(
                    await conn.fetchval(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND NOT granted AND objid = hashtext($1)::oid",
                        candidate_id,
                    )
                )

            try:
                await eventually(erasure_waits, timeout=10)
            except AssertionError:
                pass  # it did not wait: the slice below is then written after its deletion
            put(platform, f"{prefix}candidates.json", f'{{"email": "{person["email"]}"}}')
            await tx.commit()
        finally:
            await conn.close()
        resp = await erasure
        assert resp.status_code == 201, resp.text
        await wait_status(client, resp.json()["id"], "complete")
    assert names(platform, prefix) == []


async def test_files_copied_in_after_the_erasure_go_when_the_late_answer_arrives(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        access_id, prefix = await completed_access(platform, client, candidate_id)
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
    assert names(platform, prefix) == []

    # Documents answered the access request late: it copied a file in, then answered.
    late = f"{prefix}files/cv.pdf"
    put(platform, late, f"CV van {person['first_name']} {person['email']}")
    await publish(
        platform,
        "privacy.access.slices",
        Envelope(
            type="access.slice",
            source="documents",
            subject=candidate_id,
            correlation_id=access_id,
            data={"request_id": access_id, "service": "documents", "files": [late]},
        ),
    )

    async def deleted_again() -> bool:
        return names(platform, prefix) == []

    await eventually(deleted_again, timeout=60)


async def test_access_asked_after_an_erasure_exports_nothing(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "access", "subject": {"candidate_id": candidate_id}},
        )
        assert resp.status_code == 201, resp.text
        body = await wait_status(client, resp.json()["id"], "complete")
    assert body["note"] == "no personal data held"
    assert not await fetch(
        platform, "privacy", "SELECT 1 FROM exports WHERE request_id = $1::uuid", body["id"]
    )


async def test_files_a_dead_lettered_copy_left_in_a_deleted_export_are_swept(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        _, prefix = await completed_access(platform, client, candidate_id)
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"candidate_id": candidate_id}},
        )
        await wait_status(client, resp.json()["id"], "complete")
        assert names(platform, prefix) == []

        # Documents was still copying into the export when the erasure deleted it, then gave up
        # (dead letter): its files are there and no answer comes to delete them again.
        put(platform, f"{prefix}files/cv.pdf", f"CV van {person['first_name']} {person['email']}")
        put(platform, f"{prefix}files/pasfoto.png", "photo")
        assert len(names(platform, prefix)) == 2

        admin = as_employee(platform, "admin", "admin-1")
        done = await client.post("/api/privacy/housekeeping", headers=admin)
        assert done.status_code == 200, done.text
    assert names(platform, prefix) == []
