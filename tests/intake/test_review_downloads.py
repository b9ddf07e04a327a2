"""A recruiter downloads a registration's file for review only if it passes the same checks
documents applies to every stored file (services/common/filecheck.py)."""

import httpx

from tests.documents import files
from tests.helpers import as_employee
from tests.intake.helpers import PDF, needs_review, post

# Starts like a PDF (all intake looks at on arrival) but opens with a hidden program launch.
LAUNCHING_PDF = files.pdf_with(
    catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>",
    objects=(b"<< /S /L#61unch /F (calc.exe) >>",),
)


async def review_download(platform, cv: bytes) -> httpx.Response:
    sent = await post(platform, needs_review(), cv=("cv.pdf", cv, "application/pdf"))
    assert sent.status_code == 202, sent.text
    reg_id = sent.json()["id"]
    recruiter = as_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("intake"), headers=recruiter) as http:
        item = (await http.get(f"/api/intake/review/{reg_id}")).json()
        [cv_file] = item["files"]
        return await http.get(f"/api/intake/review/{reg_id}/files/{cv_file['file_id']}")


async def test_a_review_download_of_a_pdf_that_launches_a_program_is_refused(platform):
    got = await review_download(platform, LAUNCHING_PDF)
    assert got.status_code == 415, got.text
    assert "not accepted" in got.json()["detail"]
    assert b"calc.exe" not in got.content


async def test_a_review_download_of_a_clean_cv_is_served(platform):
    got = await review_download(platform, PDF)
    assert got.status_code == 200 and got.content == PDF
