"""Recruiters' side of documents on the real stack: uploads, listing, download links, audit."""

import time
import uuid

import httpx
import pytest
from minio.error import S3Error

from services.documents import domain
from tests.documents import files
from tests.documents.stack import (
    DOCUMENTS_BUCKET,
    PHOTOS_BUCKET,
    client,
    new_subject,
    open_sealed,
    outbox_events,
    read_encrypted,
    s3,
    to_thread,
    upload,
    versions,
)
from tests.helpers import as_employee, fetch


async def test_uploaded_cv_and_photo_are_stored_encrypted_listed_and_published(platform):
    subject, key = await new_subject(platform)
    cv = files.pdf("Directiesecretaresse met tien jaar ervaring in Utrecht")
    async with client(platform) as http:
        resp = await upload(http, subject, "cv", "C:\\fakepath\\CV Zoë.pdf", cv, "text/plain")
        assert resp.status_code == 201, resp.text
        stored = resp.json()
        photo = await upload(http, subject, "photo", "pasfoto.png", files.png())
        assert photo.status_code == 201, photo.text
        listed = (await http.get(f"/api/documents/candidates/{subject}")).json()["items"]

    # Type from the bytes, not from what the browser claimed; name without the client's path.
    assert stored["content_type"] == domain.PDF
    assert stored["original_name"] == "CV Zoë.pdf"
    assert stored["size"] == len(cv) and stored["sha256"] == domain.sha256(cv)
    assert [d["kind"] for d in listed] == ["cv", "photo"]
    assert listed[1]["content_type"] == domain.PNG

    # In object storage only under the subject's key (SSE-C): without it nothing comes back.
    name = f"{subject}/{stored['id']}"
    with pytest.raises(S3Error):
        await to_thread(lambda: s3(platform).get_object(DOCUMENTS_BUCKET, name).read())
    assert await to_thread(read_encrypted, platform, DOCUMENTS_BUCKET, name, key) == cv
    assert [v.object_name for v in await to_thread(versions, platform, subject)] == [
        name,
        f"{subject}/{listed[1]['id']}",
    ]

    # The original name is sealed in the database, not readable there.
    rows = await fetch(
        platform, "documents", "SELECT name_sealed FROM documents WHERE subject = $1", subject
    )
    assert all(b"CV Zo" not in bytes(r["name_sealed"]) for r in rows)

    # document.stored for each; the CV's text sealed for the search index, nothing in the clear.
    events = await outbox_events(platform, "documents.objects", subject)
    assert [e["type"] for e in events] == ["document.stored", "document.stored"]
    assert events[0]["data"]["document_id"] == stored["id"]
    assert "Utrecht" not in str(events[0]["data"])
    assert "tien jaar ervaring in Utrecht" in open_sealed(key, events[0])["text"]
    assert events[1]["sealed"] is None  # a photo has no text


async def test_download_link_is_short_lived_personal_and_every_hand_out_audited(platform):
    subject, _ = await new_subject(platform)
    data = files.docx("Management assistent", "Den Haag")
    async with client(platform, user="recruiter-a") as http:
        doc = (await upload(http, subject, "testimonial", "getuigschrift.docx", data)).json()
        resp = await http.post(f"/api/documents/{doc['id']}/links")
        assert resp.status_code == 201, resp.text
        link = resp.json()
        got = await http.get(link["url"])
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == domain.DOCX
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "getuigschrift.docx" in got.headers["content-disposition"]

    # Someone else cannot use the link, nor can anyone without a service credential.
    async with client(platform, user="recruiter-b") as other:
        assert (await other.get(link["url"])).status_code == 403
    async with httpx.AsyncClient(base_url=platform.url("documents")) as anonymous:
        assert (await anonymous.get(link["url"])).status_code == 401
    async with client(platform, user="recruiter-a") as http:
        # A tampered link, and one handed out more than five minutes ago.
        assert (await http.get(link["url"][:-2] + "xx")).status_code == 403
        secret = platform_link_secret(platform)
        old = domain.sign_link(secret, domain.Link(doc["id"], "recruiter-a", int(time.time()) - 1))
        assert (await http.get(f"/api/documents/links/{old}")).status_code == 410

    audit = await outbox_events(platform, "ops.audit", subject)
    actions = [(e["data"]["action"], e["data"]["actor"]) for e in audit]
    assert ("document.link", "recruiter-a") in actions
    assert ("document.download", "recruiter-a") in actions
    assert all(
        set(e["data"]) == {"actor", "role", "action", "resource", "subject"} and e["sealed"] is None
        for e in audit
    )
    assert "getuigschrift" not in str(audit)


def platform_link_secret(platform) -> bytes:
    from services.documents.bootstrap import DocumentsSettings

    return DocumentsSettings(service_token=platform.env["DOCUMENTS_SERVICE_TOKEN"]).link_secret


async def test_only_recruiters_reach_documents(platform):
    subject, _ = await new_subject(platform)
    url = f"/api/documents/candidates/{subject}"
    async with httpx.AsyncClient(base_url=platform.url("documents")) as anonymous:
        assert (await anonymous.get(url)).status_code == 401
        wrong_token = {**as_employee(platform, "recruiter"), "X-Service-Token": "nope"}
        assert (await anonymous.get(url, headers=wrong_token)).status_code == 401
    async with client(platform, role="privacy_officer") as officer:
        assert (await officer.get(url)).status_code == 403
        assert (await upload(officer, subject, "cv", "cv.pdf", files.pdf())).status_code == 403
    async with client(platform) as http:
        assert (await http.get("/api/documents/candidates/not-a-uuid")).status_code == 422
        assert (await http.post(f"/api/documents/{uuid.uuid4()}/links")).status_code == 404
        assert (await http.post("/api/documents/12345/links")).status_code == 422
        assert (await http.get("/api/documents/links/" + "a" * 5000)).status_code == 422
        unknown = await upload(http, str(uuid.uuid4()), "cv", "cv.pdf", files.pdf())
        assert unknown.status_code == 404


async def test_hostile_uploads_are_refused_and_nothing_is_stored(platform):
    subject, _ = await new_subject(platform)
    hostile = [
        ("cv", "cv.pdf", files.EXECUTABLE, 415),  # a renamed program
        ("cv", "cv.pdf", files.pdf()[:-60], 422),  # a truncated PDF
        ("cv", "cv.pdf", files.with_zip_appended(files.pdf()), 415),  # PDF/ZIP polyglot
        ("photo", "foto.jpg", files.with_zip_appended(files.JPEG), 415),
        ("cv", "cv.docx", files.zip_bomb_docx(), 422),
        ("photo", "foto.png", files.pdf(), 415),
        ("photo", "foto.png", files.png()[:-5] + b"\x00" * (5 * domain.MB), 413),  # > 5 MB
    ]
    async with client(platform) as http:
        for kind, name, data, status in hostile:
            resp = await upload(http, subject, kind, name, data)
            assert resp.status_code == status, (name, resp.text)
            assert resp.json()["errors"][0]["field"] == "file"

        # 50 MB: refused from its declared length, before the body is read.
        big = b"%PDF-1.4\n" + b"0" * (50 * domain.MB)
        resp = await upload(http, subject, "cv", "cv.pdf", big)
        assert resp.status_code == 413
        assert resp.json()["errors"][0]["field"] == "file"

        # Form fields are validated with the field named.
        resp = await upload(http, subject, "passport", "cv.pdf", files.pdf())
        assert resp.status_code == 422
        assert resp.json()["errors"][0]["field"] == "kind"
        resp = await http.post(f"/api/documents/candidates/{subject}", data={"kind": "cv"})
        assert resp.status_code == 422
        assert resp.json()["errors"][0]["field"] == "file"

        assert (await http.get(f"/api/documents/candidates/{subject}")).json()["items"] == []
    assert await to_thread(versions, platform, subject) == []
    assert not await fetch(
        platform, "documents", "SELECT 1 FROM documents WHERE subject = $1", subject
    )
    assert not await outbox_events(platform, "documents.objects", subject)
    # The service is still fine afterwards, and counts what it refused.
    async with httpx.AsyncClient(base_url=platform.url("documents")) as http:
        assert (await http.get("/healthz")).status_code == 200
        metrics = (await http.get("/metrics")).text
    assert 'documents_rejected_total{kind="cv",status="415"}' in metrics


async def test_deleted_document_loses_every_version_and_is_announced(platform):
    subject, _ = await new_subject(platform)
    async with client(platform) as http:
        doc = (await upload(http, subject, "cv", "oud-cv.pdf", files.pdf())).json()
        keep = (await upload(http, subject, "photo", "pasfoto.jpg", files.JPEG)).json()
        assert (await http.delete(f"/api/documents/{doc['id']}")).status_code == 204
        assert (await http.delete(f"/api/documents/{doc['id']}")).status_code == 404
        items = (await http.get(f"/api/documents/candidates/{subject}")).json()["items"]
    assert [d["id"] for d in items] == [keep["id"]]
    left = await to_thread(versions, platform, subject)
    assert [(v.bucket_name, v.object_name) for v in left] == [
        (PHOTOS_BUCKET, f"{subject}/{keep['id']}")
    ]
    events = await outbox_events(platform, "documents.objects", subject)
    assert events[-1]["type"] == "document.deleted"
    assert events[-1]["data"]["document_id"] == doc["id"]
