"""The officer's request steps over plain HTTP: bad input gets a 4xx in the page's language,
and a recruiter cannot take the officer's steps."""

import uuid

from tests.helpers import csrf_of

HTML = {"Accept": "text/html"}


async def test_bad_extension_input_is_refused_in_dutch_and_english(signed_in):
    officer = await signed_in("privacy_officer")
    filed = await officer.post(
        "/api/privacy/requests",
        json={"type": "access", "subject": {"email": f"x.{uuid.uuid4().hex[:8]}@example.nl"}},
    )
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    page = await officer.get(f"/requests/{request_id}", headers=HTML)
    csrf = csrf_of(page)

    too_long = await officer.post(
        f"/requests/{request_id}/extend",
        data={"csrf_token": csrf, "working_days": "99", "reason": "complex"},
        headers=HTML,
    )
    assert too_long.status_code == 422
    assert "Geef een aantal werkdagen van 1 tot en met 40." in too_long.text
    no_reason = await officer.post(
        f"/requests/{request_id}/cancel", data={"csrf_token": csrf, "reason": ""}, headers=HTML
    )
    assert no_reason.status_code == 422 and "Geef een reden" in no_reason.text
    # The request is complete already (nobody holds the address): the service refuses.
    closed = await officer.post(
        f"/requests/{request_id}/extend",
        data={"csrf_token": csrf, "working_days": "5", "reason": "complex"},
        headers=HTML,
    )
    assert closed.status_code == 409
    assert "Dat kan niet in deze stand van het verzoek" in closed.text
    officer.cookies.set("lang", "en")
    english = await officer.post(
        f"/requests/{request_id}/extend",
        data={"csrf_token": csrf, "working_days": "0", "reason": "complex"},
        headers=HTML,
    )
    assert english.status_code == 422 and "Give a number of working days" in english.text
    no_csrf = await officer.post(
        f"/requests/{request_id}/retry", data={"csrf_token": "wrong"}, headers=HTML
    )
    assert no_csrf.status_code == 403


async def test_a_recruiter_cannot_extend_retry_or_cancel_a_request(signed_in):
    officer = await signed_in("privacy_officer")
    filed = await officer.post(
        "/api/privacy/requests",
        json={"type": "access", "subject": {"email": f"y.{uuid.uuid4().hex[:8]}@example.nl"}},
    )
    request_id = filed.json()["id"]
    recruiter = await signed_in("recruiter")
    csrf = recruiter.headers["X-CSRF-Token"]
    for step, data in (
        ("extend", {"working_days": "5", "reason": "complex"}),
        ("retry", {}),
        ("cancel", {"reason": "ingetrokken"}),
    ):
        resp = await recruiter.post(
            f"/requests/{request_id}/{step}", data={"csrf_token": csrf} | data, headers=HTML
        )
        assert resp.status_code == 403, step
        api = await recruiter.post(f"/api/privacy/requests/{request_id}/{step}", json=data)
        assert api.status_code == 403, step
    history = (await officer.get(f"/api/privacy/requests/{request_id}")).json()["history"]
    assert all(h["actor"] != "recruiter" for h in history)
    assert [h["status"] for h in history][-1] == "complete"


async def test_a_recruiter_cannot_see_or_add_complaints(signed_in):
    recruiter = await signed_in("recruiter")
    assert (await recruiter.get("/complaints", headers=HTML)).status_code == 403
    resp = await recruiter.post(
        "/complaints",
        data={"csrf_token": recruiter.headers["X-CSRF-Token"], "received_on": "2026-01-05",
              "summary": "een klacht"},
        headers=HTML,
    )  # fmt: skip
    assert resp.status_code == 403


async def test_a_spreadsheet_formula_in_a_register_is_exported_as_text(signed_in):
    officer = await signed_in("privacy_officer")
    name = f'=HYPERLINK("http://example.invalid") {uuid.uuid4().hex[:6]}'
    added = await officer.post(
        "/api/privacy/processors",
        json={"name": name, "service": "-x", "data_categories": ["@a"],
              "agreement_date": "2024-01-01"},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    exported = await officer.get("/registers/processors.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in exported.text and ",'-x,'@a," in exported.text
    recruiter = await signed_in("recruiter")
    assert (await recruiter.get("/registers/processors.csv")).status_code == 403
