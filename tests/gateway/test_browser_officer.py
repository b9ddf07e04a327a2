"""The privacy officer's desk in headless Chromium: extending, retrying and cancelling a request
and reading its history; filtering and paging the request list. Screenshots under
test-artifacts/gateway/."""

import csv
import io
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.gateway.conftest import PDF, registered_candidate, unique_registration
from tests.gateway.test_browser import ARTIFACTS, CHROMIUM_ARGS, DESKTOP, shot, sign_in_as
from tests.helpers import eventually, fetch
from tests.privacy.support import mails_to, officer
from tests.privacy.test_service_down import age_request, housekeeping

pytestmark = pytest.mark.browser
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# As test_browser's (fixtures are per module there).
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


async def file_request(page: Page, kind: str, by: str, value: str, reply_to: str = "") -> str:
    """File a request on the requests page, the way the officer does; its id."""
    await page.goto("/requests")
    await page.select_option("#req-type", kind)
    await page.select_option("#req-by", by)
    await page.fill("#req-value", value)
    if reply_to:
        await page.fill("#req-reply-to", reply_to)
    if kind == "rectification":
        await page.select_option("#fix_field_1", "function")
        await page.fill("#fix_value_1", "Office manager")
    await page.click("#new-request button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


async def status_becomes(page: Page, status: str) -> None:
    async def reached() -> bool:
        await page.reload()
        return await page.locator("#request-status").get_attribute("data-status") == status

    await eventually(reached, timeout=120, interval=1.0)


async def test_officer_extends_cancels_and_retries_requests_and_reads_their_history(
    page, platform, employees, signed_in
):
    recruiter_api = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, recruiter_api)
    org = await recruiter_api.post(
        "/api/crm/organisations", json={"name": f"Klant {reg['last_name']}", "kind": "client"}
    )
    assert org.status_code == 201, org.text
    contact = await recruiter_api.post(
        f"/api/crm/organisations/{org.json()['id']}/contacts",
        json={"name": "Els Visser", "function": "HR-adviseur"},
    )
    assert contact.status_code == 201, contact.text
    answer_to = f"antwoord.{uuid.uuid4().hex[:10]}@example.nl"
    name = employees["privacy_officer"].name
    await sign_in_as(page, employees["privacy_officer"])

    platform.kill("crm")  # its answer stays out: the requests stay open
    try:
        access_id = await file_request(page, "access", "candidate_id", candidate_id, answer_to)
        await expect(page.locator("#request-status")).to_have_text("In behandeling")

        # Extend: a complex request, with a reason; the person is mailed the new date.
        await page.fill("#extend-days", "10")
        await page.fill("#extend-reason", "Veel bronnen te doorzoeken")
        await page.click("#btn-extend")
        history = page.locator("#history-table")
        await expect(history).to_contain_text(
            "Termijn verlengd met 10 werkdagen: Veel bronnen te doorzoeken"
        )
        await expect(history).to_contain_text("Verlenging aan de persoon gemaild")
        row = history.locator("tr", has_text="Termijn verlengd")
        await expect(row).to_contain_text(name)
        shown = datetime.strptime(
            (await row.locator("td").first.inner_text()).strip(), "%Y-%m-%d %H:%M:%S"
        ).replace(tzinfo=AMSTERDAM)
        assert abs(datetime.now(AMSTERDAM) - shown) < timedelta(minutes=2)  # Amsterdam time
        await expect(page.locator("#request")).to_contain_text("10")  # extended days
        await shot(page, "50-officer-extended")
        [told] = await eventually(lambda: _mails(platform, answer_to, "langer"), timeout=30)
        assert "Veel bronnen te doorzoeken" in told.get_payload(decode=True).decode()

        # The due-date filter: once overdue, it is among the overdue requests.
        await age_request(
            platform, access_id, "UPDATE requests SET due_on = current_date - 1 WHERE id = $1::uuid"
        )
        await page.goto("/requests")
        await page.select_option("#filter-due", "overdue")
        await page.click("#btn-filter")
        await expect(page).to_have_url(re.compile(r"due=overdue"))
        await expect(page.locator(f"#request-list a[href='/requests/{access_id}']")).to_have_count(
            1
        )

        # Cancel: a correction the contact withdrew (crm is down, so it is still open).
        rect_id = await file_request(page, "rectification", "contact_id", contact.json()["id"])
        await page.fill("#cancel-reason", "De persoon trok het verzoek in")
        await page.click("#btn-cancel")
        await expect(page.locator("#request-status")).to_have_text("Geannuleerd")
        await expect(page.locator("#history-table")).to_contain_text(
            "Geannuleerd: De persoon trok het verzoek in"
        )
        await expect(page.locator("#request-steps")).not_to_contain_text("Termijn verlengen")
        await shot(page, "51-officer-cancelled")
        assert rect_id != access_id

        # crm never answers: after the re-sends the request stops in error; the officer
        # retries it.
        async with officer(platform) as client:
            await age_request(
                platform,
                access_id,
                "UPDATE request_progress SET sent_at = now() - interval '1 hour', attempts = 99"
                " WHERE request_id = $1::uuid AND status = 'pending'",
            )
            await housekeeping(client, platform)
        await page.goto(f"/requests/{access_id}")
        await status_becomes(page, "error")
        await expect(page.locator("#request")).to_contain_text("Geen antwoord van crm")
        await page.click("#btn-retry")
        await expect(page.locator("#request-status")).to_have_text("In behandeling")
        await expect(
            page.locator("#history-table tr", has_text="Opnieuw geprobeerd")
        ).to_contain_text(name)
        await shot(page, "52-officer-retried")
    finally:
        platform.spawn("crm")
        platform.wait_healthy("crm")

    # crm is back and answers: complete, and the person hears the outcome.
    await status_becomes(page, "complete")
    await expect(page.locator("#history-table")).to_contain_text("Uitkomst aan de persoon gemaild")
    [done] = await eventually(lambda: _mails(platform, answer_to, "afgehandeld"), timeout=30)
    assert "/privacy/export/" in done.get_payload(decode=True).decode()

    # The history in English, with no Dutch left in it.
    await page.click("a[lang=en]")
    await expect(page.locator("#history-table")).to_contain_text(
        "Deadline extended by 10 working days"
    )
    await expect(page.locator("#history-table")).to_contain_text("Retried")
    await page.click("a[lang=nl]")


async def _mails(platform, address: str, subject_word: str) -> list:
    return [m for m in mails_to(platform, address) if subject_word in m["Subject"]]


async def test_officer_filters_the_request_list_by_type_and_status_and_pages_through_it(
    page, employees, signed_in
):
    officer_api = await signed_in("privacy_officer")
    for _ in range(21):  # more than a page of them
        resp = await officer_api.post(
            "/api/privacy/requests",
            json={
                "type": "unsubscribe",
                "subject": {"email": f"lijst.{uuid.uuid4().hex[:10]}@example.nl"},
            },
        )
        assert resp.status_code == 201, resp.text

    await sign_in_as(page, employees["privacy_officer"])
    await page.select_option("#filter-type", "unsubscribe")
    await page.select_option("#filter-status", "complete")
    await page.click("#btn-filter")
    rows = page.locator("#request-list tbody tr")
    await expect(rows).to_have_count(20)
    for text in await rows.all_inner_texts():
        assert "Uitschrijven" in text and "Afgerond" in text
    await expect(page.locator("#page-number")).to_have_text("Pagina 1")
    await shot(page, "53-officer-filtered")
    await page.click("#page-next")
    await expect(page.locator("#page-number")).to_have_text("Pagina 2")
    await expect(page).to_have_url(
        re.compile(r"type=unsubscribe.*status=complete|status=complete.*type=unsubscribe")
    )
    assert await rows.count() >= 1
    for text in await rows.all_inner_texts():
        assert "Uitschrijven" in text
    await page.click("#page-prev")
    await expect(page.locator("#page-number")).to_have_text("Pagina 1")

    # A filter nothing matches says so.
    await page.goto("/requests?type=access&status=identity_unverified&due=overdue")
    await expect(page.locator("#no-requests")).to_have_text("Geen verzoeken gevonden.")


async def test_officer_records_a_complaint_and_closes_it_with_its_outcome(page, employees):
    what = f"Kandidaat klaagt over een herhaalde benadering {uuid.uuid4().hex[:8]}"
    await sign_in_as(page, employees["privacy_officer"])
    await page.click("nav.main a[href='/complaints']")
    await expect(page.locator("h1")).to_have_text("Klachtenregister")
    await page.fill("#c-summary", what)  # the date is today unless changed
    await page.click("#btn-add-complaint")
    row = page.locator("tr.complaint", has_text=what)
    await expect(row).to_contain_text("Open")

    # Closing needs an outcome: the browser asks for it, and so does the page.
    await row.locator("textarea[name=outcome]").fill("Van de lijst gehaald; excuses gemaild")
    await row.locator("button[type=submit]").click()
    row = page.locator("tr.complaint", has_text=what)
    await expect(row).to_contain_text("Afgehandeld")
    await expect(row).to_contain_text("Van de lijst gehaald; excuses gemaild")
    await shot(page, "54-officer-complaint-closed")

    await page.select_option("#c-filter", "open")
    await page.click("#btn-filter-complaints")
    await expect(page.locator("tr.complaint", has_text=what)).to_have_count(0)
    await page.select_option("#c-filter", "closed")
    await page.click("#btn-filter-complaints")
    await expect(page.locator("tr.complaint", has_text=what)).to_have_count(1)

    # A date in the future is refused on the page, in Dutch.
    await page.evaluate("document.getElementById('c-received').removeAttribute('max')")
    await page.fill("#c-received", "2099-01-01")
    await page.fill("#c-summary", "Een klacht uit de toekomst")
    await page.click("#btn-add-complaint")
    await expect(page.locator("#complaint-problem")).to_have_text(
        "De datum van ontvangst ligt in de toekomst."
    )


async def test_officer_adds_and_edits_a_processor_and_downloads_the_register_as_csv(
    page, employees
):
    name = f"Loonbureau {uuid.uuid4().hex[:8]}"
    await sign_in_as(page, employees["privacy_officer"])
    await page.click("nav.main a[href='/registers']")
    section = page.locator("section#processors")
    await section.locator("#processors-new-name").fill(name)
    await section.locator("#processors-new-service").fill("=salarisadministratie")
    await section.locator("#processors-new-data_categories").fill("NAW-gegevens\nBSN")
    await section.locator("#processors-new-agreement_date").fill("2024-03-01")
    await section.locator("form[action='/registers/processors'] button").click()
    entry = page.locator("section#processors details.register-entry", has_text=name)
    await expect(entry).to_have_count(1)

    # Edit: the service changes.
    await entry.locator("summary").click()
    await entry.locator("input[name=service]").fill("Salaris- en pensioenadministratie")
    await entry.locator("button[type=submit]").click()
    entry = page.locator("section#processors details.register-entry", has_text=name)
    await expect(entry).to_contain_text("Salaris- en pensioenadministratie")
    await shot(page, "55-officer-registers")

    # A processor without data categories is refused on the page, in Dutch.
    await section.locator("#processors-new-name").fill("Onvolledig")
    await section.locator("#processors-new-service").fill("iets")
    await section.locator("#processors-new-agreement_date").fill("2024-03-01")
    await page.evaluate(
        "document.getElementById('processors-new-data_categories').removeAttribute('required')"
    )
    await section.locator("form[action='/registers/processors'] button").click()
    await expect(page.locator("#register-problem")).to_have_text("Vul in: Soorten gegevens.")

    async with page.expect_download() as started:
        await page.click("#csv-processors")
    download = await started.value
    assert download.suggested_filename == "verwerkers.csv"
    rows = list(csv.reader(io.StringIO(Path(await download.path()).read_text("utf-8-sig"))))
    assert rows[0] == [
        "Naam",
        "Dienst voor ons",
        "Soorten gegevens",
        "Verwerkersovereenkomst sinds",
    ]
    assert [name, "Salaris- en pensioenadministratie", "NAW-gegevens; BSN", "2024-03-01"] in rows
    assert all(len(r) == 4 for r in rows)

    async with page.expect_download() as started:
        await page.click("#csv-activities")
    activities = (await started.value).path()
    rows = list(csv.reader(io.StringIO(Path(await activities).read_text("utf-8-sig"))))
    assert rows[0] == ["Naam", "Doelen", "Betrokkenen", "Soorten gegevens"]
    assert any(r[0] == "Bemiddeling van kandidaten" for r in rows[1:])


# Late: once a version dated today is published, registrations consenting to the first one
# (the examples) are refused, so this runs after the tests that register people.
@pytest.mark.late
async def test_officer_publishes_a_statement_version_and_registrations_consent_to_it(
    page, platform, employees, signed_in
):
    version = date.today().isoformat()
    text = (
        f"Privacyverklaring Allegro Talent, versie {version}.\n\n"
        "Wij bewaren je gegevens zolang je ingeschreven bent en vragen elk jaar of dat zo "
        "mag blijven. Je kunt altijd inzage, correctie of verwijdering vragen.\n"
    )
    await sign_in_as(page, employees["privacy_officer"])
    await page.click("nav.main a[href='/statements']")
    await expect(page.locator("tr.statement-row[data-version='2018-05']")).to_be_visible()
    await page.fill("#s-version", version)
    await page.fill("#s-date", version)
    await page.set_input_files(
        "#s-file",
        files=[{"name": "verklaring.txt", "mimeType": "text/plain", "buffer": text.encode()}],
    )
    await page.click("#btn-publish")
    await expect(page.locator(f"tr.statement-row[data-version='{version}']")).to_contain_text(
        "Geldt nu"
    )
    await shot(page, "56-officer-statement-published")

    # A version never changes: publishing it again is refused, in Dutch.
    await page.fill("#s-version", version)
    await page.fill("#s-body", "Andere tekst. " * 10)
    await page.click("#btn-publish")
    await expect(page.locator("#statement-problem")).to_contain_text("Deze versie bestaat al")

    # One dated later is published ahead: not in force yet.
    officer_api = await signed_in("privacy_officer")
    ahead = (date.today() + timedelta(days=30)).isoformat()
    resp = await officer_api.post(
        "/api/privacy/statements",
        json={"version": ahead, "published_on": ahead, "title": "Privacyverklaring",
              "body": "Later. " * 30},
    )  # fmt: skip
    assert resp.status_code in (201, 409), resp.text

    # The public page shows the version in force; the earlier one stays readable.
    await page.goto("/privacy")
    await expect(page.locator(".statement")).to_contain_text("vragen elk jaar of dat zo")
    await expect(page.locator("#statement-version")).to_contain_text(version)
    await page.click("#statement-version a[href='/privacy/versions']")
    await expect(page.locator("#versions")).not_to_contain_text(ahead)
    await page.click("a[href='/privacy/versions/2018-05']")
    await expect(page.locator("#shown-version")).to_contain_text("2018-05")
    await expect(page.locator(".statement")).to_contain_text("binnen 10 werkdagen")
    await shot(page, "57-earlier-statement")

    # The registration form consents to the version in force, and the profile records it.
    await page.goto("/register")
    hidden = page.locator("input[name='consent.privacy_statement_version']")
    await expect(hidden).to_have_value(version)
    reg = unique_registration()
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as anonymous:

        async def register(consent_to: str) -> httpx.Response:
            body = reg | {"consent": {"accepted": True, "privacy_statement_version": consent_to}}
            return await anonymous.post(
                "/api/intake/registrations",
                data={"registration": json.dumps(body)},
                files={"cv": ("cv.pdf", PDF, "application/pdf")},
            )

        accepted = await register(version)
        assert accepted.status_code == 202, accepted.text
        old = await register("2018-05")
        assert old.status_code == 422, old.text
        assert old.json()["errors"][0]["field"] == "consent.privacy_statement_version"

    async def consented_to() -> str | None:
        rows = await fetch(
            platform,
            "candidates",
            "SELECT profile->'consent'->>'privacy_statement_version' AS v FROM candidates"
            " WHERE profile->>'email' = $1",
            reg["email"],
        )
        return rows[0]["v"] if rows else None

    assert await eventually(consented_to, timeout=120) == version


async def test_officer_reads_what_is_kept_how_long_on_the_retention_page(page, employees):
    await sign_in_as(page, employees["privacy_officer"])
    await page.click("nav.main a[href='/retention']")
    kept = page.locator("#retention-settings")
    await expect(kept.locator("tr[data-kept='kept_candidates']")).to_contain_text("730 dagen")
    await expect(kept.locator("tr[data-kept='kept_candidates']")).to_contain_text("30 dagen")
    await expect(kept.locator("tr[data-kept='kept_contacts']")).to_contain_text(
        "Contactpersonen van zakelijke relaties"
    )
    await expect(kept.locator("tr[data-kept='kept_contacts']")).to_contain_text("730 dagen")
    await expect(kept.locator("tr[data-kept='kept_events']")).to_contain_text("14 dagen")
    await expect(kept.locator("tr[data-kept='kept_dead_letters']")).to_contain_text("90 dagen")
    await shot(page, "58-officer-retention-settings")
