"""What the documents service accepts, judged from the bytes alone (pure domain, no stack)."""

import time
import zlib

import pytest

from services.documents import domain
from tests.documents import files


def test_real_cv_files_are_accepted_with_their_sniffed_type():
    assert domain.validate("cv", files.pdf()) == domain.PDF
    assert domain.validate("cv", files.docx()) == domain.DOCX
    assert domain.validate("photo", files.png()) == domain.PNG
    assert domain.validate("photo", files.JPEG) == domain.JPEG


def test_compressed_pdf_cv_is_accepted_and_its_text_extracted():
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Office manager Zwolle) Tj ET")
    assert domain.inspect("cv", files.pdf(flate=stream)) == (domain.PDF, "Office manager Zwolle")


def test_cv_text_is_extracted_from_pdf_and_docx():
    assert "directiesecretaresse" in domain.inspect("cv", files.pdf())[1]
    text = domain.inspect("cv", files.docx("Office manager", "Amersfoort"))[1]
    assert text.split() == ["Office", "manager", "Amersfoort"]
    assert domain.inspect("photo", files.png()) == (domain.PNG, None)


@pytest.mark.parametrize(
    ("kind", "data", "status"),
    [
        ("cv", files.EXECUTABLE, 415),  # a program renamed to cv.pdf
        ("cv", files.pdf()[:-40], 422),  # truncated PDF
        ("cv", files.pdf()[:200], 422),
        ("cv", files.with_zip_appended(files.pdf()), 415),  # PDF + ZIP polyglot
        ("photo", files.with_zip_appended(files.png()), 415),
        ("photo", files.with_zip_appended(files.JPEG), 415),
        ("photo", files.png() + b"<script>alert(1)</script>", 415),
        ("photo", files.JPEG[:-30], 422),  # truncated JPEG
        ("photo", files.png()[:-12], 422),  # PNG without its end
        ("photo", files.png(width=50_000, height=50_000), 422),  # pixel bomb
        ("photo", files.pdf(), 415),  # a document is not a photo
        ("cv", files.png(), 415),  # and a photo is not a CV
        ("cv", b"", 422),
        ("cv", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", 422),  # no pages
        ("cv", files.zip_bomb_docx(), 422),
        ("cv", files.pdf_bomb(), 422),
        ("certificate", files.pdf_bomb(), 422),
        ("cv", files.docx(extra={"word/vbaProject.bin": b"macro"}), 415),
        ("cv", b"PK\x03\x04" + b"\x00" * 100, 422),  # damaged zip
    ],
)
def test_hostile_or_wrong_files_are_refused(kind, data, status):
    with pytest.raises(domain.Rejected) as caught:
        domain.validate(kind, data)
    assert caught.value.status == status, str(caught.value)


def test_docx_with_entity_declarations_is_refused_in_any_encoding():
    laughs = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    utf8 = files.document_xml("&b;", prolog=laughs)
    utf16 = utf8.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    for document in (utf8.encode(), utf16):
        data = files.docx(document=document)
        with pytest.raises(domain.Rejected, match="declarations"):
            domain.validate("cv", data)


def test_pdf_with_javascript_is_refused():
    data = files.pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )
    with pytest.raises(domain.Rejected, match="scripts"):
        domain.validate("cv", data)


def test_size_limits_are_10_mb_for_documents_and_5_mb_for_photos():
    big_photo = files.png()[:-12] + b"\x00" * (5 * domain.MB) + files.png()[-12:]
    with pytest.raises(domain.Rejected) as caught:
        domain.validate("photo", big_photo)
    assert caught.value.status == 413
    with pytest.raises(domain.Rejected) as caught:
        domain.validate("cv", b"%PDF-1.4\n" + b" " * (10 * domain.MB))
    assert caught.value.status == 413


def test_download_links_expire_and_cannot_be_forged():
    secret = b"k" * 32
    token = domain.sign_link(secret, domain.Link("doc-1", "user-1", int(time.time()) + 300))
    assert domain.read_link(secret, token, time.time()).document_id == "doc-1"
    with pytest.raises(domain.LinkExpired):
        domain.read_link(secret, token, time.time() + 301)
    payload, _, mac = token.partition(".")
    forged = domain._b64(b'["doc-2", "user-1", 9999999999]') + "." + mac
    for bad in (forged, payload, token + "x", "", "....", "a.b"):
        with pytest.raises(domain.LinkInvalid):
            domain.read_link(secret, bad, time.time())
    with pytest.raises(domain.LinkInvalid):
        domain.read_link(b"other" * 8, token, time.time())


def test_file_names_lose_paths_and_control_characters():
    assert domain.clean_name("C:\\fakepath\\cv Sanne.pdf", domain.PDF) == "cv Sanne.pdf"
    assert domain.clean_name("../../etc/passwd\x00", domain.PDF) == "passwd"
    assert domain.clean_name(None, domain.DOCX) == "document.docx"
    assert domain.export_name("id", "CV Zoë de Vries.pdf") == "id-CV_Zoe_de_Vries.pdf"


def test_a_pdf_built_to_be_slow_to_read_is_stored_without_its_text():
    started = time.monotonic()
    content_type, text = domain.inspect("cv", files.pdf("Heel lange tekst " * 150_000))
    assert content_type == domain.PDF and text == ""
    assert time.monotonic() - started < 2


SCRIPT = b"<< /S /JavaScript /JS (app.alert(1)) >>"
GOTO = b"<< /S /GoTo /D [3 0 R /Fit] >>"


@pytest.mark.parametrize(
    "data",
    [
        # Names written with #xx escapes are the same names: /J#61vaScript is /JavaScript.
        files.pdf_with(catalog=b"/OpenAction << /S /J#61vaScript /#4AS (app.alert(1)) >>"),
        # Actions run when a page opens or closes (additional actions), escaped or not.
        files.pdf_with(page=b"/AA << /O 6 0 R >>", objects=(GOTO,)),
        files.pdf_with(page=b"/#41A << /O 6 0 R >>", objects=(GOTO,)),
        # A harmless-looking OpenAction whose /Next starts a program.
        files.pdf_with(
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>",
            objects=(b"<< /S /L#61unch /F (calc.exe) >>",),
        ),
        # The same chain, its action compressed in an object stream: no byte of it is visible.
        files.pdf_hiding_in_an_object_stream(
            b"<< /S /Launch /F (calc.exe) >>",
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>",
        ),
        files.pdf_hiding_in_an_object_stream(SCRIPT, catalog=b"/Names << /JavaScript 6 0 R >>"),
        # An object nothing refers to is still read by viewers that rebuild a damaged file.
        files.pdf_with(objects=(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",)),
    ],
    ids=["escaped-names", "page-aa", "escaped-aa", "next-launch", "objstm-launch",
         "objstm-names", "orphan-script"],
)  # fmt: skip
def test_pdf_with_active_content_anywhere_in_any_spelling_is_refused(data):
    with pytest.raises(domain.Rejected, match="not accepted") as caught:
        domain.validate("cv", data)
    assert caught.value.status == 415


def test_pdfs_with_harmless_actions_and_links_are_accepted():
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://x) >> >>"
    data = files.pdf_with(
        catalog=b"/OpenAction [3 0 R /Fit]", page=b"/Annots [6 0 R]", objects=(link,)
    )
    assert domain.validate("cv", data) == domain.PDF
    hidden = files.pdf_hiding_in_an_object_stream(
        b"<< /S /GoTo /D [3 0 R /Fit] >>", catalog=b"/OpenAction 6 0 R"
    )
    assert domain.validate("cv", hidden) == domain.PDF


@pytest.mark.parametrize(
    ("target", "rel_type"),
    [
        ("https://evil.example/template.dotm", "attachedTemplate"),  # remote template
        ("file://///evil.example/share/pixel.png", "image"),  # leaks the reader's credentials
        ("https://evil.example/frame.html", "frame"),
        ("https://evil.example/object.bin", "oleObject"),
    ],
)
def test_docx_with_external_relations_is_refused(target, rel_type):
    with pytest.raises(domain.Rejected, match="external") as caught:
        domain.validate("cv", files.docx_with_relation(target, rel_type))
    assert caught.value.status == 415


def test_docx_with_embedded_objects_is_refused():
    embedded = [
        files.docx(extra={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100}),
        files.docx(extra={"word/activeX/activeX1.xml": b"<ax/>"}),
        files.docx_with_relation("embeddings/Microsoft_Excel.xlsx", "package", external=False),
        files.docx_with_relation("embeddings/oleObject1.bin", "oleObject", external=False),
    ]
    for data in embedded:
        with pytest.raises(domain.Rejected, match="embedded") as caught:
            domain.validate("cv", data)
        assert caught.value.status == 415


def test_docx_with_a_hyperlink_is_accepted():
    # A link to a LinkedIn profile is external too, but only followed when clicked.
    data = files.docx_with_relation("https://www.linkedin.com/in/someone", "hyperlink")
    assert domain.validate("cv", data) == domain.DOCX
