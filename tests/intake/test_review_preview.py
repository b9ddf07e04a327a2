"""The review queue's CV preview: the checked file served inline, as its own type, under a
CSP without script; the plain download stays an attachment nobody may frame."""

import httpx

from tests.helpers import as_employee
from tests.intake.helpers import PDF, needs_review, post


async def test_a_registrations_cv_is_shown_inline_without_script(platform):
    sent = await post(platform, needs_review(), cv=("cv.pdf", PDF, "application/pdf"))
    assert sent.status_code == 202, sent.text
    reg_id = sent.json()["id"]
    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        [cv] = (await http.get(f"/api/intake/review/{reg_id}")).json()["files"]
        url = f"/api/intake/review/{reg_id}/files/{cv['file_id']}"
        inline = await http.get(url, params={"disposition": "inline"})
        attached = await http.get(url)
        wrong = await http.get(url, params={"disposition": "run"})

    assert inline.status_code == 200 and inline.content == PDF
    assert inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"] == "inline"
    assert inline.headers["x-content-type-options"] == "nosniff"
    assert inline.headers["x-frame-options"] == "SAMEORIGIN"
    csp = inline.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert attached.headers["content-disposition"] == "attachment"
    assert attached.headers["x-frame-options"] == "DENY"
    assert "sandbox" in attached.headers["content-security-policy"]
    assert wrong.status_code == 422
