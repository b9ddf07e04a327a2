"""The link mailed to a known address opens a page on the gateway: opening it confirms
nothing (mail scanners open links), the button does, once."""

import json

import httpx

from tests.helpers import csrf_of, eventually, fetch
from tests.intake.helpers import confirmation_link, post
from tests.privacy.self_service_support import client_ip
from tests.privacy.support import registered_candidate, unique_person


def visitor(platform) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("gateway"),
        headers={"Accept": "text/html", "X-Forwarded-For": client_ip()},
        cookies={"lang": "nl"},
        timeout=60,
    )


async def first_name_of(platform, candidate_id: str) -> str:
    rows = await fetch(
        platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
    )
    return json.loads(rows[0]["profile"])["first_name"]


async def test_a_known_person_confirms_a_new_registration_from_the_mailed_link(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    assert (await post(platform, person | {"first_name": "Anne"})).status_code == 202
    reg_id, token = await confirmation_link(platform, person["email"])
    async with visitor(platform) as browser:
        page = await browser.get(f"/register/confirm/{reg_id}/{token}")
        assert page.status_code == 200
        assert 'id="btn-confirm"' in page.text
        # What is to be confirmed, so the owner recognises their own registration.
        preview = page.text.split('id="confirm-preview"')[1].split("</dl>")[0]
        assert "Anne" in preview and person["phone"] in preview
        assert await first_name_of(platform, candidate_id) == person["first_name"]

        done = await browser.post(
            f"/register/confirm/{reg_id}/{token}", data={"csrf_token": csrf_of(page)}
        )
        assert done.status_code == 200
        assert 'id="confirm-done"' in done.text

        async def updated():
            return await first_name_of(platform, candidate_id) == "Anne"

        await eventually(updated, timeout=60)

        again = await browser.post(
            f"/register/confirm/{reg_id}/{token}", data={"csrf_token": csrf_of(page)}
        )
        assert again.status_code == 404 and 'id="confirm-invalid"' in again.text
        bad = await browser.get(f"/register/confirm/{reg_id}/not-a-token")
        assert bad.status_code == 404
