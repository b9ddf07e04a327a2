"""A recruiter's work on a candidate's profile in headless Chromium, as a person does it:
every category edited, documents uploaded, replaced, viewed and deleted, the review queue's
CV and criteria, the search filters and paging. Screenshots under test-artifacts/gateway/."""

import re

import pytest
from playwright.async_api import Page, expect

from tests.gateway.conftest import PDF, registered_candidate
from tests.gateway.test_browser import browser, page, shot, sign_in_as  # noqa: F401

pytestmark = pytest.mark.browser

ENGLISH = re.compile(r"\b(Field required|value is not|Input should|not a field|service says)\b")


async def open_form(page: Page, details: str) -> None:
    await page.click(f"#{details} > summary")


async def save(page: Page, form: str) -> None:
    await page.click(f"#form-{form} button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()


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
