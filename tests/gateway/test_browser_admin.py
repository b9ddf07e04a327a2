"""The admin's and every employee's own account work in headless Chromium: users created,
disabled and enabled, roles changed, one's own password changed; screenshots saved under
test-artifacts/gateway/."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, Page, expect

from services.common.envelope import Envelope
from tests.gateway import test_browser
from tests.gateway.conftest import Employee, add_employee
from tests.gateway.test_browser import DESKTOP, shot, sign_in_as
from tests.helpers import eventually

# The browser and a fresh tab per test, as in the main journeys.
browser, page = test_browser.browser, test_browser.page

pytestmark = pytest.mark.browser


async def new_tab(browser: Browser, platform) -> Page:
    context = await browser.new_context(base_url=platform.url("gateway"), viewport=DESKTOP)
    context.set_default_timeout(60_000)
    return await context.new_page()


async def test_admin_creates_a_user_changes_the_role_disables_and_enables_them(
    page, browser, platform, employees
):
    name = f"nieuw-{uuid.uuid4().hex[:8]}"
    password = "een lang wachtwoord " + uuid.uuid4().hex[:6]
    await sign_in_as(page, employees["admin"])
    await page.click("nav.main a[href='/users']")
    await expect(page.locator("h1")).to_have_text("Gebruikers")

    # A password that is long enough but too repetitive: refused, in Dutch.
    await page.fill("#u-name", name)
    await page.select_option("#u-role", "recruiter")
    await page.fill("#u-pass", "aaaaaaaaaaaaaaaa")
    await page.click("#add-user button[type=submit]")
    await expect(page.locator("#users-error")).to_contain_text("te eentonig")
    await expect(page.locator(f"tr[data-user='{name}']")).to_have_count(0)
    await page.fill("#u-pass", password)
    await page.click("#add-user button[type=submit]")
    await expect(page.locator("#done")).to_have_text("Gebruiker aangemaakt.")
    row = page.locator(f"tr[data-user='{name}']")
    await expect(row.locator(".role")).to_have_text("recruiter")
    await expect(row.locator(".status")).to_have_text("Actief")
    await shot(page, "50-users-created")

    # The new employee signs in elsewhere and works as a recruiter.
    tab = await new_tab(browser, platform)
    try:
        await sign_in_as(tab, Employee(name, password, "recruiter"))
        await expect(tab).to_have_url(re.compile(r"/candidates$"))

        # Another role: the open session ends; the next sign-in gets the new role's pages.
        await row.locator("select[name=role]").select_option("privacy_officer")
        await row.locator("button:has-text('Rol wijzigen')").click()
        await expect(page.locator("#done")).to_contain_text("Rol gewijzigd")
        await expect(row.locator(".role")).to_have_text("privacy officer")
        await tab.goto("/candidates")
        await expect(tab).to_have_url(re.compile(r"/login$"))
        await sign_in_as(tab, Employee(name, password, "privacy_officer"))
        await expect(tab).to_have_url(re.compile(r"/requests$"))

        # Disabled: the open session ends and signing in fails as any wrong sign-in does.
        await row.locator("button:has-text('Uitschakelen')").click()
        await expect(page.locator("#done")).to_contain_text("Gebruiker uitgeschakeld")
        await expect(row.locator(".status")).to_have_text("Uitgeschakeld")
        await shot(page, "51-users-disabled")
        await tab.goto("/requests")
        await expect(tab).to_have_url(re.compile(r"/login$"))
        await sign_in_as(tab, Employee(name, password, "privacy_officer"))
        await expect(tab.locator("body")).to_contain_text("Onjuiste gebruikersnaam of wachtwoord")

        # Enabled again: signing in works.
        await row.locator("button:has-text('Inschakelen')").click()
        await expect(page.locator("#done")).to_contain_text("Gebruiker ingeschakeld")
        await expect(row.locator(".status")).to_have_text("Actief")
        await sign_in_as(tab, Employee(name, password, "privacy_officer"))
        await expect(tab).to_have_url(re.compile(r"/requests$"))
    finally:
        await tab.context.close()

    # The admin's own row offers no way to disable themselves or change their own role.
    mine = page.locator(f"tr[data-user='{employees['admin'].name}']")
    await expect(mine.locator("button:has-text('Uitschakelen')")).to_have_count(0)
    await expect(mine.locator("select[name=role]")).to_have_count(0)

    # In English, the same page speaks English.
    await page.click("a[lang=en]")
    await expect(page.locator("h1")).to_have_text("Users")
    await expect(row.locator(".status")).to_have_text("Active")


async def test_an_employee_changes_their_own_password_and_their_other_sessions_end(
    page, browser, platform
):
    who = add_employee(platform, "recruiter")
    new = "mijn nieuwe wachtwoord " + uuid.uuid4().hex[:6]
    other = await new_tab(browser, platform)
    try:
        await sign_in_as(other, who)
        await expect(other).to_have_url(re.compile(r"/candidates$"))

        await sign_in_as(page, who)
        await page.click("a[href='/account/password']")
        await expect(page.locator("h1")).to_have_text("Eigen wachtwoord wijzigen")
        # A wrong current password is refused, in Dutch, and nothing changes.
        await page.fill("#pw-current", "niet-het-goede-wachtwoord")
        await page.fill("#pw-new", new)
        await page.fill("#pw-again", new)
        await page.click("#password-form button[type=submit]")
        await expect(page.locator("#password-error")).to_have_text(
            "Het huidige wachtwoord klopt niet."
        )
        # Two different new passwords are refused.
        await page.fill("#pw-current", who.password)
        await page.fill("#pw-new", new)
        await page.fill("#pw-again", new + "x")
        await page.click("#password-form button[type=submit]")
        await expect(page.locator("#password-error")).to_contain_text("niet gelijk")
        # A new password against the rules is refused.
        await page.fill("#pw-current", who.password)
        await page.fill("#pw-new", "abababababababab")
        await page.fill("#pw-again", "abababababababab")
        await page.click("#password-form button[type=submit]")
        await expect(page.locator("#password-error")).to_contain_text("te eentonig")

        await page.fill("#pw-current", who.password)
        await page.fill("#pw-new", new)
        await page.fill("#pw-again", new)
        await page.click("#password-form button[type=submit]")
        await expect(page.locator("#done")).to_contain_text("Je wachtwoord is gewijzigd")
        await shot(page, "52-own-password-changed")

        # This session goes on; the other one has ended.
        await page.goto("/candidates")
        await expect(page).to_have_url(re.compile(r"/candidates$"))
        await other.goto("/candidates")
        await expect(other).to_have_url(re.compile(r"/login$"))
        await sign_in_as(other, who)  # the old password no longer works
        await expect(other.locator("body")).to_contain_text("Onjuiste gebruikersnaam")
        await sign_in_as(other, Employee(who.name, new, who.role))
        await expect(other).to_have_url(re.compile(r"/candidates$"))
    finally:
        await other.context.close()


async def test_officer_filters_the_audit_trail_by_dates_pages_through_it_and_exports_csv(
    page, platform, employees, signed_in
):
    """53 entries of one actor in January 2025 and one in March: the January filter shows
    them 50 to a page, and the CSV holds all 53, formulas neutralised."""
    actor = f"csv-{uuid.uuid4().hex[:10]}"
    january = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    events = [
        Envelope(
            type="audit.read",
            source="csvtest",
            time=january + timedelta(hours=n),
            data={
                "actor": actor,
                "role": "recruiter",
                "action": "read",
                "resource": f"/api/candidates/{n}",
                "subject": f"s-{n}",
            },
        )
        for n in range(52)
    ]
    # Cells a spreadsheet would run as formulas.
    events.append(
        Envelope(
            type="audit.read",
            source="csvtest",
            time=datetime(2025, 1, 31, 22, 30, tzinfo=UTC),  # 23:30 in Amsterdam: still January
            data={
                "actor": actor,
                "role": "recruiter",
                "action": "+cmd",
                "resource": "=HYPERLINK(1)",
                "subject": "@SUM(1)",
            },
        )
    )
    march = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    events.append(
        Envelope(
            type="audit.read",
            source="csvtest",
            time=march,
            data={"actor": actor, "role": "recruiter", "action": "read", "resource": "/maart"},
        )
    )
    producer = AIOKafkaProducer(bootstrap_servers=platform.endpoints.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait("ops.audit", event.to_bytes(), key=actor.encode())
    finally:
        await producer.stop()
    officer = await signed_in("privacy_officer")

    async def arrived() -> bool:
        got = await officer.get("/api/gateway/audit", params={"user": actor, "limit": 500})
        return len(got.json()["items"]) == len(events)

    await eventually(arrived, timeout=90, interval=1.0)

    await sign_in_as(page, employees["privacy_officer"])
    await page.click("nav.main a[href='/audit']")
    await page.fill("#a-user", actor)
    await page.fill("#a-from", "2025-02-01")
    await page.fill("#a-until", "2025-01-01")
    await page.click("#audit-search")
    await expect(page.locator("#audit-error")).to_contain_text("Vul een geldige datum in")

    await page.fill("#a-from", "2025-01-01")
    await page.fill("#a-until", "2025-01-31")
    await page.click("#audit-search")
    rows = page.locator("#audit-results tbody tr")
    await expect(rows).to_have_count(50)
    await expect(page.locator("#audit-range")).to_have_text("Regels 1–50")
    await expect(rows.first).to_contain_text("2025-01-31 23:30:00")  # Amsterdam time
    await expect(page.locator("#audit-results")).not_to_contain_text("/maart")
    await expect(page.locator("#audit-previous")).to_have_count(0)
    await shot(page, "53-audit-page-1")
    await page.click("#audit-next")
    await expect(rows).to_have_count(3)
    await expect(page.locator("#audit-range")).to_have_text("Regels 51–53")
    await expect(page.locator("#audit-next")).to_have_count(0)
    await expect(page.locator("#audit-results")).to_contain_text("/api/candidates/0")
    await page.click("#audit-previous")
    await expect(rows).to_have_count(50)

    async with page.expect_download() as waiting:
        await page.click("#audit-export")
    download = await waiting.value
    assert download.suggested_filename.startswith("audittrail-")
    sheet = list(csv.reader(io.StringIO(Path(await download.path()).read_text("utf-8-sig"))))
    assert sheet[0] == [
        "Wanneer", "Gebruiker", "Gebruiker-id", "Rol", "Actie", "Bron", "Betrokkene-id", "Dienst",
    ]  # fmt: skip
    body = sheet[1:]
    assert len(body) == 53
    assert body[0] == [
        "2025-01-31T23:30:00+01:00", actor, actor, "recruiter", "'+cmd", "'=HYPERLINK(1)",
        "'@SUM(1)", "csvtest",
    ]  # fmt: skip
    assert body[-1][5] == "/api/candidates/0" and body[-1][0] == "2025-01-10T10:00:00+01:00"
    assert all("/maart" not in row for row in body)
