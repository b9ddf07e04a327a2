"""The recruiter's client-side work in headless Chromium: assignments, their pipeline and the
client export PDF, contact moments, organisations and contacts, paging. Screenshots under
test-artifacts/gateway/."""

import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.gateway.conftest import registered_candidate
from tests.gateway.test_browser import ARTIFACTS, CHROMIUM_ARGS, DESKTOP, shot, sign_in_as

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
    context = await browser.new_context(
        base_url=platform.url("gateway"), viewport=DESKTOP, accept_downloads=True
    )
    context.set_default_timeout(60_000)
    tab = await context.new_page()
    yield tab
    await context.close()


NEXT = date.today().year + 1
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# What crm says in English; a Dutch page shows none of it.
ENGLISH = ("the end lies", "consent", "no such", "may not be", "assignment is", "HTTP")


async def no_english(tab: Page) -> None:
    shown = await tab.locator("main").inner_text()
    assert not [w for w in ENGLISH if w in shown], shown


async def client_org(api, name: str = "") -> dict:
    resp = await api.post(
        "/api/crm/organisations",
        json={"name": name or f"Klant {uuid.uuid4().hex[:8]}", "kind": "client"},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


async def test_recruiter_creates_and_edits_an_assignment_for_a_client(page, employees, signed_in):
    api = await signed_in("recruiter")
    name = f"Advocatenkantoor {uuid.uuid4().hex[:8]}"
    vacancy = f"Directiesecretaresse {uuid.uuid4().hex[:6]}"

    await sign_in_as(page, employees["recruiter"])
    await page.goto("/crm")
    await page.fill("#org-name", name)
    await page.select_option("#org-kind", label="Opdrachtgever")
    await page.click("#organisation-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#organisation h2")).to_contain_text(name)
    await expect(page.locator("#organisation h2")).to_contain_text("Opdrachtgever")

    await page.fill("#a-vacancy", vacancy)
    await page.select_option("#a-function", label="Directiesecretaresse")
    await page.fill("#a-starts", f"{NEXT}-03-01")
    await page.fill("#a-ends", f"{NEXT}-01-31")  # before the start: refused, in Dutch
    await page.click("#assignment-form button[type=submit]")
    await expect(page.locator("#action-error")).to_contain_text(
        "Einddatum: de einddatum ligt voor de begindatum"
    )
    await no_english(page)
    await expect(page.locator("#a-vacancy")).to_have_value(vacancy)  # nothing typed is lost
    await page.fill("#a-ends", f"{NEXT}-08-31")
    await page.click("#assignment-form button[type=submit]")
    await expect(page.locator("#done")).to_have_text("Opdracht aangemaakt.")
    await expect(page.locator("#assignment h2")).to_contain_text(vacancy)
    await expect(page.locator("#assignment")).to_contain_text(name)
    await expect(page.locator("#assignment")).to_contain_text("Directiesecretaresse")
    await expect(page.locator("#assignment .badge")).to_have_text("Open")
    assignment_id = page.url.split("/crm/assignments/")[1].split("?")[0]
    await shot(page, "50-assignment-created")

    await page.click("#assignment summary")
    await page.fill("#ae-vacancy", f"{vacancy} (32 uur)")
    await page.select_option("#ae-function", label="Management assistant")
    await page.select_option("#ae-status", label="Geannuleerd")
    await page.click("#assignment-edit-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#assignment h2")).to_contain_text(f"{vacancy} (32 uur)")
    await expect(page.locator("#assignment .badge")).to_have_text("Geannuleerd")
    await expect(page.locator("#propose")).to_have_count(0)  # nobody is proposed for it now

    stored = (await api.get(f"/api/crm/assignments/{assignment_id}")).json()
    assert (stored["function_type"], stored["status"], stored["ends_on"]) == (
        "management_assistant",
        "cancelled",
        f"{NEXT}-08-31",
    )
    await page.click("#assignment summary")
    await page.select_option("#ae-status", label="Open")
    await page.click("#assignment-edit-form button[type=submit]")
    await expect(page.locator("#assignment .badge")).to_have_text("Open")

    # The overview lists it under its client, in words.
    await page.goto("/crm")
    await expect(page.locator("#assignments")).to_contain_text("Management assistant")


async def test_recruiter_runs_the_pipeline_only_with_consent_and_sends_the_client_a_pdf(
    page, platform, employees, signed_in
):
    api = await signed_in("recruiter")
    candidate_id, reg = await registered_candidate(platform, api)
    org = await client_org(api)
    job = await api.post(
        "/api/crm/assignments",
        json={
            "organisation_id": org["id"],
            "vacancy": f"Office manager {reg['last_name']}",
            "function_type": "office_manager",
        },
    )
    assert job.status_code == 201, job.text
    url = f"/crm/assignments/{job.json()['id']}"

    async def find_and_propose() -> None:
        await page.fill("#find-query", reg["last_name"])
        await page.click("#find-form button[type=submit]")
        assert reg["last_name"] not in page.url  # the terms were posted
        await expect(page.locator("#found")).to_contain_text(reg["last_name"])
        await page.click("#found button[type=submit]")

    await sign_in_as(page, employees["recruiter"])
    await page.goto(url)
    await expect(page.locator("#pipeline")).to_contain_text("Nog niemand voorgesteld")
    await find_and_propose()
    # No consent recorded for this assignment: nothing goes to the client.
    await expect(page.locator("#action-error")).to_contain_text("geen toestemming")
    await expect(page.locator("#pipeline")).to_contain_text("Nog niemand voorgesteld")
    await no_english(page)
    await shot(page, "51-proposal-refused-without-consent")

    # The recruiter checks with the candidate and records her consent on the profile.
    await page.goto(f"/candidates/{candidate_id}")
    await page.select_option("#check-assignment", job.json()["id"])
    await page.fill("#work_situation", "Werkt 24 uur, wil meer uren")
    await page.check("#check-interested")
    await page.check("#check-consent")
    await page.check("#checks-form input[name=share][value=name]")
    await page.check("#checks-form input[name=share][value=work_experience]")
    await page.click("#checks-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()

    await page.goto(url)
    await find_and_propose()
    await expect(page.locator("#done")).to_have_text("Kandidaat voorgesteld aan de opdrachtgever.")
    row = page.locator(f"#pipeline tr[data-candidate='{candidate_id}']")
    await expect(row).to_contain_text(f"{reg['first_name']} {reg['last_name']}")
    await expect(row.locator(".stage")).to_have_text("Voorgesteld")

    await row.get_by_role("button", name="In gesprek").click()
    await expect(page.locator("#done")).to_have_text("Fase bijgewerkt.")
    await expect(row.locator(".stage")).to_have_text("In gesprek")
    await row.get_by_role("button", name="Afgewezen").click()
    await expect(row.locator(".stage")).to_have_text("Afgewezen")
    await row.get_by_role("button", name="In gesprek").click()
    await expect(row.locator(".stage")).to_have_text("In gesprek")
    await shot(page, "52-pipeline-interviewing")

    # What the client receives: a readable PDF with only what she agreed to share.
    async with page.expect_download() as info:
        await row.get_by_role("button", name="Profiel als PDF").click()
    download = await info.value
    assert reg["last_name"] not in download.suggested_filename
    pdf = pypdf.PdfReader(io.BytesIO(open(await download.path(), "rb").read()))
    shared = "\n".join(p.extract_text() for p in pdf.pages)
    assert f"{reg['first_name']} {reg['last_name']}" in shared
    assert "Werkervaring" in shared and "Rabobank" in shared
    assert org["name"] in shared and "toestemming" in shared
    for withheld in (reg["email"], reg["phone"], "Keizersgracht", "Hogeschool", reg["birth_date"]):
        assert withheld not in shared

    await page.fill("#pl-starts", f"{NEXT}-02-01")
    await page.click("#placement-form button[type=submit]")
    await expect(page.locator("#done")).to_have_text("Plaatsing vastgelegd.")
    await expect(row.locator(".stage")).to_have_text("Geplaatst")
    await expect(page.locator("#assignment .badge")).to_have_text("Vervuld")
    await shot(page, "53-pipeline-placed")
    involvement = (await api.get(f"/api/candidates/{candidate_id}/placements")).json()
    assert [p["stage"] for p in involvement if p["assignment_id"] == job.json()["id"]] == ["placed"]


async def test_recruiter_corrects_and_deletes_a_contact_moment(page, employees, signed_in):
    api = await signed_in("recruiter")
    org = await client_org(api)
    person = await api.post(
        f"/api/crm/organisations/{org['id']}/contacts",
        json={"name": f"Marieke Jansen {uuid.uuid4().hex[:6]}", "function": "HR-manager"},
    )
    assert person.status_code == 201, person.text
    day = (datetime.now(AMSTERDAM) - timedelta(days=2)).date()

    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/crm/organisations/{org['id']}")
    await page.fill("#m-when", f"{day.isoformat()}T10:30")
    await page.select_option("#m-channel", label="Telefoon")
    await page.fill("#m-report", "Gebeld over de vacature, tiepfout.")
    await page.click("#moment-form button[type=submit]")
    moments = page.locator("#moments")
    await expect(moments).to_contain_text("tiepfout")

    await moments.get_by_role("link", name="Wijzigen").click()
    await expect(page.locator("#me-when")).to_have_value(f"{day.isoformat()}T10:30")
    tomorrow = (datetime.now(AMSTERDAM) + timedelta(days=1)).date()
    await page.fill("#me-when", f"{tomorrow.isoformat()}T09:00")
    await page.click("#moment-edit-form button[type=submit]")
    await expect(page.locator("#action-error")).to_contain_text(
        "Wanneer: deze datum ligt in de toekomst"
    )
    await no_english(page)
    await page.fill("#me-when", f"{day.isoformat()}T11:45")
    await page.select_option("#me-channel", label="Afspraak")
    await page.select_option("#me-contact", label=person.json()["name"])
    await page.fill("#me-report", "Kennismaking op kantoor.")
    await page.click("#moment-edit-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(moments).to_contain_text(f"{day.isoformat()} 11:45 · Afspraak")
    await expect(moments).to_contain_text(person.json()["name"])
    await expect(moments).to_contain_text("Kennismaking op kantoor.")
    await expect(moments).not_to_contain_text("tiepfout")
    [stored] = (await api.get(f"/api/crm/organisations/{org['id']}/contact-moments")).json()
    assert datetime.fromisoformat(stored["occurred_at"]) == datetime.combine(
        day, time(11, 45), tzinfo=AMSTERDAM
    )
    await shot(page, "54-contact-moment-corrected")

    await moments.get_by_role("link", name="Wijzigen").click()
    await page.click("#moment-delete-form button[type=submit]")
    await expect(page.locator("#done")).to_have_text("Verwijderd.")
    await expect(moments).to_contain_text("Nog geen contactmomenten.")
    assert (await api.get(f"/api/crm/organisations/{org['id']}/contact-moments")).json() == []


async def test_recruiter_edits_an_organisation_and_its_contact(page, employees, signed_in):
    api = await signed_in("recruiter")
    org = await client_org(api)
    job = await api.post(
        "/api/crm/assignments",
        json={"organisation_id": org["id"], "vacancy": "PA", "function_type": "office_manager"},
    )
    assert job.status_code == 201
    tag = uuid.uuid4().hex[:6]
    person = await api.post(
        f"/api/crm/organisations/{org['id']}/contacts",
        json={"name": f"Jan de Boer {tag}", "email": f"jan.{tag}@klant.example.nl"},
    )
    assert person.status_code == 201

    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/crm/organisations/{org['id']}")
    await page.click("#organisation summary")
    await page.fill("#org-edit-name", f"{org['name']} B.V.")
    await page.select_option("#org-edit-kind", label="Leverancier")
    await page.click("#org-edit-form button[type=submit]")
    # A client with assignment agreements stays a client; the name is not taken either.
    await expect(page.locator("#action-error")).to_contain_text(
        "deze opdrachtgever heeft opdrachten"
    )
    await no_english(page)
    await page.select_option("#org-edit-kind", label="Opdrachtgever")
    await page.click("#org-edit-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#organisation h2")).to_contain_text(f"{org['name']} B.V.")

    contacts = page.locator("#contacts")
    await contacts.get_by_role("link", name="Wijzigen").click()
    await expect(page.locator("#ce-email")).to_have_value(f"jan.{tag}@klant.example.nl")
    await page.fill("#ce-function", "Office manager")
    await page.fill("#ce-phone", "bel mij")
    await page.click("#contact-edit-form button[type=submit]")
    await expect(page.locator("#action-error")).to_contain_text("Telefoonnummer: ongeldige waarde")
    await no_english(page)
    await page.fill("#ce-phone", "+31 20 555 0199")
    await page.fill("#ce-email", "")
    await page.click("#contact-edit-form button[type=submit]")
    await expect(page.locator("#done")).to_be_visible()
    await expect(contacts).to_contain_text("Office manager")
    await expect(contacts).to_contain_text("+31 20 555 0199")
    await expect(contacts).not_to_contain_text(f"jan.{tag}@")
    await shot(page, "55-organisation-edited")
    stored = (await api.get(f"/api/crm/contacts/{person.json()['id']}")).json()
    assert (stored["function"], stored["email"]) == ("Office manager", None)


async def test_recruiter_pages_through_organisations_assignments_and_contact_moments(
    page, employees, signed_in
):
    api = await signed_in("recruiter")
    org = await client_org(api)
    now = datetime.now(AMSTERDAM).replace(microsecond=0)
    for i in range(21):
        resp = await api.post(
            f"/api/crm/organisations/{org['id']}/contact-moments",
            json={
                "occurred_at": (now - timedelta(hours=i + 1)).isoformat(),
                "channel": "email",
                "report": f"Bericht nummer {i + 1:02d}.",
            },
        )
        assert resp.status_code == 201
        resp = await api.post(
            "/api/crm/assignments",
            json={
                "organisation_id": org["id"],
                "vacancy": f"Vacature {i + 1:02d}",
                "function_type": "personal_assistant",
            },
        )
        assert resp.status_code == 201
        await client_org(api)  # more organisations than fit on one page

    await sign_in_as(page, employees["recruiter"])
    await page.goto(f"/crm/organisations/{org['id']}")
    moments = page.locator("#moments")
    await expect(moments.locator("li")).to_have_count(20)
    await expect(moments).to_contain_text("Bericht nummer 01.")  # newest first
    await expect(moments).not_to_contain_text("Bericht nummer 21.")
    await moments.get_by_role("link", name="Volgende").click()
    await expect(moments.locator("li")).to_have_count(1)
    await expect(moments).to_contain_text("Bericht nummer 21.")
    await expect(moments.get_by_role("link", name="Volgende")).to_have_count(0)
    await moments.get_by_role("link", name="Vorige").click()
    await expect(moments.locator("li")).to_have_count(20)

    jobs = page.locator("#assignments")
    await expect(jobs.locator("tbody tr")).to_have_count(20)
    await jobs.get_by_role("link", name="Volgende").click()
    await expect(jobs.locator("tbody tr")).to_have_count(1)
    await expect(jobs).to_contain_text("Vacature 01")  # the oldest last
    await shot(page, "56-paging")

    await page.goto("/crm")
    orgs = page.locator("#organisations")
    await expect(orgs.locator("tbody tr")).to_have_count(20)
    first_page = await orgs.locator("tbody").inner_text()
    await orgs.get_by_role("link", name="Volgende").click()
    await expect(page).to_have_url(re.compile(r"orgs=2"))
    await expect(orgs.get_by_role("link", name="Vorige")).to_be_visible()
    assert await orgs.locator("tbody").inner_text() != first_page
    await orgs.get_by_role("link", name="Vorige").click()
    await expect(orgs.locator("tbody tr")).to_have_count(20)
