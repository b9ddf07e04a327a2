"""Each alert is mailed once, even when the gateway dies around the send: the mailer claims an
alert (committed) before sending and marks it after, so a death before the mark holds off
every other round until the claim lapses. Run on a gateway database of its own, against the
mailer's own code, with a mail server that records what it accepts."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.common import db
from services.common.envelope import Envelope
from services.gateway import alerts
from services.gateway.__main__ import MIGRATIONS
from tests.gateway.test_user_admin import fresh_gateway_database


class Died(BaseException):
    """The gateway process dies here: nothing after this line of the mailer runs."""


class Relay:
    """A mail server: what it accepted; it can take a mail and then the sender dies, or die
    before it was given one, or be away."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []  # (alert's message id, to)
        self.then: str = "ok"  # "ok", "die-after", "die-before", "away"

    async def send(self, to: str, subject: str, body: str, message_id: str) -> None:
        if self.then == "die-before":
            raise Died
        if self.then == "away":
            raise ConnectionRefusedError
        self.accepted.append((message_id, to))
        if self.then == "die-after":
            raise Died

    def count(self, alert_id: str) -> int:
        return sum(1 for mid, _ in self.accepted if alert_id in mid)


@pytest.fixture
async def pool(platform) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_gateway_database(platform) as url:
        made = await db.create_pool(url, max_size=6)
        try:
            await db.migrate(made, MIGRATIONS)
            yield made
        finally:
            await made.close()


async def raise_alert(pool: asyncpg.Pool) -> str:
    """As the consumer records it (in its inbox transaction)."""
    event = Envelope(
        type="alert.service.silent",
        source="gateway",
        data={"service": f"svc-{uuid.uuid4().hex[:6]}", "instance": "h:1", "value": 61},
    )
    async with pool.acquire() as conn, conn.transaction():
        await alerts.record(conn, event)
    return event.id


async def lease_lapses(pool: asyncpg.Pool) -> None:
    """The time a claim holds (ALERT_MAIL_LEASE_SECONDS) has passed."""
    await pool.execute("UPDATE alerts SET mail_claimed_until = now() - interval '1 second'")


async def test_a_gateway_dying_after_the_relay_took_the_mail_gives_one_repeat_at_most(pool):
    relay = Relay()
    alert_id = await raise_alert(pool)
    relay.then = "die-after"
    with pytest.raises(Died):
        await alerts.mail_round(pool, relay.send)
    assert relay.count(alert_id) == 1

    relay.then = "ok"  # a restarted gateway, or another instance, goes on
    for _ in range(3):
        assert await alerts.mail_round(pool, relay.send) == 0  # the claim holds them off
    assert relay.count(alert_id) == 1

    await lease_lapses(pool)  # nobody marked it: the claim lapses and it goes once more
    assert await alerts.mail_round(pool, relay.send) == 1
    assert await alerts.mail_round(pool, relay.send) == 0
    await lease_lapses(pool)
    assert await alerts.mail_round(pool, relay.send) == 0  # marked sent: never again
    assert relay.count(alert_id) == 2
    [first, second] = [mid for mid, _ in relay.accepted if alert_id in mid]
    assert first == second  # the same Message-ID: the mailbox can tell it is a repeat


async def test_a_gateway_dying_before_the_send_mails_the_alert_once_later(pool):
    relay = Relay()
    alert_id = await raise_alert(pool)
    relay.then = "die-before"
    with pytest.raises(Died):
        await alerts.mail_round(pool, relay.send)
    relay.then = "ok"
    assert await alerts.mail_round(pool, relay.send) == 0
    await lease_lapses(pool)
    assert await alerts.mail_round(pool, relay.send) == 1
    await lease_lapses(pool)
    assert await alerts.mail_round(pool, relay.send) == 0
    assert relay.count(alert_id) == 1


async def test_a_relay_that_is_away_gets_the_mail_at_the_next_round_once(pool):
    relay = Relay()
    alert_id = await raise_alert(pool)
    relay.then = "away"
    assert await alerts.mail_round(pool, relay.send) == 0
    relay.then = "ok"  # the claim was given back: no waiting for it to lapse
    assert await alerts.mail_round(pool, relay.send) == 1
    assert await alerts.mail_round(pool, relay.send) == 0
    assert relay.count(alert_id) == 1
    [[attempts]] = await pool.fetch("SELECT mail_attempts FROM alerts")
    assert attempts == 2


async def test_gateways_mailing_side_by_side_mail_each_alert_once(pool):
    relay = Relay()
    ids = [await raise_alert(pool) for _ in range(12)]
    for _ in range(3):
        await asyncio.gather(*(alerts.mail_round(pool, relay.send, limit=3) for _ in range(4)))
    assert sorted(mid for mid, _ in relay.accepted) == sorted(alerts.message_id(i) for i in ids)
