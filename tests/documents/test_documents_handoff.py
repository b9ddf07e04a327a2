"""A registration's files arrive through intake's hand-off: fetched, checked again, stored."""

import json
import random
import uuid

import httpx

from services.common.keys import open_sealed
from services.documents import domain
from tests.documents import files
from tests.documents.stack import client, to_thread, versions
from tests.helpers import as_employee, eventually, example, fetch, subject_key


async def register(platform, cv: tuple[str, bytes], photo: tuple[str, bytes] | None) -> str:
    tag = uuid.uuid4().hex[:10]
    reg = example("registration-accepted") | {
        "email": f"documents.{tag}@example.nl",
        "last_name": f"Documenten{tag}",
        "phone": f"+31 6 {uuid.uuid4().int % 10**8:08d}",  # a phone of its own: not reviewed
    }
    upload = {"cv": (cv[0], cv[1], "application/pdf")}
    if photo:
        upload["photo"] = (photo[0], photo[1], "image/png")
    # A client address of its own, as the gateway forwards it (intake limits per client).
    client_ip = f"2001:db8::{random.getrandbits(16):x}:{random.getrandbits(16):x}"
    async with httpx.AsyncClient(base_url=platform.url("intake"), timeout=60) as http:
        resp = await http.post(
            "/api/intake/registrations",
            data={"registration": json.dumps(reg)},
            files=upload,
            headers={"X-Forwarded-For": client_ip},
        )
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


async def events_of(platform, registration_id: str) -> list[dict]:
    rows = await fetch(
        platform,
        "documents",
        "SELECT payload FROM outbox WHERE topic = 'documents.objects'"
        " AND convert_from(payload, 'UTF8')::jsonb->>'correlation_id' = $1 ORDER BY seq",
        registration_id,
    )
    return [json.loads(r["payload"]) for r in rows]


async def test_registration_files_become_encrypted_documents_with_searchable_cv_text(platform):
    cv = files.pdf("Executive secretary Heineken raad van bestuur")
    reg_id = await register(platform, ("Sanne CV.pdf", cv), ("pasfoto.png", files.png()))

    async def both_stored():
        events = await events_of(platform, reg_id)
        return events if len(events) == 2 else None

    events = await eventually(both_stored, timeout=90)
    assert {e["type"] for e in events} == {"document.stored"}
    subject = events[0]["subject"]
    key = await subject_key(platform, subject)
    by_kind = {e["data"]["kind"]: e for e in events}
    assert by_kind["cv"]["data"]["content_type"] == domain.PDF
    assert "raad van bestuur" in open_sealed(key, by_kind["cv"]["sealed"], subject)["text"]
    assert by_kind["photo"]["sealed"] is None

    async with client(platform) as http:
        listed = (await http.get(f"/api/documents/candidates/{subject}")).json()["items"]
    assert {(d["kind"], d["original_name"], d["registration_id"]) for d in listed} == {
        ("cv", "Sanne CV.pdf", reg_id),
        ("photo", "pasfoto.png", reg_id),
    }
    assert next(d for d in listed if d["kind"] == "cv")["sha256"] == domain.sha256(cv)
    assert len(await to_thread(versions, platform, subject)) == 2


async def test_a_registration_file_that_fails_the_second_check_is_refused_not_stored(platform):
    truncated = files.pdf()[:-80]  # intake's first look (magic bytes) lets it through
    reg_id = await register(platform, ("cv.pdf", truncated), None)

    events = await eventually(lambda: events_of(platform, reg_id), timeout=90)
    assert [e["type"] for e in events] == ["document.rejected"]
    assert events[0]["data"]["reason"] == "the PDF is incomplete (truncated)"
    subject = events[0]["subject"]
    assert await to_thread(versions, platform, subject) == []
    assert not await fetch(
        platform, "documents", "SELECT 1 FROM documents WHERE registration_id = $1::uuid", reg_id
    )
    async with client(platform) as http:
        assert (await http.get(f"/api/documents/candidates/{subject}")).json()["items"] == []


async def test_words_from_a_registered_cv_find_the_candidate_in_recruiter_search(platform):
    word = f"notulist{uuid.uuid4().hex[:8]}"  # only in this CV, never in the profile
    reg_id = await register(
        platform, ("cv.pdf", files.pdf(f"Ervaren {word} bij de gemeente")), None
    )
    [stored] = await eventually(lambda: events_of(platform, reg_id), timeout=90)
    assert stored["type"] == "document.stored"

    async def found():
        async with httpx.AsyncClient(
            base_url=platform.url("candidates"), headers=as_employee(platform, "recruiter")
        ) as http:
            resp = await http.post("/api/candidates/search", json={"query": word})
        assert resp.status_code == 200, resp.text
        return [c["id"] for c in resp.json()["items"]]

    assert await eventually(found, timeout=60) == [stored["subject"]]
