"""Intake's event handlers: forget the registration once it is handed off; erasure."""

import asyncpg

from services.common import erasure
from services.common.envelope import Envelope
from services.common.topics import CANDIDATES_PROFILES, PRIVACY_ERASURE

from . import store
from .bootstrap import service


@service.consumer(CANDIDATES_PROFILES)
async def profile_created(event: Envelope, conn: asyncpg.Connection) -> None:
    if event.type == "profile.created" and event.data.get("registration_id"):
        await store.delete_registration(conn, event.data["registration_id"])


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    assert event.subject
    n = await store.delete_subject(conn, event.subject)
    await erasure.complete(conn, "intake", event, {"registrations": n})
