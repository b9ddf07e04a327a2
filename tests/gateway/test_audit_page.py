"""The audit trail page: what it refuses, in the reader's language, and who may export it."""

from services.gateway.pages_admin import csv_cell
from tests.helpers import csrf_of


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted():
    for cell in ("=1+2", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(cell) == "'" + cell
    for cell in ("/api/candidates/1", "read", "a=b", "", None):
        assert csv_cell(cell) == ("" if cell is None else cell)


async def test_bad_filters_are_refused_in_the_readers_language(signed_in):
    officer = await signed_in("privacy_officer")
    token = csrf_of(await officer.get("/audit", headers={"Accept": "text/html"}))
    for path in ("/audit", "/audit/export"):
        for form in (
            {"from": "2025-13-01"},
            {"from": "2025-02-01", "until": "2025-01-01"},
            {"user": "iemand met spaties"},
        ):
            page = await officer.post(path, data=form | {"csrf_token": token})
            assert page.status_code == 422, (path, form)
            assert "text/html" in page.headers["content-type"]
            assert "Vul een geldige datum in" in page.text or "bestaat uit letters" in page.text
    officer.cookies.set("lang", "en")
    english = await officer.post("/audit", data={"from": "gisteren", "csrf_token": token})
    assert english.status_code == 422 and "Enter a valid date" in english.text
    forged = await officer.post("/audit/export", data={"csrf_token": "wrong"})
    assert forged.status_code == 403


async def test_a_recruiter_can_neither_read_nor_export_the_audit_trail(signed_in):
    recruiter = await signed_in("recruiter")
    token = csrf_of(await recruiter.get("/candidates", headers={"Accept": "text/html"}))
    for path in ("/audit", "/audit/export"):
        refused = await recruiter.post(path, data={"csrf_token": token})
        assert refused.status_code == 403
        assert "text/csv" not in refused.headers.get("content-type", "")
