"""Self-service codes cannot be out-raced or out-numbered: parallel bursts get no more codes
or guesses than the limits allow, a global cap holds whoever asks, and a corrected email or
phone is never applied on the old address's code alone."""

import asyncio
import json
import uuid

from tests.helpers import fetch
from tests.privacy.self_service_support import (
    client_ip,
    nth_mail,
    public,
    text_of,
    wait_public_status,
)
from tests.privacy.support import code_in, mails_to, registered_candidate, unique_person

ASK = "/api/privacy/self-service/requests"


def nobody() -> str:
    return f"nobody.{uuid.uuid4().hex[:10]}@example.nl"


async def test_a_burst_of_requests_for_one_address_gets_no_more_codes_than_the_limit(platform):
    address = nobody()
    async with public(platform) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    ASK,
                    json={"type": "access", "email": address},
                    headers={"X-Forwarded-For": client_ip()},
                )
                for _ in range(15)
            )
        )
    codes = [a for a in answers if a.status_code == 202]
    assert {a.status_code for a in answers} <= {202, 429}
    assert len(codes) == 3  # codes_per_email_hour
    await asyncio.sleep(2)  # any mail still on its way
    assert len(mails_to(platform, address)) == 3


async def test_a_burst_from_one_client_gets_no_more_requests_than_the_limit(platform):
    ip = client_ip()
    async with public(platform) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    ASK, json={"type": "access", "email": nobody()}, headers={"X-Forwarded-For": ip}
                )
                for _ in range(30)
            )
        )
    assert sum(a.status_code == 202 for a in answers) == 20  # requests_per_client_hour


async def test_a_burst_of_wrong_codes_is_counted_one_by_one(platform):
    address = nobody()
    async with public(platform) as client:
        asked = await client.post(
            ASK,
            json={"type": "erasure", "email": address},
            headers={"X-Forwarded-For": client_ip()},
        )
        request_id = asked.json()["id"]
        code = code_in(await nth_mail(platform, address, 1))
        wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 41)]
        answers = await asyncio.gather(
            *(client.post(f"{ASK}/{request_id}/verify", json={"code": guess}) for guess in wrong)
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses.count(400) == 2 and statuses.count(410) == 1, statuses
        assert set(statuses) <= {400, 409, 410}
        rows = await fetch(
            platform, "privacy", "SELECT code_attempts, status FROM requests WHERE id = $1::uuid",
            request_id,
        )  # fmt: skip
        assert rows[0]["code_attempts"] == 3 and rows[0]["status"] == "cancelled"
        right = await client.post(f"{ASK}/{request_id}/verify", json={"code": code})
        assert right.status_code == 409


async def fill_global_bucket(platform, bucket: str, n: int) -> None:
    await fetch(
        platform,
        "privacy",
        "INSERT INTO selfservice_attempts(bucket) SELECT $1 FROM generate_series(1, $2)",
        bucket,
        n,
    )


async def empty_global_bucket(platform, bucket: str) -> None:
    await fetch(platform, "privacy", "DELETE FROM selfservice_attempts WHERE bucket = $1", bucket)


async def test_the_global_caps_hold_whoever_asks_and_whatever_address(platform):
    address = nobody()
    async with public(platform) as client:
        asked = await client.post(
            ASK,
            json={"type": "access", "email": address},
            headers={"X-Forwarded-For": client_ip()},
        )
        assert asked.status_code == 202
        code = code_in(await nth_mail(platform, address, 1))
        try:
            await fill_global_bucket(platform, "global:codes", 1000)
            refused = await client.post(
                ASK, json={"type": "access", "email": nobody()},
                headers={"X-Forwarded-For": client_ip()},
            )  # fmt: skip
            assert refused.status_code == 429, refused.text
        finally:
            await empty_global_bucket(platform, "global:codes")
        try:
            await fill_global_bucket(platform, "global:wrong_codes", 1000)
            # Not even a right code is checked: every check is a guess while the cap holds.
            held = await client.post(f"{ASK}/{asked.json()['id']}/verify", json={"code": code})
            assert held.status_code == 429, held.text
        finally:
            await empty_global_bucket(platform, "global:wrong_codes")
        rows = await fetch(
            platform, "privacy", "SELECT code_attempts FROM requests WHERE id = $1::uuid",
            asked.json()["id"],
        )  # fmt: skip
        assert rows[0]["code_attempts"] == 0  # a refused check is not the person's attempt
        verified = await client.post(f"{ASK}/{asked.json()['id']}/verify", json={"code": code})
        assert verified.status_code == 200, verified.text


async def profile_of(platform, candidate_id: str) -> dict:
    rows = await fetch(
        platform, "candidates", "SELECT profile FROM candidates WHERE id = $1", candidate_id
    )
    return json.loads(rows[0]["profile"])


async def test_a_corrected_email_is_confirmed_with_a_code_sent_to_the_new_address(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    new_address = nobody().replace("nobody.", "nieuw.")
    async with public(platform) as client:
        asked = await client.post(
            ASK,
            json={
                "type": "rectification",
                "email": person["email"],
                "changes": [{"field": "email", "value": new_address}],
            },
            headers={"X-Forwarded-For": client_ip()},
        )
        assert asked.status_code == 202, asked.text
        request_id = asked.json()["id"]
        old_code = code_in(await nth_mail(platform, person["email"], 1))
        first = await client.post(f"{ASK}/{request_id}/verify", json={"code": old_code})
        # The old address's code alone changes nothing: the new address must answer too.
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "identity_unverified"
        new_mail = await nth_mail(platform, new_address, 1)
        new_code = code_in(new_mail)
        assert "nieuwe e-mailadres" in text_of(new_mail)
        assert (await profile_of(platform, candidate_id))["email"] == person["email"]
        # The old code does not count for the new address.
        if old_code != new_code:
            again = await client.post(f"{ASK}/{request_id}/verify", json={"code": old_code})
            assert again.status_code == 400
        second = await client.post(f"{ASK}/{request_id}/verify", json={"code": new_code})
        assert second.status_code == 200, second.text
        assert second.json()["status"] in ("received", "in_progress", "complete")
    await wait_public_status(platform, request_id, "complete")
    assert (await profile_of(platform, candidate_id))["email"] == new_address


async def test_a_corrected_phone_is_left_for_an_employee_to_confirm(platform):
    person = unique_person()
    candidate_id = await registered_candidate(platform, person)
    async with public(platform) as client:
        asked = await client.post(
            ASK,
            json={
                "type": "rectification",
                "email": person["email"],
                "changes": [
                    {"field": "phone", "value": "+31 6 55554444"},
                    {"field": "birth_place", "value": "Zwolle"},
                ],
            },
            headers={"X-Forwarded-For": client_ip()},
        )
        assert asked.status_code == 202, asked.text
        request_id = asked.json()["id"]
        code = code_in(await nth_mail(platform, person["email"], 1))
        verified = await client.post(f"{ASK}/{request_id}/verify", json={"code": code})
        assert verified.status_code == 200, verified.text
    await wait_public_status(platform, request_id, "complete")
    profile = await profile_of(platform, candidate_id)
    assert profile["birth_place"] == "Zwolle"
    assert profile["phone"] == person["phone"]  # not on the address's code alone
    notes = await fetch(
        platform, "candidates", "SELECT text FROM notes WHERE candidate_id = $1", candidate_id
    )
    assert any("+31 6 55554444" in n["text"] for n in notes), notes
    body = text_of(await nth_mail(platform, person["email"], 2))
    assert "Aangepast: geboorteplaats." in body
    assert "telefoonnummer" in body and "medewerker" in body
