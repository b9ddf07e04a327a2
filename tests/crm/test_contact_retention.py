"""Business contacts are covered by retention: a contact person without activity for crm's
retention period is erased through privacy's forget-me saga (certificate, suppression); one
with a recent contact moment stays. The officer can read the setting, a recruiter cannot."""

from datetime import UTC, datetime

import asyncpg
import httpx

from devstack.services import database_url
from tests.helpers import as_employee, eventually, fetch

from .support import contact, organisation, recruiter


async def sweep(platform) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=platform.url("crm"), timeout=60) as http:
        resp = await http.post(
            "/internal/retention/sweep", headers={"X-Service-Token": platform.env["SERVICE_TOKEN"]}
        )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def idle_for_25_months(platform, contact_ids: list[str]) -> None:
    """Let time pass for these contacts: the clock is what tests cannot wait for."""
    conn = await asyncpg.connect(database_url(platform.endpoints.database_url, "crm"))
    try:
        await conn.execute(
            "UPDATE contacts SET updated_at = now() - interval '25 months'"
            " WHERE id = ANY($1::uuid[])",
            contact_ids,
        )
    finally:
        await conn.close()


async def test_an_inactive_contact_is_erased_and_one_recently_spoken_to_stays(platform):
    async with recruiter(platform) as client:
        org = await organisation(client)
        idle = await contact(client, org["id"])
        spoken = await contact(client, org["id"])
        moment = await client.post(
            f"/api/crm/organisations/{org['id']}/contact-moments",
            json={
                "contact_id": spoken["id"],
                "occurred_at": datetime.now(UTC).isoformat(),
                "channel": "phone",
                "report": "Gebeld over een nieuwe vacature",
            },
        )
        assert moment.status_code == 201, moment.text
    await idle_for_25_months(platform, [idle["id"], spoken["id"]])

    assert (await sweep(platform))["lapsed"] >= 1

    async def erased() -> bool:
        rows = await fetch(platform, "crm", "SELECT 1 FROM contacts WHERE id = $1", idle["id"])
        return not rows

    await eventually(erased, timeout=120)
    kept = await fetch(
        platform,
        "crm",
        "SELECT retention_lapsed_at FROM contacts WHERE id = $1",
        spoken["id"],
    )
    assert kept and kept[0]["retention_lapsed_at"] is None

    async def request_complete() -> list:
        rows = await fetch(
            platform,
            "privacy",
            "SELECT status, channel, subject_kind, note FROM requests WHERE subject = $1",
            idle["id"],
        )
        return rows if rows and rows[0]["status"] == "complete" else []

    [request] = await eventually(request_complete, timeout=120)
    assert request["channel"] == "retention" and request["subject_kind"] == "contact"
    assert request["note"].startswith("retention: business contact")
    # Handed over once: the next sweep finds nobody.
    assert (await sweep(platform))["lapsed"] == 0


async def test_the_officer_reads_the_contact_retention_setting_and_a_recruiter_cannot(platform):
    async with httpx.AsyncClient(base_url=platform.url("crm"), timeout=30) as http:
        officer = await http.get(
            "/api/crm/retention", headers=as_employee(platform, "privacy_officer")
        )
        assert officer.status_code == 200, officer.text
        assert officer.json()["contact_inactive_days"] == 730
        refused = await http.get("/api/crm/retention", headers=as_employee(platform, "recruiter"))
        assert refused.status_code == 403
