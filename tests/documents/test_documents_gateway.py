"""The front door: a signed-in recruiter uploads, gets a download link and opens it, all through
the gateway, and the link works for nobody else."""

import secrets
import subprocess
import sys
import uuid

import httpx

from services.documents import domain
from tests.documents import files
from tests.documents.stack import new_subject


async def signed_in_recruiter(platform) -> httpx.AsyncClient:
    name, password = f"docs-recruiter-{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(18)
    made = subprocess.run(
        [sys.executable, "-m", "services.gateway", "users", "add", name, "--role", "recruiter"],
        input=password + "\n",
        env=platform.service_env("gateway"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    http = httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60)
    resp = await http.post("/api/auth/login", json={"username": name, "password": password})
    assert resp.status_code == 200, resp.text
    http.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
    return http


async def test_recruiter_downloads_a_document_through_the_gateway_with_a_personal_link(platform):
    subject, _ = await new_subject(platform)
    cv = files.pdf("Office manager Rotterdam")
    me, colleague = await signed_in_recruiter(platform), await signed_in_recruiter(platform)
    try:
        resp = await me.post(
            f"/api/documents/candidates/{subject}",
            data={"kind": "cv"},
            files={"file": ("cv.pdf", cv, "application/pdf")},
        )
        assert resp.status_code == 201, resp.text
        document_id = resp.json()["id"]
        listed = (await me.get(f"/api/documents/candidates/{subject}")).json()["items"]
        assert [d["id"] for d in listed] == [document_id]

        link = (await me.post(f"/api/documents/{document_id}/links")).json()
        got = await me.get(link["url"])
        assert got.status_code == 200
        assert got.content == cv
        assert got.headers["content-type"] == domain.PDF
        assert got.headers["content-disposition"].startswith("attachment;")

        assert (await colleague.get(link["url"])).status_code == 403
    finally:
        await me.aclose()
        await colleague.aclose()
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        assert (await anonymous.get(link["url"])).status_code in (401, 403)
