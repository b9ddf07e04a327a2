"""Forget-me reaching a registration that is still in intake: nothing may survive."""

import io
import zipfile

import httpx
from minio.error import S3Error

from services.common.envelope import Envelope
from services.common.keys import blind_index
from services.common.settings import Settings
from services.common.storage import make_client
from services.privacy.exports import ARCHIVE
from tests.helpers import as_employee, as_service, eventually, fetch
from tests.intake.helpers import (
    PDF,
    PNG,
    every_row_as_text,
    needs_review,
    outbox_events,
    post,
    registration,
    staged,
    unique,
    unsealed,
)


async def erase(platform, subject: str) -> dict:
    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as http:
        resp = await http.post(
            "/api/privacy/requests", json={"type": "erasure", "subject": {"candidate_id": subject}}
        )
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]

        async def intake_done():
            body = (await http.get(f"/api/privacy/requests/{request_id}")).json()
            done = [p for p in body["progress"] if p["service"] == "intake" and p.get("result")]
            return done[0] if done else None

        return await eventually(intake_done, timeout=90)


async def scan(platform, subject: str, email_hash: str | None) -> set[str]:
    """privacy's verification scan: where intake still holds something of the person."""
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        resp = await http.post(
            "/internal/scan",
            json={"subject": subject, "email_hash": email_hash, "phone_hash": None},
            headers=as_service(platform, "privacy"),
        )
    assert resp.status_code == 200, resp.text
    return {hit["where"] for hit in resp.json()["hits"]}


async def test_erasure_of_a_registration_in_review_deletes_it_and_its_files(platform):
    reg = needs_review()
    reg_id = (await post(platform, reg, photo=("me.png", PNG, "image/png"))).json()["id"]
    subject = (await registration(platform, reg_id))["subject"]
    assert len(await staged(platform, reg_id)) == 2
    email_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "email", reg["email"])

    # The acknowledgement notice lives only until its mail is out (milliseconds).
    async def only_the_registration() -> bool:
        return await scan(platform, subject, email_hash) == {"registrations", "registration_files"}

    await eventually(only_the_registration, timeout=60)

    progress = await erase(platform, subject)

    assert progress["result"] == {"registrations": 1, "files": 2, "notices": 0}
    assert await registration(platform, reg_id) is None
    assert not (await staged(platform, reg_id))
    held = await every_row_as_text(platform)
    assert reg["email"] not in held and reg["last_name"] not in held
    assert await scan(platform, subject, email_hash) == set()
    # Only the tombstone (subject id and time) remains.
    assert await fetch(platform, "intake", "SELECT 1 FROM tombstones WHERE subject = $1", subject)
    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        assert (await http.post(f"/api/intake/review/{reg_id}/accept")).status_code == 404


async def test_registration_erased_before_the_hand_off_finishes_leaves_nothing(platform):
    reg = unique()
    reg_id = (await post(platform, reg, photo=("me.png", PNG, "image/png"))).json()["id"]
    row = await registration(platform, reg_id)
    subject = row["subject"] if row else None
    assert subject, "the hand-off finished before the test could read the subject"

    await erase(platform, subject)

    async def nothing_left():
        return await registration(platform, reg_id) is None and not (await staged(platform, reg_id))

    await eventually(nothing_left, timeout=90)
    assert reg["email"] not in await every_row_as_text(platform)

    # Whatever candidates made of the hand-off is erased too, and late events are dropped.
    async def no_profile():
        return not await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id::text = $1", subject
        )

    await eventually(no_profile, timeout=90)
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        resp = await http.get(
            f"/internal/registrations/{reg_id}/files/{row['id']}",
            headers=as_service(platform, "documents"),
        )
    assert resp.status_code == 404


async def privacy_request(platform, kind: str, subject: str) -> str:
    officer = as_employee(platform, "privacy_officer")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as http:
        resp = await http.post(
            "/api/privacy/requests", json={"type": kind, "subject": {"candidate_id": subject}}
        )
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


async def test_a_registration_racing_an_erasure_of_the_same_person_leaves_nothing_of_them(
    platform,
):
    reg = unique()
    first = (await post(platform, reg)).json()["id"]
    [(_, event, _)] = await eventually(lambda: outbox_events(platform, first))
    person = event.subject

    async def profile():
        return await fetch(
            platform, "candidates", "SELECT 1 FROM candidates WHERE id::text = $1", person
        )

    await eventually(profile, timeout=90)
    await privacy_request(platform, "erasure", person)
    again = await post(platform, reg | {"phone": "06-44445555"})  # the same person, at once
    assert again.status_code in (202, 409), again.text

    async def intake_erased():
        return await fetch(
            platform, "intake", "SELECT 1 FROM tombstones WHERE subject = $1", person
        )

    await eventually(intake_erased, timeout=90)

    async def nothing_of_them():
        in_intake = await fetch(
            platform, "intake", "SELECT 1 FROM registrations WHERE subject = $1", person
        )
        in_candidates = await profile()
        return not in_intake and not in_candidates and await scan(platform, person, None) == set()

    # Whichever way the race went, the erased id holds nothing; a registration that came after
    # the erasure is a new explicit one, under a new id.
    await eventually(nothing_of_them, timeout=90)


async def test_an_access_request_gets_intakes_slice_sealed(platform):
    reg = needs_review()
    reg_id = (await post(platform, reg)).json()["id"]
    subject = (await registration(platform, reg_id))["subject"]
    request_id = await privacy_request(platform, "access", subject)

    async def slice_event():
        rows = await fetch(
            platform, "intake", "SELECT payload FROM outbox WHERE topic = 'privacy.access.slices'"
        )
        events = [Envelope.from_bytes(r["payload"]) for r in rows]
        return [e for e in events if e.data.get("request_id") == request_id]

    [answer] = await eventually(slice_event, timeout=90)
    assert reg["email"].encode() not in answer.to_bytes()
    opened = await unsealed(platform, answer)
    [held] = opened["slice"]["registrations"]
    assert held["id"] == reg_id and held["registration"]["email"] == reg["email"]
    assert [f["kind"] for f in held["files"]] == ["cv"]
    # The staged CV itself goes into the export, opened: the person gets their own file back.
    [name] = answer.data["files"]
    s3 = make_client(
        Settings(
            s3_endpoint=platform.endpoints.s3_endpoint,
            s3_access_key=platform.endpoints.s3_access_key,
            s3_secret_key=platform.endpoints.s3_secret_key,
        )
    )

    async def archive() -> bytes | None:
        try:
            resp = s3.get_object("privacy-exports", f"{request_id}/{ARCHIVE}")
        except S3Error:
            return None  # not assembled yet
        try:
            return resp.read()
        finally:
            resp.close()
            resp.release_conn()

    with zipfile.ZipFile(io.BytesIO(await eventually(archive, timeout=60))) as export:
        assert export.read(name.removeprefix(f"{request_id}/")) == PDF
