"""The erasure verification scan as a job: the officer starts it (202 with an id) and polls
its state and result; what the officer typed in is never stored; a restart interrupts it (it
can be started again); finished jobs are forgotten after a while; the gateway's request page
starts a scan and follows it to its result."""

import asyncio
import json
import os
import signal
import uuid
from pathlib import Path

import httpx

from tests.gateway.conftest import add_employee, sign_in
from tests.helpers import as_employee, csrf_of, eventually, fetch
from tests.privacy.support import (
    officer,
    registered_candidate,
    scan_finished,
    start_scan,
    unique_person,
    verification_scan,
)


def traces_of(person: dict, candidate_id: str) -> list[str]:
    digits = "".join(ch for ch in person["phone"] if ch.isdigit())
    return [person["email"], person["phone"], digits, candidate_id]


async def stored_job(platform, job_id: str) -> str:
    [row] = await fetch(platform, "privacy", "SELECT * FROM scan_jobs WHERE id = $1::uuid", job_id)
    return json.dumps({k: str(v) for k, v in dict(row).items()})


async def test_a_scan_is_a_job_whose_result_says_where_but_stores_no_identifier(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    identifiers = {"email": person["email"], "phone": person["phone"], "subject": candidate_id}
    async with officer(platform) as client:
        resp = await client.post("/api/privacy/scans", json=identifiers)
        assert resp.status_code == 202, resp.text
        started = resp.json()
        assert resp.headers["location"] == f"/api/privacy/scans/{started['id']}"
        assert started["status"] in ("queued", "running")
        assert started["result"] is None
        assert sorted(started["looks_for"]) == ["email", "phone", "subject"]

        job = await scan_finished(client, started["id"])
        assert job["status"] == "done", job
        assert job["finished_at"] and job["progress"]["phase"] == "finished"
        assert job["progress"]["records_read"] >= 1
        # The person is still here (nothing was erased): the scan says where.
        places = {h["where"] for h in job["result"]["hits"]}
        assert {"privacy:subject_keys", "database:candidates:candidates"} <= places, job
        assert "topic:intake.registrations" in places, job

        # The answer, the list and the stored row name no identifier.
        listing = (await client.get("/api/privacy/scans", params={"limit": 100})).json()
        assert started["id"] in {j["id"] for j in listing}
        stored = await stored_job(platform, started["id"])
        for trace in traces_of(person, candidate_id):
            assert trace not in json.dumps(job) and trace not in json.dumps(listing), trace
            assert trace not in stored, trace
    # Nor did the service log one.
    log = (Path(platform.root) / "logs" / "privacy.log").read_text(errors="replace")
    assert person["email"] not in log and candidate_id not in log


async def test_unknown_malformed_and_forbidden_scans(platform):
    async with officer(platform) as client:
        assert (await client.get(f"/api/privacy/scans/{uuid.uuid4()}")).status_code == 404
        assert (await client.get("/api/privacy/scans/kapot")).status_code == 422
        for body in ({}, {"email": "geen-adres"}, {"subject": "x"}, {"email": "a@b.nl", "x": 1}):
            resp = await client.post("/api/privacy/scans", json=body)
            assert resp.status_code == 422, (body, resp.text)
    recruiter = as_employee(platform, "recruiter", "recruiter-scan")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=recruiter) as http:
        resp = await http.post("/api/privacy/scans", json={"email": "a@b.nl"})
        assert resp.status_code == 403


async def test_several_scans_at_once_each_finish_with_their_own_result(platform):
    people = [unique_person() for _ in range(3)]
    ids = await asyncio.gather(*(registered_candidate(platform, p) for p in people))
    async with officer(platform) as client:
        jobs = await asyncio.gather(
            *(verification_scan(client, {"subject": cid}) for cid in ids),
            verification_scan(client, {"subject": str(uuid.uuid4())}),  # nobody
        )
    for result in jobs[:3]:
        assert "privacy:subject_keys" in {h["where"] for h in result["hits"]}, result
    assert jobs[3]["hits"] == [] and jobs[3]["clean"] is True, jobs[3]


async def test_too_many_scans_wait_no_more_and_a_restart_interrupts_the_rest(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    identifiers = {"email": person["email"], "subject": candidate_id}
    async with officer(platform) as client:
        # A data service that hangs (stopped, not dead) holds the scans in their database
        # phase: two run at a time, the others wait, and past SCAN_MAX_JOBS (8) one is refused.
        documents = platform.procs["documents"].pid
        os.killpg(documents, signal.SIGSTOP)
        try:
            job_ids = [await start_scan(client, identifiers) for _ in range(8)]
            busy = await client.post("/api/privacy/scans", json=identifiers)
            assert busy.status_code == 429 and "try again" in busy.json()["detail"]

            async def two_running():
                jobs = [(await client.get(f"/api/privacy/scans/{j}")).json() for j in job_ids]
                return sorted(j["status"] for j in jobs) == ["queued"] * 6 + ["running"] * 2

            await eventually(two_running, timeout=10)
            platform.kill("privacy")
        finally:
            os.killpg(documents, signal.SIGCONT)
        platform.spawn("privacy")
        await asyncio.to_thread(platform.wait_healthy, "privacy")
        jobs = [await scan_finished(client, j, timeout=60) for j in job_ids]
        assert [j["status"] for j in jobs] == ["interrupted"] * 8, jobs
        assert all("start it again" in j["error"] and j["result"] is None for j in jobs)

        # Started again (the identifiers typed in again), it runs to the end.
        again = await verification_scan(client, identifiers)
        assert "privacy:subject_keys" in {h["where"] for h in again["hits"]}


async def test_finished_scans_are_forgotten_after_a_day(platform):
    async with officer(platform) as client:
        old = await scan_finished(client, await start_scan(client, {"subject": str(uuid.uuid4())}))
        recent = await scan_finished(
            client, await start_scan(client, {"subject": str(uuid.uuid4())})
        )
        await fetch(
            platform,
            "privacy",
            "UPDATE scan_jobs SET finished_at = now() - interval '25 hours' WHERE id = $1::uuid",
            old["id"],
        )
        admin = as_employee(platform, "admin", "admin-scan")
        done = (await client.post("/api/privacy/housekeeping", headers=admin)).json()
        assert done["scans_forgotten"] >= 1
        assert (await client.get(f"/api/privacy/scans/{old['id']}")).status_code == 404
        assert (await client.get(f"/api/privacy/scans/{recent['id']}")).status_code == 200


async def test_the_request_page_starts_a_scan_and_follows_it_to_the_result(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "access", "subject": {"candidate_id": candidate_id}},
        )
        assert resp.status_code == 201, resp.text
    request_id = resp.json()["id"]

    browser = await sign_in(platform, add_employee(platform, "privacy_officer"))
    try:
        page = await browser.get(f"/requests/{request_id}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and 'id="scan-form"' in page.text
        csrf = csrf_of(page)
        started = await browser.post(
            f"/requests/{request_id}/scan",
            data={"csrf_token": csrf, "email": person["email"], "subject": candidate_id},
        )
        assert started.status_code == 303, started.text
        scan_url = started.headers["location"]
        assert scan_url.startswith(f"/requests/{request_id}/scans/")
        assert person["email"] not in scan_url

        async def result_shown():
            page = await browser.get(scan_url, headers={"Accept": "text/html"})
            assert page.status_code == 200, page.text
            if 'http-equiv="refresh"' in page.text:  # still running: the page polls itself
                assert 'id="scan-phase"' in page.text
                return None
            return page.text

        text = await eventually(result_shown, timeout=120, interval=0.5)
        assert 'id="scan-status">Klaar<' in text and 'id="scan-result"' in text
        assert "privacy:subject_keys" in text
        # The typed-in email is not put back on the page.
        assert person["email"] not in text

        bad = await browser.get(f"/requests/{request_id}/scans/{uuid.uuid4()}")
        assert bad.status_code == 404
    finally:
        await browser.aclose()
