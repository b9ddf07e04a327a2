"""Candidates' event handlers: profiles from intake's hand-off; erasure."""

import asyncpg

from services.common import erasure, keys, outbox
from services.common.envelope import Envelope
from services.common.topics import CANDIDATES_PROFILES, INTAKE_REGISTRATIONS, PRIVACY_ERASURE

from . import store
from .bootstrap import service


@service.consumer(INTAKE_REGISTRATIONS)
async def registration_accepted(event: Envelope, conn: asyncpg.Connection) -> None:
    if event.type != "registration.accepted":
        return
    assert event.subject and event.sealed
    key = await service.keys.get(event.subject)
    profile = keys.open_sealed(key, event.sealed, event.subject)
    created = await store.upsert_profile(conn, event.subject, profile)
    await outbox.record(
        conn,
        CANDIDATES_PROFILES,
        Envelope(
            type="profile.created" if created else "profile.updated",
            source="candidates",
            subject=event.subject,
            correlation_id=event.correlation_id,
            data={"registration_id": event.data["registration_id"]},
        ),
    )


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    assert event.subject
    service.keys.forget(event.subject)
    n = await store.delete_candidate(conn, event.subject)
    await erasure.complete(conn, "candidates", event, {"profiles": n})
