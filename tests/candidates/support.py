"""Helpers to drive the candidates service as the platform does: events on the real broker,
sealed with the subject's real key from privacy, and HTTP calls as the gateway makes them."""

import base64
import json
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from services.common import keys
from services.common.envelope import Envelope, new_id
from tests.crm import support as crm
from tests.helpers import as_service, eventually, example, fetch


class Bus:
    """Publishes events as their producers would (key = subject), sealing personal fields."""

    def __init__(self, platform: Any, producer: AIOKafkaProducer) -> None:
        self.platform = platform
        self.producer = producer
        # As the data services fetch subject keys from privacy.
        self.http = httpx.AsyncClient(headers=as_service(platform, "intake"))
        self.keys = keys.KeyClient(self.http, platform.url("privacy"))

    async def publish(
        self, topic: str, type_: str, subject: str, data: dict[str, Any],
        sealed: dict[str, Any] | None = None, source: str = "test",
    ) -> Envelope:  # fmt: skip
        token = None
        if sealed is not None:
            token = keys.seal(await self.keys.get_or_create(subject), sealed, subject)
        event = Envelope(
            type=type_, source=source, subject=subject, correlation_id=data.get("request_id"),
            data=data, sealed=token,
        )  # fmt: skip
        await self.producer.send_and_wait(topic, event.to_bytes(), key=subject.encode())
        return event

    def blind(self, kind: str, value: str) -> str:
        return keys.blind_index(self.platform.env["BLIND_INDEX_KEY"], kind, value)

    async def handoff(
        self,
        reg: dict[str, Any],
        subject: str | None = None,
        existing: bool = False,
        verified: tuple[str, ...] = (),
    ) -> str:
        """intake's `registration.accepted`; returns the candidate id once the profile exists.
        `verified`: what the registrant proved to own (intake's confirmation link)."""
        subject = subject or new_id()
        reg_id = new_id()
        fields = reg | {
            "email_hash": self.blind("email", reg["email"]),
            "phone_hash": self.blind("phone", reg["phone"]) if reg.get("phone") else None,
            "original_names": {},
        }
        await self.publish(
            "intake.registrations", "registration.accepted", subject,
            {"registration_id": reg_id, "existing": existing, "verified": list(verified),
             "files": []}, fields,
            source="intake",
        )  # fmt: skip

        async def arrived() -> bool:
            rows = await fetch(
                self.platform, "candidates",
                "SELECT 1 FROM outbox WHERE topic = 'candidates.profiles' AND key = $1"
                " AND convert_from(payload, 'UTF8')::jsonb->'data'->>'registration_id' = $2",
                subject, reg_id,
            )  # fmt: skip
            return bool(rows)

        await eventually(arrived, timeout=60)
        return subject

    async def cv(self, subject: str, text: str) -> str:
        document_id = new_id()
        await self.publish(
            "documents.objects", "document.stored", subject,
            {"registration_id": None, "file_id": new_id(), "document_id": document_id,
             "kind": "cv", "content_type": "application/pdf", "size": 1234},
            {"text": text}, source="documents",
        )  # fmt: skip
        return document_id


def person(**changes: Any) -> dict[str, Any]:
    """The accepted example registration with a unique email and phone (tests never share
    people: a phone someone else gave sends a registration to a recruiter)."""
    unique = new_id()[-12:]
    phone = f"+31 6 {int(unique, 16) % 10**8:08d}"
    own = {"email": f"kandidaat.{unique}@example.nl", "phone": phone}
    return example("registration-accepted") | own | changes


async def events(platform: Any, topic: str, subject: str | None = None) -> list[dict[str, Any]]:
    """What the service queued on a topic (its outbox), as envelopes."""
    rows = await fetch(
        platform, "candidates",
        "SELECT payload FROM outbox WHERE topic = $1 AND ($2::text IS NULL OR key = $2)"
        " ORDER BY seq",
        topic, subject,
    )  # fmt: skip
    return [json.loads(bytes(r["payload"])) for r in rows]


def open_sealed(key: bytes, token: str, subject: str) -> dict[str, Any]:
    return json.loads(keys.decrypt(key, base64.b64decode(token), subject))


async def crm_assignment(platform: Any) -> str:
    """A real assignment in crm (candidates checks that placements point at one)."""
    async with crm.recruiter(platform) as client:
        org = await crm.organisation(client)
        return (await crm.assignment(client, org["id"]))["id"]
