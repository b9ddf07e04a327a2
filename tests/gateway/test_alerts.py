"""Alerts reach people: what is raised on ops.alerts shows on the page of the role that acts on
it and lands in that role's mailbox, with ids and facts only."""

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer

from services.common.envelope import Envelope
from services.gateway import alerts
from tests.helpers import csrf_of, eventually, fetch

OFFICER_MAILBOX = "privacy@allegrotalent.nl"
ADMIN_MAILBOX = "beheer@allegrotalent.nl"


async def raise_alert(platform, event: Envelope) -> None:
    """Put an alert on the bus as privacy or the watchdog does."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.endpoints.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait("ops.alerts", event.to_bytes())
    finally:
        await producer.stop()


async def mails_to(platform, address: str, marker: str) -> list[email.message.EmailMessage]:
    found = []
    for path in Path(platform.endpoints.mail_dir).glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address and marker in message.get_body().get_content():
            found.append(message)
    return found


def test_deadline_and_breach_alerts_are_the_officers_and_the_rest_the_admins():
    assert alerts.audience_of("privacy", "request.overdue") == "privacy_officer"
    assert alerts.audience_of("privacy", "breach.due_soon") == "privacy_officer"
    assert alerts.audience_of("gateway", "service.silent") == "admin"
    assert alerts.audience_of("privacy", "something.else") == "admin"


def test_an_alert_keeps_only_ids_and_facts():
    facts = alerts.facts_of(
        {"request_id": "r-1", "days_left": 2, "email": "iemand@example.nl", "value": "x" * 500}
    )
    assert facts == {"request_id": "r-1", "days_left": 2}


def test_an_alert_reads_in_dutch_and_in_english():
    facts = {"request_id": "r-1", "type": "erasure", "days_left": 2}
    assert alerts.describe("nl", "request.due_soon", facts) == (
        "Verzoek (Vergeet mij) nadert de termijn: nog 2 werkdagen"
    )
    assert "Forget me" in alerts.describe("en", "request.due_soon", facts)
    assert "?" in alerts.describe("nl", "request.stalled", {})  # a fact missing: no error


async def test_a_recorded_breach_shows_on_the_officers_page_and_is_mailed_to_her(
    platform, signed_in
):
    officer = await signed_in("privacy_officer")
    discovered = datetime.now(UTC) - timedelta(hours=1)
    breach = await officer.post(
        "/api/privacy/breaches",
        json={
            "summary": "Laptop kwijt in de trein",
            "discovered_at": discovered.isoformat(),
            "categories": ["contactgegevens"],
            "people_affected": 12,
        },
    )
    assert breach.status_code == 201, breach.text
    breach_id = breach.json()["id"]

    async def shown() -> str | None:
        page = await officer.get("/requests")
        assert page.status_code == 200
        return page.text if f'data-ref="{breach_id}"' in page.text else None

    page = await eventually(shown, timeout=60, interval=0.5)
    row = page.split(f'data-ref="{breach_id}"')[1].split("</tr>")[0]
    assert "Datalek vastgelegd: melden bij de AP vóór" in row
    assert 'href="/breaches"' in row

    [mail] = await eventually(lambda: mails_to(platform, OFFICER_MAILBOX, breach_id), timeout=60)
    body = mail.get_body().get_content()
    assert "Datalek vastgelegd" in body and "/breaches" in body
    assert "Laptop" not in body and "contactgegevens" not in body  # what happened stays home


async def test_a_watchdog_alert_is_mailed_to_the_admin_who_acknowledges_and_closes_it(
    platform, signed_in
):
    service_name = f"svc-{uuid.uuid4().hex[:6]}"
    await raise_alert(
        platform,
        Envelope(
            type="alert.service.silent",
            source="gateway",
            data={
                "kind": "service.silent",
                "service": service_name,
                "instance": "h:1",
                "value": 42,
            },
        ),
    )
    admin = await signed_in("admin")
    text = f"Dienst {service_name} geeft al 42 seconden geen teken van leven"

    async def row() -> httpx.Response | None:
        page = await admin.get("/operations")
        return page if text in page.text else None

    page = await eventually(row, timeout=60, interval=0.5)
    [mail] = await eventually(lambda: mails_to(platform, ADMIN_MAILBOX, text), timeout=60)
    assert "/operations" in mail.get_body().get_content()

    alert_id = page.text.split(text)[0].rsplit('data-alert="', 1)[1].split('"')[0]
    officer = await signed_in("privacy_officer")
    refused = await officer.post(
        f"/alerts/{alert_id}/close", data={"csrf_token": csrf_of(await officer.get("/requests"))}
    )
    assert refused.status_code == 404  # not hers to close

    seen = await admin.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf_of(page)})
    assert seen.status_code == 303
    page = await admin.get("/operations")
    assert "In behandeling" in page.text.split(text)[1].split("</tr>")[0]
    closed = await admin.post(f"/alerts/{alert_id}/close", data={"csrf_token": csrf_of(page)})
    assert closed.status_code == 303
    assert text not in (await admin.get("/operations")).text


async def test_fields_an_alert_should_not_carry_reach_no_page_and_no_mail(platform, signed_in):
    request_id = str(uuid.uuid4())
    # Values that are no one's data (the bus privacy scan reads this topic too), in fields a
    # careless producer might fill with a person's.
    stray = f"stray-{uuid.uuid4().hex[:10]}"
    await raise_alert(
        platform,
        Envelope(
            type="request.overdue",
            source="privacy",
            data={
                "ref": request_id,
                "request_id": request_id,
                "type": "access",
                "email": f"{stray}-email",
                "name": f"{stray}-name",
            },
        ),
    )
    officer = await signed_in("privacy_officer")

    async def shown() -> str | None:
        page = (await officer.get("/requests")).text
        return page if f"/requests/{request_id}" in page else None

    page = await eventually(shown, timeout=60, interval=0.5)
    assert stray not in page
    [kept] = await fetch(
        platform,
        "gateway",
        "SELECT facts::text AS facts FROM alerts WHERE facts->>'request_id' = $1",
        request_id,
    )
    assert stray not in kept["facts"]
    [mail] = await eventually(lambda: mails_to(platform, OFFICER_MAILBOX, request_id), timeout=60)
    body = mail.get_body().get_content()
    assert "Verzoek (Inzage) is over de termijn" in body
    assert stray not in body


async def test_an_alert_raised_days_ago_is_shown_but_not_mailed_as_news(platform, signed_in):
    service_name = f"old-{uuid.uuid4().hex[:6]}"
    await raise_alert(
        platform,
        Envelope(
            type="alert.consumer.lag",
            source="gateway",
            time=datetime.now(UTC) - timedelta(days=3),
            data={"kind": "consumer.lag", "service": service_name, "instance": "h:1", "value": 5},
        ),
    )
    admin = await signed_in("admin")

    async def settled() -> bool:
        rows = await fetch(
            platform,
            "gateway",
            "SELECT mailed_at FROM alerts WHERE facts->>'service' = $1",
            service_name,
        )
        return bool(rows) and rows[0]["mailed_at"] is not None

    await eventually(settled, timeout=60, interval=0.5)
    assert (
        f"Dienst {service_name} loopt 5 berichten achter" in (await admin.get("/operations")).text
    )
    assert not await mails_to(platform, ADMIN_MAILBOX, service_name)
