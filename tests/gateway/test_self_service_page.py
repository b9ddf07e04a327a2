"""The public privacy page offers corrections too: pick the detail, type the right value
(or say what is wrong), confirm with the mailed code, and the profile is corrected."""

import json

import httpx

from tests.helpers import csrf_of, eventually, fetch
from tests.privacy.self_service_support import client_ip, nth_mail, text_of
from tests.privacy.support import code_in, registered_candidate, unique_person


def visitor(platform, lang: str = "nl") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("gateway"),
        headers={"Accept": "text/html", "X-Forwarded-For": client_ip()},
        cookies={"lang": lang},
        timeout=60,
    )


async def test_the_page_offers_corrections_in_dutch_and_english(platform):
    for lang, words in (
        ("nl", ("Correctie", "Juiste waarde", "Achternaam")),
        ("en", ("Rectification", "Correct value", "Last name")),
    ):
        async with visitor(platform, lang) as browser:
            page = await browser.get("/privacy")
        assert page.status_code == 200
        assert '<option value="rectification">' in page.text
        for word in words:
            assert word in page.text, (lang, word)


async def test_a_person_corrects_a_detail_on_the_public_page(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with visitor(platform) as browser:
        token = csrf_of(await browser.get("/privacy"))
        asked = await browser.post(
            "/privacy",
            data={
                "csrf_token": token,
                "type": "rectification",
                "email": person["email"],
                "fix_field_1": "birth_place",
                "fix_value_1": "Zwolle",
                "fix_field_2": "",
                "fix_value_2": "",
                "fix_description": "",
            },
        )
        assert asked.status_code == 200, asked.text
        assert 'id="privacy-code-sent"' in asked.text
        request_id = asked.text.split('name="request_id" value="')[1].split('"')[0]
        code = code_in(await nth_mail(platform, person["email"], 1))
        done = await browser.post(
            "/privacy/verify",
            data={"csrf_token": token, "request_id": request_id, "code": code},
        )
        assert 'id="privacy-done"' in done.text, done.text

    async def corrected() -> bool:
        rows = await fetch(
            platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
        )
        return json.loads(rows[0]["profile"]).get("birth_place") == "Zwolle"

    await eventually(corrected, timeout=60)
    assert "Aangepast: geboorteplaats." in text_of(await nth_mail(platform, person["email"], 2))


async def test_a_detail_that_cannot_be_corrected_is_explained_on_the_page(platform):
    async with visitor(platform) as browser:
        token = csrf_of(await browser.get("/privacy"))
        asked = await browser.post(
            "/privacy",
            data={
                "csrf_token": token,
                "type": "rectification",
                "email": "iemand@example.nl",
                "fix_field_1": "consent",
                "fix_value_1": "nee",
            },
        )
    assert asked.status_code == 422
    assert "cannot be corrected here" in asked.text


async def test_a_corrected_email_is_confirmed_on_the_page_with_the_new_addresses_code(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    new_address = person["email"].replace("privacy.", "nieuw.")
    async with visitor(platform) as browser:
        token = csrf_of(await browser.get("/privacy"))
        asked = await browser.post(
            "/privacy",
            data={
                "csrf_token": token,
                "type": "rectification",
                "email": person["email"],
                "fix_field_1": "email",
                "fix_value_1": new_address,
                "fix_description": "",
            },
        )
        assert asked.status_code == 200, asked.text
        request_id = asked.text.split('name="request_id" value="')[1].split('"')[0]
        old_code = code_in(await nth_mail(platform, person["email"], 1))
        step = await browser.post(
            "/privacy/verify",
            data={"csrf_token": token, "request_id": request_id, "code": old_code},
        )
        # Not done yet: the page asks for the code sent to the new address.
        assert 'id="privacy-done"' not in step.text
        assert "nieuwe e-mailadres" in step.text and 'name="code"' in step.text
        new_code = code_in(await nth_mail(platform, new_address, 1))
        done = await browser.post(
            "/privacy/verify",
            data={"csrf_token": token, "request_id": request_id, "code": new_code},
        )
        assert 'id="privacy-done"' in done.text, done.text

    async def corrected() -> bool:
        rows = await fetch(
            platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
        )
        return json.loads(rows[0]["profile"]).get("email") == new_address

    await eventually(corrected, timeout=60)
