"""Forget-me and access for documents on the real stack, driven through the privacy service."""

import asyncio
import io
import json
import zipfile

import httpx

from services.documents import objects
from services.documents.objects import sse_key
from tests.documents import files
from tests.documents.stack import (
    DOCUMENTS_BUCKET,
    client,
    new_subject,
    outbox_events,
    s3,
    to_thread,
    upload,
    versions,
)
from tests.helpers import as_employee, as_service, eventually, fetch


async def privacy_request(platform, type_: str, subject: str) -> dict:
    """Ask privacy, as an officer, and wait until every service has answered."""
    officer = as_employee(platform, "privacy_officer", "officer-1")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as http:
        resp = await http.post(
            "/api/privacy/requests", json={"type": type_, "subject": {"candidate_id": subject}}
        )
        assert resp.status_code == 201, resp.text
        request_id = resp.json()["id"]

        async def complete():
            body = (await http.get(f"/api/privacy/requests/{request_id}")).json()
            assert body["status"] not in ("error", "cancelled"), body
            assert body["status"] == "complete", body  # on a timeout: who has not answered
            return body

        return await eventually(complete, timeout=90)


async def test_erasure_deletes_every_version_of_several_cvs_and_a_photo(platform):
    subject, key = await new_subject(platform)
    async with client(platform) as http:
        uploaded = [
            (await upload(http, subject, kind, name, data)).json()
            for kind, name, data in [
                ("cv", "cv-2024.pdf", files.pdf("Office manager")),
                ("cv", "cv-2025.docx", files.docx("Directiesecretaresse")),
                ("certificate", "diploma.pdf", files.pdf("Diploma")),
                ("photo", "pasfoto.jpg", files.JPEG),
            ]
        ]
        assert all("id" in d for d in uploaded), uploaded
        link = (await http.post(f"/api/documents/{uploaded[0]['id']}/links")).json()["url"]

    # Leftovers an interrupted retry can leave: an older version and a delete marker.
    store = s3(platform)
    cv_name = f"{subject}/{uploaded[0]['id']}"
    await to_thread(
        lambda: store.put_object(
            DOCUMENTS_BUCKET, cv_name, io.BytesIO(b"%PDF-old"), 8, sse=sse_key(key)
        )
    )
    await to_thread(store.remove_object, DOCUMENTS_BUCKET, f"{subject}/{uploaded[2]['id']}")
    before = await to_thread(versions, platform, subject)
    assert len(before) == 6 and sum(v.is_delete_marker for v in before) == 1

    await privacy_request(platform, "erasure", subject)

    done = await outbox_events(platform, "privacy.erasure.done", subject)
    assert done[0]["data"]["deleted"] == {"documents": 4, "object_versions": 6}
    assert await to_thread(versions, platform, subject) == []
    assert not await fetch(
        platform, "documents", "SELECT 1 FROM documents WHERE subject = $1", subject
    )
    assert await fetch(
        platform, "documents", "SELECT 1 FROM tombstones WHERE subject = $1", subject
    )

    # Erasure wins: nothing can be read or added for this person any more.
    async with client(platform) as http:
        assert (await http.get(f"/api/documents/candidates/{subject}")).status_code == 410
        late = await upload(http, subject, "cv", "cv.pdf", files.pdf())
        assert late.status_code == 410
        assert (await http.get(link)).status_code == 410
    assert await to_thread(versions, platform, subject) == []
    async with httpx.AsyncClient(
        base_url=platform.url("documents"),
        headers=as_service(platform, "privacy"),
    ) as http:
        scan = await http.post("/internal/scan", json={"subject": subject})
    assert scan.json() == {"hits": []}


async def test_access_request_exports_the_files_themselves_and_their_metadata(platform):
    subject, _ = await new_subject(platform)
    cv, photo = files.pdf("Personal assistant"), files.png()
    async with client(platform) as http:
        await upload(http, subject, "cv", "Mijn CV.pdf", cv)
        await upload(http, subject, "photo", "pasfoto.png", photo)
        lost = (await upload(http, subject, "certificate", "diploma.pdf", files.pdf())).json()
    # An object lost from storage (its metadata kept) must not hold up the rest of the export.
    await to_thread(
        objects.delete_every_version, s3(platform), DOCUMENTS_BUCKET, f"{subject}/{lost['id']}"
    )

    body = await privacy_request(platform, "access", subject)
    officer = as_employee(platform, "privacy_officer", "officer-1")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=officer) as http:
        export = (await http.get(f"/api/privacy/requests/{body['id']}/export")).json()
    async with httpx.AsyncClient() as http:
        archive = zipfile.ZipFile(io.BytesIO((await http.get(export["url"])).content))

    slice_ = json.loads(archive.read("documents.json"))
    by_kind = {d["kind"]: d for d in slice_["documents"]}
    assert by_kind["cv"]["original_name"] == "Mijn CV.pdf"
    assert by_kind["photo"]["sha256"] and by_kind["photo"]["content_type"] == "image/png"
    prefix = f"{body['id']}/"
    assert archive.read(by_kind["cv"]["file"].removeprefix(prefix)) == cv
    assert archive.read(by_kind["photo"]["file"].removeprefix(prefix)) == photo
    assert by_kind["cv"]["file"].removeprefix(prefix).startswith("files/")
    assert by_kind["certificate"]["missing"] is True and by_kind["certificate"]["file"] is None

    answer = (await outbox_events(platform, "privacy.access.slices", subject))[-1]
    assert answer["data"]["files"] == [d["file"] for d in slice_["documents"] if d["file"]]
    assert "Mijn CV" not in json.dumps(answer["data"])  # names travel sealed only


async def test_uploads_racing_an_erasure_leave_nothing_behind(platform):
    subject, _ = await new_subject(platform)

    async def one_upload(n: int) -> int:
        async with client(platform) as http:
            cv = files.pdf(f"Racende upload {n}")
            return (await upload(http, subject, "cv", f"cv-{n}.pdf", cv)).status_code

    statuses = await asyncio.gather(
        *(one_upload(n) for n in range(5)), privacy_request(platform, "erasure", subject)
    )
    # Each upload either finished before the erasure (and was then erased) or was refused.
    assert set(statuses[:5]) <= {201, 404, 410}, statuses
    async with client(platform) as http:
        assert (await upload(http, subject, "cv", "cv.pdf", files.pdf())).status_code == 410
    assert await to_thread(versions, platform, subject) == []
    assert not await fetch(
        platform, "documents", "SELECT 1 FROM documents WHERE subject = $1", subject
    )
