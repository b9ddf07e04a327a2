"""A document shown inline (the profile's CV preview and photo): its own type, inline, and a
CSP under which nothing in it can run; a download stays an attachment that nothing frames."""

from services.documents import domain
from tests.documents import files
from tests.documents.stack import client, new_subject, upload


async def test_a_cv_and_a_photo_are_shown_inline_without_script(platform):
    subject, _ = await new_subject(platform)
    async with client(platform) as http:
        cv = (await upload(http, subject, "cv", "cv.pdf", files.pdf("Mijn CV"))).json()
        photo = (await upload(http, subject, "photo", "pasfoto.png", files.png())).json()
        shown = {}
        for doc in (cv, photo):
            link = (await http.post(f"/api/documents/{doc['id']}/links")).json()["url"]
            inline = await http.get(link, params={"disposition": "inline"})
            attached = await http.get(link)
            shown[doc["content_type"]] = inline
            assert inline.status_code == attached.status_code == 200
            assert inline.headers["content-disposition"].startswith("inline;")
            assert attached.headers["content-disposition"].startswith("attachment;")
            assert inline.headers["x-content-type-options"] == "nosniff"
            assert inline.headers["x-frame-options"] == "SAMEORIGIN"
            assert attached.headers["x-frame-options"] == "DENY"
            csp = inline.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp
            assert "frame-ancestors 'self'" in csp
            assert "sandbox" in attached.headers["content-security-policy"]
            assert (await http.get(link, params={"disposition": "open"})).status_code == 422

    assert shown[domain.PDF].headers["content-type"] == domain.PDF
    assert shown[domain.PNG].headers["content-type"] == domain.PNG
    # An image may be sandboxed; Chromium's PDF viewer refuses to run in a sandbox.
    assert "sandbox" in shown[domain.PNG].headers["content-security-policy"]
    assert "sandbox" not in shown[domain.PDF].headers["content-security-policy"]
