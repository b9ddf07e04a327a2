"""The main journeys in headless Chromium (Debian's, driven by Playwright), screenshots saved
under test-artifacts/gateway/."""

import email
import email.policy
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.gateway.conftest import PDF, Employee, registered_candidate, unique_registration
from tests.helpers import eventually

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "gateway"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


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


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def sign_in_as(page: Page, who: Employee) -> None:
    await page.goto("/login")
    await page.fill("#username", who.name)
    await page.fill("#password", who.password)
    await page.click("button[type=submit]:has-text('Inloggen')")


async def test_recruiter_searches_opens_a_profile_adds_a_note_checks_and_proposes(
    page, platform, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, recruiter_api)
    org = await recruiter_api.post(
        "/api/crm/organisations", json={"name": f"Klant {reg['last_name']}", "kind": "client"}
    )
    assert org.status_code == 201, org.text
    assignment = await recruiter_api.post(
        "/api/crm/assignments",
        json={
            "organisation_id": org.json()["id"],
            "vacancy": f"Directiesecretaresse {reg['last_name']}",
            "function_type": "executive_secretary",
        },
    )
    assert assignment.status_code == 201, assignment.text

    await sign_in_as(page, employees["recruiter"])
    await expect(page).to_have_url(re.compile(r"/candidates$"))
    await shot(page, "01-search")
    await page.fill("#query", reg["last_name"])
    await page.click("#search-form button[type=submit]")
    await expect(page.locator("#results")).to_contain_text(reg["last_name"])
    assert reg["last_name"] not in page.url  # the terms were posted
    await shot(page, "02-results")

    await page.click(f"a[href='/candidates/{candidate_id}']")
    await expect(page.locator("#profile")).to_contain_text("Sanne")
    assert reg["last_name"] not in await page.title()

    note = f"Telefonisch gesproken over {reg['last_name']}: zoekt 32 uur."
    await page.fill("#note-text", note)
    await page.click("#notes button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#notes")).to_contain_text(note)
    await shot(page, "03-profile-note")

    await page.select_option("#check-assignment", assignment.json()["id"])
    await page.fill("#work_situation", "Werkt 24 uur, wil meer uren")
    await page.check("#check-interested")
    await page.check("#check-consent")
    await page.check("#checks-form input[name=share][value=name]")
    await page.check("#checks-form input[name=share][value=work_experience]")
    await page.click("#checks-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#checks table")).to_contain_text("Werkt 24 uur")

    await page.select_option("#proposal-assignment", assignment.json()["id"])
    await page.click("#proposal button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#checks table")).to_contain_text("Voorgesteld")
    await shot(page, "04-profile-proposed")

    await page.set_viewport_size(PHONE)
    await shot(page, "05-profile-phone")


async def test_public_registration_page_shows_field_errors_then_accepts_the_example(page):
    reg = unique_registration()
    await page.goto("/register")
    await page.fill("#f-first_name", reg["first_name"])
    await page.fill("#f-email", "not-an-email")
    await page.set_input_files("#f-cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF}])  # fmt: skip
    await page.click("button[type=submit]:has-text('Versturen')")
    errors = page.locator("#form-errors")
    await expect(errors).to_be_visible()
    await expect(errors.locator("li[data-field='email']")).to_be_visible()
    await expect(page.locator(".field.invalid #f-email")).to_be_visible()
    await shot(page, "10-register-errors")

    await page.fill("#f-first_name", reg["first_name"])
    await page.fill("#f-last_name", reg["last_name"])
    await page.fill("#f-email", reg["email"])
    await page.fill("#f-phone", reg["phone"])
    await page.fill("#f-address-street", reg["address"]["street"])
    await page.fill("#f-address-postcode", reg["address"]["postcode"])
    await page.fill("#f-address-city", reg["address"]["city"])
    await page.fill("#f-birth_date", reg["birth_date"])
    await page.fill("#f-birth_place", reg["birth_place"])
    await page.select_option("#f-gender", reg["gender"])
    for function in reg["functions_sought"]:
        await page.check(f"input[name=functions_sought][value={function}]")
    await page.fill("#f-availability-available_from", reg["availability"]["available_from"])
    await page.fill("#f-availability-hours_per_week", str(reg["availability"]["hours_per_week"]))
    await page.fill("#f-availability-regions", ", ".join(reg["availability"]["regions"]))
    await page.fill("#f-languages", ", ".join(reg["languages"]))
    await page.check("input[name=work_permit_nl]")
    education = reg["education"][0]
    await page.select_option("#f-education-0-level", education["level"])
    await page.fill("#f-education-0-institution", education["institution"])
    await page.fill("#f-education-0-programme", education["programme"])
    await page.fill("#f-education-0-start", education["start"])
    await page.fill("#f-education-0-end", education["end"])
    await page.check("input[name='education.0.completed']")
    job = reg["work_experience"][1]
    await page.fill("#f-work_experience-0-employer", job["employer"])
    await page.fill("#f-work_experience-0-role", job["role"])
    await page.fill("#f-work_experience-0-start", job["start"])
    await page.fill("#f-we-desc", job["description"])
    await page.set_input_files("#f-cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF}])  # fmt: skip
    await page.check("input[name='consent.accepted']")
    await page.click("button[type=submit]:has-text('Versturen')")
    await expect(page.locator("#registered")).to_be_visible()
    # Everyone is told to look in the mailbox: a known address is asked to confirm there.
    await expect(page.locator("#registered-check-mail")).to_be_visible()
    assert reg["email"] not in page.url
    await shot(page, "11-registered")


async def test_privacy_officer_files_a_forget_me_and_watches_it_complete(
    page, platform, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    candidate_id, _ = await registered_candidate(platform, recruiter_api)

    await sign_in_as(page, employees["privacy_officer"])
    await expect(page).to_have_url(re.compile(r"/requests$"))
    await page.select_option("#req-type", "erasure")
    await page.select_option("#req-by", "candidate_id")
    await page.fill("#req-value", candidate_id)
    await page.click("#new-request button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}$"))
    await shot(page, "20-request-filed")

    async def complete() -> bool:
        await page.reload()
        return await page.locator("#request-status").get_attribute("data-status") == "complete"

    await eventually(complete, timeout=120, interval=1.0)
    await expect(page.locator("#request-status")).to_have_text("Afgerond")
    await expect(page.locator("#progress")).to_contain_text("candidates")
    await page.click("#btn-certificate")
    await expect(page.locator("#result")).to_contain_text("verklaring van verwijdering")
    await shot(page, "21-request-complete-certificate")


async def test_the_pages_switch_to_english_and_fit_a_phone(page, employees):
    await page.set_viewport_size(PHONE)
    await page.goto("/privacy")
    await expect(page.locator("h1")).to_have_text("Privacy")
    await expect(page.locator("#self-service")).to_contain_text("Je rechten")
    await page.click("a[lang=en]")
    await expect(page.locator("#self-service")).to_contain_text("Your rights")
    await shot(page, "30-privacy-phone-en")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # no sideways scrolling on a phone
    await page.click("a[lang=nl]")
    await sign_in_as(page, employees["admin"])
    await expect(page.locator("#health")).to_contain_text("candidates")
    await shot(page, "31-operations-phone")


async def test_a_person_asks_for_their_data_on_the_public_privacy_page(page, platform):
    address = f"zelf.{uuid.uuid4().hex[:10]}@example.nl"
    await page.goto("/privacy")
    await expect(page.locator(".statement")).to_contain_text("Privacyverklaring")
    await page.select_option("#type", "access")
    await page.fill("#email", address)
    await page.click("#self-service button[type=submit]")
    await expect(page.locator("#privacy-code-sent")).to_be_visible()
    assert address not in page.url

    mail_dir = Path(platform.endpoints.mail_dir)

    async def code() -> str | None:
        for path in mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                found = re.search(r"\b(\d{6})\b", message.get_body().get_content())
                return found[1] if found else None
        return None

    await page.fill("#code", await eventually(code, timeout=60, interval=0.5))
    await page.click("#self-service button[type=submit]")
    await expect(page.locator("#privacy-done")).to_be_visible()
    await shot(page, "12-privacy-self-service-done")


async def test_recruiter_records_a_contact_moment_at_the_dutch_time_she_typed(
    page, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    org = await recruiter_api.post(
        "/api/crm/organisations",
        json={"name": f"Klant {uuid.uuid4().hex[:8]}", "kind": "client"},
    )
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    # Yesterday 09:15 on the wall clock in Amsterdam: whatever the zone of the machine.
    amsterdam = ZoneInfo("Europe/Amsterdam")
    day = (datetime.now(amsterdam) - timedelta(days=1)).date()
    typed = datetime.combine(day, time(9, 15), tzinfo=amsterdam)

    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/crm/organisations/{org_id}")
    await page.fill("#m-when", f"{day.isoformat()}T09:15")
    await page.select_option("#m-channel", "phone")
    await page.fill("#m-report", "Gebeld over de vacature directiesecretaresse.")
    await page.click("form[action$='/contact-moments'] button[type=submit]")
    await expect(page).to_have_url(re.compile(rf"/crm/organisations/{org_id}(\?done=[a-z-]+)?$"))
    moments = page.locator("section.card", has_text="Contactmomenten")
    await expect(moments).to_contain_text(f"{day.isoformat()} 09:15")
    await expect(moments).to_contain_text("Telefoon")
    await expect(moments).to_contain_text("Gebeld over de vacature")
    await shot(page, "40-contact-moment")

    stored = await recruiter_api.get(f"/api/crm/organisations/{org_id}/contact-moments")
    [moment] = stored.json()
    assert datetime.fromisoformat(moment["occurred_at"]) == typed


async def test_privacy_officer_corrects_a_candidates_city_and_the_recruiter_sees_it(
    page, browser, platform, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    candidate_id, _ = await registered_candidate(platform, recruiter_api)

    await sign_in_as(page, employees["privacy_officer"])
    await page.select_option("#req-type", "rectification")
    await page.select_option("#req-by", "candidate_id")
    await page.fill("#req-value", candidate_id)
    await page.select_option("#fix_field_1", "address.city")
    await page.fill("#fix_value_1", "Zwolle")
    await page.select_option("#fix_field_2", "phone")
    await page.fill("#fix_value_2", "+31 6 55501234")
    await page.click("#new-request button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}$"))

    async def complete() -> bool:
        await page.reload()
        return await page.locator("#request-status").get_attribute("data-status") == "complete"

    await eventually(complete, timeout=120, interval=1.0)
    await expect(page.locator("#request-status")).to_have_text("Afgerond")
    await expect(page.locator("#progress")).to_contain_text("Woonplaats")
    await expect(page.locator("#progress")).to_contain_text("Telefoonnummer")
    await shot(page, "41-rectification-complete")

    recruiter = await browser.new_context(base_url=platform.url("gateway"), viewport=DESKTOP)
    try:
        tab = await recruiter.new_page()
        await sign_in_as(tab, employees["recruiter"])
        await tab.goto(f"/candidates/{candidate_id}")
        await expect(tab.locator("#contact")).to_contain_text("Zwolle")
        await expect(tab.locator("#contact")).to_contain_text("+31 6 55501234")
    finally:
        await recruiter.close()


async def test_privacy_officer_sees_the_alert_of_a_breach_she_reported_and_closes_it(
    page, platform, employees, signed_in
):
    summary = f"USB-stick met cv's verloren {uuid.uuid4().hex[:8]}"
    await sign_in_as(page, employees["privacy_officer"])
    await page.goto("/breaches")
    await page.fill("#b-summary", summary)
    discovered = datetime.now(ZoneInfo("Europe/Amsterdam")) - timedelta(hours=2)
    await page.fill("#b-discovered", discovered.strftime("%Y-%m-%dT%H:%M"))
    await page.fill("#b-categories", "cv, contactgegevens")
    await page.fill("#b-people", "40")
    await page.click("form[action='/breaches'] button[type=submit]")
    await expect(page.locator("#breach-list")).to_contain_text(summary)

    officer_api = await signed_in("privacy_officer")
    listed = (await officer_api.get("/api/privacy/breaches")).json()
    [breach] = [b for b in listed if b["summary"] == summary]
    deadline = (discovered.replace(second=0, microsecond=0) + timedelta(hours=72)).strftime(
        "%Y-%m-%d %H:%M"
    )

    alert = page.locator(f"#alerts tr[data-ref='{breach['id']}']")

    async def shown() -> bool:
        await page.goto("/requests")
        return await alert.count() == 1

    await eventually(shown, timeout=60, interval=1.0)
    await expect(alert).to_contain_text(f"Datalek vastgelegd: melden bij de AP vóór {deadline}")
    await expect(alert).to_contain_text("Nieuw")
    await alert.locator("button:has-text('Oppakken')").click()
    await expect(alert).to_contain_text("In behandeling")
    await expect(alert).to_contain_text(employees["privacy_officer"].name)
    await shot(page, "42-officer-alert")
    await alert.locator("button:has-text('Afgehandeld')").click()
    await expect(page).to_have_url(re.compile(r"/requests$"))
    await expect(alert).to_have_count(0)
