"""A recruiter's work on a candidate's profile in headless Chromium, as a person does it:
every category edited, documents uploaded, replaced, viewed and deleted, the review queue's
CV and criteria, the search filters and paging. Screenshots under test-artifacts/gateway/."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.candidates.support import Bus, person
from tests.documents.files import pdf, png
from tests.gateway.conftest import registered_candidate
from tests.gateway.test_browser import ARTIFACTS, CHROMIUM_ARGS, DESKTOP, shot, sign_in_as
from tests.intake.helpers import needs_review, post

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, platform) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=platform.url("gateway"), viewport=DESKTOP)
    context.set_default_timeout(60_000)
    tab = await context.new_page()
    yield tab
    await context.close()


PAGE_SIZE = REVIEW_PAGE = 20  # the gateway's list pages
ENGLISH = re.compile(r"\b(Field required|value is not|Input should|not a field|service says)\b")


async def open_form(tab: Page, details: str) -> None:
    await tab.click(f"#{details} > summary")


async def save(tab: Page, form: str) -> None:
    await tab.click(f"#form-{form} button[type=submit]")
    await expect(tab.locator("#done")).to_be_visible()


async def test_recruiter_edits_every_category_of_a_profile(page, platform, employees, signed_in):
    recruiter_api = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, recruiter_api)
    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/candidates/{candidate_id}")
    await expect(page.locator("#candidate-status")).to_have_text("Actief")

    # Contact: a wrong email is refused in Dutch, with what was typed still there.
    await open_form(page, "edit-contact")
    await page.fill("#contact-email", "sanne@voorbeeld")
    await page.fill("#contact-address-city", "Haarlem")
    await page.click("#form-contact button[type=submit]")
    problem = page.locator("[data-form=contact]")
    await expect(problem).to_contain_text("E-mailadres: geen geldig e-mailadres")
    assert not ENGLISH.search(await page.locator("main").inner_text())
    await expect(page.locator("#contact-address-city")).to_have_value("Haarlem")
    await shot(page, "30-profile-contact-refused")
    await page.fill("#contact-email", reg["email"])
    await page.fill("#contact-phone", "+31 6 11112222")
    await save(page, "contact")
    await expect(page.locator("#contact")).to_contain_text("Haarlem")
    await expect(page.locator("#contact")).to_contain_text("+31 6 11112222")

    # Education, an internship changed, a job, a training and a test added.
    await open_form(page, "add-education")
    await page.select_option("#education-new-level", "mbo")
    await page.fill("#education-new-institution", "ROC van Amsterdam")
    await page.check("#education-new-completed")
    await save(page, "education-new")
    await expect(page.locator("#sec-education")).to_contain_text("ROC van Amsterdam")

    await open_form(page, "edit-internships-0")
    await page.fill("#internships-0-role", "Stagiair directiesecretariaat")
    await save(page, "internships-0")
    await expect(page.locator("#row-internships-0")).to_contain_text("directiesecretariaat")

    await open_form(page, "add-work_experience")
    await page.fill("#work_experience-new-employer", "Philips")
    await page.fill("#work_experience-new-role", "Office manager")
    await page.fill("#work_experience-new-start", "2010-01-01")
    await page.fill("#work_experience-new-end", "2012-06-30")
    await save(page, "work_experience-new")
    await expect(page.locator("#sec-work_experience")).to_contain_text("Philips")

    await open_form(page, "add-trainings")
    await page.fill("#trainings-new-name", "Time management")
    await page.fill("#trainings-new-year", "2023")
    await save(page, "trainings-new")
    await open_form(page, "add-tests")
    await page.fill("#tests-new-name", "Taaltoets Nederlands")
    await page.fill("#tests-new-result", "C1")
    await save(page, "tests-new")
    await expect(page.locator("#sec-tests")).to_contain_text("Taaltoets Nederlands")

    # Availability and leave.
    await open_form(page, "edit-availability")
    await page.fill("#availability-hours_per_week", "24")
    await page.fill("#availability-regions", "Noord-Holland, Flevoland")
    await save(page, "availability")
    await expect(page.locator("#availability")).to_contain_text("Flevoland")
    await open_form(page, "add-leave")
    await page.fill("#leave-new-start", "2027-08-01")
    await page.fill("#leave-new-reason", "zwangerschapsverlof")
    await save(page, "leave-new")
    await expect(page.locator("#sec-leave")).to_contain_text("zwangerschapsverlof")

    # References: one added, then changed; the original removed. A testimonial added.
    await open_form(page, "add-references")
    await page.fill("#references-new-name", "Marieke Bos")
    await page.fill("#references-new-organisation", "ING")
    await save(page, "references-new")
    await open_form(page, "edit-references-1")
    await page.fill("#references-1-relation", "leidinggevende")
    await save(page, "references-1")
    await page.click("#delete-references-0 button")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#sec-references")).not_to_contain_text("Pieter Jansen")
    await expect(page.locator("#row-references-0")).to_contain_text("leidinggevende")
    await open_form(page, "add-testimonials")
    await page.fill("#testimonials-new-author", "Heineken")
    await page.fill("#testimonials-new-text", "Zeer betrouwbaar en zelfstandig.")
    await save(page, "testimonials-new")
    await shot(page, "31-profile-edited")

    body = (await recruiter_api.get(f"/api/candidates/{candidate_id}")).json()
    assert body["address"]["city"] == "Haarlem" and body["phone"] == "+31 6 11112222"
    assert body["education"][-1] == {
        "level": "mbo", "institution": "ROC van Amsterdam", "completed": True
    }  # fmt: skip
    assert body["internships"][0]["role"] == "Stagiair directiesecretariaat"
    assert body["work_experience"][-1]["end"] == "2012-06-30"
    assert body["trainings"][-1] == {"name": "Time management", "year": 2023}
    assert body["availability"]["regions"] == ["Noord-Holland", "Flevoland"]
    assert body["availability"]["hours_per_week"] == 24
    assert body["leave"][-1] == {"start": "2027-08-01", "reason": "zwangerschapsverlof"}
    assert body["references"] == [
        {"name": "Marieke Bos", "organisation": "ING", "relation": "leidinggevende"}
    ]
    assert body["testimonials"][-1]["text"] == "Zeer betrouwbaar en zelfstandig."

    # The same page in English says the same in English.
    await page.click("a[lang=en]")
    await expect(page.locator("#sec-references h2")).to_have_text("References")
    await expect(page.locator("#candidate-status")).to_have_text("Active")


async def test_recruiter_uploads_views_replaces_and_deletes_documents(
    page, platform, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    candidate_id, _ = await registered_candidate(platform, recruiter_api)

    async def documents() -> list[dict]:
        got = await recruiter_api.get(f"/api/documents/candidates/{candidate_id}")
        assert got.status_code == 200, got.text
        return got.json()["items"]

    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/candidates/{candidate_id}")
    await open_form(page, "add-document")
    await page.select_option("#upload-kind", "cv")
    await page.set_input_files(
        "#upload-file", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    await page.click("#upload-doc button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    before = await documents()
    cv = next(d for d in before if d["original_name"] == "cv.pdf")
    await expect(page.locator(f"#doc-{cv['id']}")).to_contain_text("Cv")

    # A text file as a photo is refused with a message in Dutch; nothing is stored.
    await open_form(page, "add-document")
    await page.select_option("#upload-kind", "photo")
    await page.set_input_files(
        "#upload-file", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"hallo"}]
    )
    await page.click("#upload-doc button[type=submit]")
    await expect(page.locator("[data-form=documents-new]")).to_contain_text(
        "Dit soort bestand accepteren we niet"
    )
    assert not ENGLISH.search(await page.locator("main").inner_text())
    assert len(await documents()) == len(before)
    await shot(page, "32-documents-refused")

    # A real photo is stored and shown as an image.
    await page.select_option("#upload-kind", "photo")
    await page.set_input_files(
        "#upload-file", files=[{"name": "pasfoto.png", "mimeType": "image/png", "buffer": png()}]
    )
    await page.click("#upload-doc button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    photo = next(d for d in await documents() if d["kind"] == "photo")
    await expect(page.locator(f"#doc-{photo['id']}")).to_contain_text("Pasfoto")
    await page.click(f"#view-{photo['id']}")
    image = page.locator("#document-photo")
    await expect(image).to_be_visible()
    await page.wait_for_function(
        "document.querySelector('#document-photo').naturalWidth > 0", timeout=30_000
    )
    await shot(page, "33-document-photo")

    # The CV previewed inline, as a PDF, under a CSP without script.
    await page.goto(f"/candidates/{candidate_id}")
    async with page.expect_response(lambda r: "disposition=inline" in r.url) as shown:
        await page.click(f"#view-{cv['id']}")
    response = await shown.value
    headers = await response.all_headers()
    assert response.status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline;")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    await expect(page.locator("#document-preview")).to_be_visible()
    await shot(page, "34-document-cv-preview")

    # The CV replaced by a new one: the old is gone, one CV is left.
    await page.goto(f"/candidates/{candidate_id}")
    await open_form(page, f"replace-{cv['id']}")
    new_cv = pdf("Nieuw cv")
    await page.set_input_files(
        f"#replace-file-{cv['id']}",
        files=[{"name": "cv-2026.pdf", "mimeType": "application/pdf", "buffer": new_cv}],
    )
    await page.click(f"#replace-doc-{cv['id']} button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    names = [d["original_name"] for d in await documents()]
    assert "cv-2026.pdf" in names and cv["id"] not in [d["id"] for d in await documents()]
    await expect(page.locator("#documents")).to_contain_text("cv-2026.pdf")

    # The photo deleted.
    await page.click(f"#delete-doc-{photo['id']} button")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator(f"#doc-{photo['id']}")).to_have_count(0)
    assert photo["id"] not in [d["id"] for d in await documents()]
    await shot(page, "35-documents-after")


@pytest.fixture(scope="module")
async def bus(platform) -> AsyncIterator[Bus]:
    """Profiles made as intake's hand-off makes them, many at once (search and paging)."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.endpoints.kafka_bootstrap, acks="all")
    await producer.start()
    b = Bus(platform, producer)
    try:
        yield b
    finally:
        await b.http.aclose()
        await producer.stop()


async def search(page: Page, **fields: str) -> list[str]:
    """Fill in the search form as given, submit, and read the names in the results."""
    await page.goto("/candidates")
    for name, value in fields.items():
        if name in ("function_type", "education_level"):
            await page.select_option(f"#{name}", value)
        else:
            await page.fill(f"#{name}", value)
    await page.click("#search-form button[type=submit]")
    await expect(page.locator("#results")).to_be_visible()
    return sorted(await page.locator("#results tbody tr td:first-child").all_inner_texts())


async def test_all_six_search_filters_work_from_the_form(page, bus, employees):
    tag = f"Filter{uuid.uuid4().hex[:8]}"
    a = person(first_name="Anna", last_name=tag)  # the example: Amsterdam 1015, hbo, since 2012
    b = person(
        first_name="Bram", last_name=tag, address={"postcode": "3511 AB", "city": "Utrecht"},
        functions_sought=["office_manager"], education=[{"level": "mbo", "completed": True}],
        work_experience=[{"employer": "KLM", "role": "Office manager", "start": "2024-06-01"}],
        availability={"available_from": "2027-06-01", "regions": ["Gelderland"]},
    )  # fmt: skip
    await bus.handoff(a)
    await bus.handoff(b)
    await sign_in_as(page, employees["recruiter"])
    anna, bram, both = [f"Anna {tag}"], [f"Bram {tag}"], [f"Anna {tag}", f"Bram {tag}"]
    assert await search(page, query=tag) == both
    assert await search(page, query=tag, function_type="office_manager") == bram
    assert await search(page, query=tag, region="Gelderland") == bram
    assert await search(page, query=tag, available_by="2027-02-01") == anna
    assert await search(page, query=tag, postcode_area="1015") == anna
    assert await search(page, query=tag, min_years_experience="5") == anna
    assert await search(page, query=tag, education_level="hbo") == anna
    # The filters stay filled in with the results.
    await expect(page.locator("#education_level")).to_have_value("hbo")
    await shot(page, "36-search-filters")


async def test_candidates_list_pages_forward_and_back(page, bus, employees):
    tag = f"Pager{uuid.uuid4().hex[:8]}"
    await asyncio.gather(*(bus.handoff(person(last_name=tag)) for _ in range(PAGE_SIZE + 1)))
    await sign_in_as(page, employees["recruiter"])
    await page.fill("#query", tag)
    await page.click("#search-form button[type=submit]")
    rows = page.locator("#results tbody tr")
    await expect(rows).to_have_count(PAGE_SIZE)
    await expect(page.locator("#pager")).to_contain_text("Pagina 1 / 2")
    await page.click("#pager button:has-text('Volgende')")
    await expect(rows).to_have_count(1)
    await expect(page.locator("#pager")).to_contain_text("Pagina 2 / 2")
    await shot(page, "37-candidates-page-2")
    await page.click("#pager button:has-text('Vorige')")
    await expect(rows).to_have_count(PAGE_SIZE)


async def test_review_queue_shows_the_cv_and_failed_criteria_and_pages(page, platform, employees):
    # More than a page of registrations a recruiter must look at (too little experience).
    sent = await asyncio.gather(*(post(platform, needs_review()) for _ in range(REVIEW_PAGE + 1)))
    assert all(s.status_code == 202 for s in sent), [s.text for s in sent]
    last = f"#reg-{sent[-1].json()['id']}"
    await sign_in_as(page, employees["recruiter"])
    await page.goto("/intake")
    articles = page.locator("article.registration")
    await expect(articles).to_have_count(REVIEW_PAGE)
    on_first = await articles.evaluate_all("a => a.map(x => x.id)")

    # Oldest first: the recruiter pages on to the newest registration.
    seen = set(on_first)
    while not await page.locator(last).count():
        await page.click("#queue-next")
        await expect(page).to_have_url(re.compile(r"/intake\?page=\d+$"))
        here = await articles.evaluate_all("a => a.map(x => x.id)")
        assert here and not seen & set(here)
        seen |= set(here)
    mine = page.locator(last)
    experience = mine.locator("[data-criterion=experience]")
    await expect(experience).to_contain_text("Relevante werkervaring")
    await expect(experience).to_contain_text("ter beoordeling")
    assert not re.search(r"\b(unmet|review|experience|cv)\b", await mine.inner_text())
    await shot(page, "38-review-queue")
    await page.click("#queue-previous")
    await expect(articles).to_have_count(REVIEW_PAGE)
    await page.go_back()

    async with page.expect_response(lambda r: "disposition=inline" in r.url) as shown:
        await mine.locator("a.button:has-text('Bekijken: Cv')").click()
    response = await shown.value
    headers = await response.all_headers()
    assert response.status == 200 and headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == "inline"
    assert "default-src 'none'" in headers["content-security-policy"]
    await expect(page.locator("#document-preview")).to_be_visible()

    # In English the criteria are in English.
    await page.go_back()
    where = page.url
    await page.click("a[lang=en]")
    await page.goto(where)
    await expect(mine.locator("[data-criterion=experience]")).to_contain_text(
        "Relevant work experience"
    )
