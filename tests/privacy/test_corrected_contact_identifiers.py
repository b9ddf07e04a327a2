"""A business contact's corrected email or phone reaches privacy's subject index, from a
recruiter's edit in crm and from a rectification crm answers: an erasure asked by the address
the contact used before still finds them, and unsubscribing or erasing suppresses the address
and number they use now as well as the ones they gave before."""

import uuid

from services.common.keys import blind_index
from tests.crm.support import contact, organisation, recruiter
from tests.helpers import eventually, fetch
from tests.privacy.support import officer, wait_status
from tests.privacy.test_corrected_identifiers import suppressed


def fresh_identifiers() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {
        "email": f"gecorrigeerd.{tag}@klant.example.nl",
        "phone": f"+31 6 {uuid.uuid4().int % 10**8:08d}",
    }


async def privacy_knows(platform, contact_id: str, email: str, phone: str) -> None:
    """Wait until privacy's subject index holds the contact's email and phone as given."""
    key = platform.env["BLIND_INDEX_KEY"]
    wanted = {
        "email_hash": blind_index(key, "email", email),
        "phone_hash": blind_index(key, "phone", phone),
    }

    async def known() -> bool:
        rows = await fetch(
            platform,
            "privacy",
            "SELECT email_hash, phone_hash FROM subject_index WHERE subject = $1",
            contact_id,
        )
        return bool(rows) and dict(rows[0]) == wanted

    await eventually(known, timeout=60)


async def test_erasure_by_a_contacts_former_address_finds_them_after_a_recruiters_edit(
    platform,
):
    async with recruiter(platform, "recruiter-privfix2") as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
        await privacy_knows(platform, person["id"], person["email"], person["phone"])
        new = fresh_identifiers()
        resp = await client.patch(f"/api/crm/contacts/{person['id']}", json=new)
        assert resp.status_code == 200, resp.text
    await privacy_knows(platform, person["id"], new["email"], new["phone"])

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "erasure", "subject": {"email": person["email"]}},
        )
        assert resp.status_code == 201, resp.text
        erasure = await wait_status(client, resp.json()["id"], "complete")
        assert erasure["subject"] == person["id"], erasure
        assert erasure["subject_kind"] == "contact", erasure
        assert erasure["note"] is None
        # Never approached again, by what they use now and by what they gave before.
        for kind, value in (("email", new["email"]), ("phone", new["phone"])):
            assert await suppressed(client, **{kind: value}), kind
        for kind, value in (("email", person["email"]), ("phone", person["phone"])):
            assert await suppressed(client, **{kind: value}), kind
    assert not await fetch(platform, "crm", "SELECT 1 FROM contacts WHERE id = $1", person["id"])


async def test_unsubscribing_a_contact_after_a_rectification_suppresses_old_and_new_address(
    platform,
):
    async with recruiter(platform, "recruiter-privfix2") as client:
        org = await organisation(client)
        person = await contact(client, org["id"])
    await privacy_knows(platform, person["id"], person["email"], person["phone"])
    new = fresh_identifiers()

    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests",
            json={
                "type": "rectification",
                "subject": {"contact_id": person["id"]},
                "changes": new,
            },
        )
        assert resp.status_code == 201, resp.text
        done = await wait_status(client, resp.json()["id"], "complete")
        assert done["progress"][0]["result"]["applied"] == sorted(new), done
        # crm's answer carried the new hashes: the index is current as the request completes.
        rows = await fetch(
            platform,
            "privacy",
            "SELECT email_hash FROM subject_index WHERE subject = $1",
            person["id"],
        )
        key = platform.env["BLIND_INDEX_KEY"]
        assert rows[0]["email_hash"] == blind_index(key, "email", new["email"])

        resp = await client.post(
            "/api/privacy/requests",
            json={"type": "unsubscribe", "subject": {"contact_id": person["id"]}},
        )
        assert resp.status_code == 201, resp.text
        await wait_status(client, resp.json()["id"], "complete")
        for kind, value in (("email", new["email"]), ("phone", new["phone"])):
            assert await suppressed(client, **{kind: value}), kind
        for kind, value in (("email", person["email"]), ("phone", person["phone"])):
            assert await suppressed(client, **{kind: value}), kind
