"""The officer's desk on the privacy API: the request list's filters and paging, extending a
deadline (capped at two months, the person told), cancelling with a reason, and the outcome of
an officer-filed request mailed to the person."""

import uuid

from tests.helpers import eventually, fetch
from tests.privacy.support import mails_to, officer
from tests.privacy.test_service_down import age_request


def nobody() -> str:
    return f"niemand.{uuid.uuid4().hex[:10]}@example.nl"


async def test_an_officer_filed_request_tells_the_person_its_outcome_by_mail(platform):
    address, answer_to = nobody(), nobody()
    async with officer(platform) as client:
        # By email: the outcome goes to that address.
        resp = await client.post(
            "/api/privacy/requests", json={"type": "access", "subject": {"email": address}}
        )
        assert resp.status_code == 201, resp.text
        assert resp.json()["status"] == "complete"  # nobody holds the address
        # By another address given for the answer.
        other = await client.post(
            "/api/privacy/requests",
            json={"type": "unsubscribe", "subject": {"email": nobody()}, "reply_to": answer_to},
        )
        assert other.status_code == 201, other.text

    [access] = await eventually(lambda: _mails(platform, address), timeout=30)
    assert access["Subject"] == "Je inzageverzoek is afgehandeld"
    assert resp.json()["id"] in access.get_payload(decode=True).decode()
    [unsubscribed] = await eventually(lambda: _mails(platform, answer_to), timeout=30)
    assert unsubscribed["Subject"] == "Je bent uitgeschreven"
    # The address was held only until the mail went; the history says it went.
    for request_id in (resp.json()["id"], other.json()["id"]):
        held = await fetch(
            platform,
            "privacy",
            "SELECT count(*) AS n FROM selfservice_sealed WHERE request_id = $1::uuid",
            request_id,
        )
        assert held[0]["n"] == 0
    async with officer(platform) as client:
        body = (await client.get(f"/api/privacy/requests/{other.json()['id']}")).json()
    assert "completion mail sent" in [h["note"] for h in body["history"]]


async def _mails(platform, address: str) -> list:
    return mails_to(platform, address)


async def test_extensions_are_capped_at_two_months_and_cancelling_records_the_reason(platform):
    async with officer(platform) as client:
        resp = await client.post(
            "/api/privacy/requests", json={"type": "access", "subject": {"email": nobody()}}
        )
        request_id = resp.json()["id"]
        # A closed request is not extended.
        closed = await client.post(
            f"/api/privacy/requests/{request_id}/extend",
            json={"working_days": 5, "reason": "complex verzoek"},
        )
        assert closed.status_code == 409
        # An open one (reopened here: the clock and the services are what tests cannot wait
        # for) can be, up to 40 working days in all.
        await age_request(
            platform,
            request_id,
            "UPDATE requests SET status = 'in_progress', completed_at = NULL WHERE id = $1::uuid",
        )
        first = await client.post(
            f"/api/privacy/requests/{request_id}/extend",
            json={"working_days": 30, "reason": "veel bronnen"},
        )
        assert first.status_code == 200, first.text
        assert first.json()["extended_days"] == 30
        notes = [h["note"] for h in first.json()["history"]]
        assert "deadline extended by 30: veel bronnen" in notes
        # Its address went with the completion mail: the officer is told to tell the person.
        assert "extension not mailed: no address held" in notes
        too_much = await client.post(
            f"/api/privacy/requests/{request_id}/extend",
            json={"working_days": 11, "reason": "nog meer bronnen"},
        )
        assert too_much.status_code == 409
        assert "10 left" in too_much.json()["detail"]

        cancelled = await client.post(
            f"/api/privacy/requests/{request_id}/cancel",
            json={"reason": "de persoon trok het verzoek in"},
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        last = cancelled.json()["history"][-1]
        assert last["status"] == "cancelled" and last["actor"] == "officer-1"
        assert last["note"] == "cancelled: de persoon trok het verzoek in"
        short = await client.post(f"/api/privacy/requests/{request_id}/cancel", json={"reason": ""})
        assert short.status_code == 422


async def test_the_request_list_filters_by_type_status_and_due_date_and_pages(platform):
    async with officer(platform) as client:
        ids = []
        for _ in range(3):
            resp = await client.post(
                "/api/privacy/requests",
                json={"type": "unsubscribe", "subject": {"email": nobody()}},
            )
            ids.append(resp.json()["id"])
        access = await client.post(
            "/api/privacy/requests", json={"type": "access", "subject": {"email": nobody()}}
        )
        overdue_id, soon_id = ids[0], ids[1]
        # One is overdue, one due today: both stopped in error (open) for the test.
        await age_request(
            platform,
            overdue_id,
            "UPDATE requests SET status = 'error', due_on = current_date - 3 WHERE id = $1::uuid",
        )
        await age_request(
            platform,
            soon_id,
            "UPDATE requests SET status = 'error', due_on = current_date WHERE id = $1::uuid",
        )

        async def listed(**params) -> list[str]:
            resp = await client.get("/api/privacy/requests", params=params | {"limit": 500})
            assert resp.status_code == 200, resp.text
            return [r["id"] for r in resp.json()]

        unsubscribes = await listed(type="unsubscribe")
        assert set(ids) <= set(unsubscribes) and access.json()["id"] not in unsubscribes
        stopped = await listed(type="unsubscribe", status="error")
        assert {overdue_id, soon_id} <= set(stopped) and ids[2] not in stopped
        overdue = await listed(overdue="true")
        assert overdue_id in overdue and soon_id not in overdue
        soon = await listed(due_within=3)
        assert {overdue_id, soon_id} <= set(soon) and ids[2] not in soon

        # Paging: newest first, pages do not overlap.
        first = (await client.get("/api/privacy/requests", params={"limit": 2})).json()
        second = (
            await client.get("/api/privacy/requests", params={"limit": 2, "offset": 2})
        ).json()
        assert len(first) == 2 and len(second) == 2
        assert not {r["id"] for r in first} & {r["id"] for r in second}
        assert first[0]["received_at"] >= second[0]["received_at"]
        assert (
            await client.get("/api/privacy/requests", params={"due_within": -1})
        ).status_code == 422
