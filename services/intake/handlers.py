"""Intake's event handlers: forget a registration once candidates and documents both have it;
erasure; the subject's slice for an access request."""

import asyncio
import json
import logging
from typing import Any

import asyncpg

from services.common import erasure
from services.common.access import answer as access_answer
from services.common.envelope import Envelope
from services.common.storage import put_export_copy
from services.common.topics import (
    CANDIDATES_PROFILES,
    DOCUMENTS_OBJECTS,
    PRIVACY_ACCESS,
    PRIVACY_ERASURE,
)

from . import staging, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)


async def finish_if_handed_off(conn: asyncpg.Connection, reg_id: str) -> None:
    """Nothing of a registration stays in intake once the profile and every file are stored."""
    if await store.handed_off(conn, reg_id):
        await store.delete_registration(conn, reg_id)  # the staged files with it
        log.info("registration handed off", extra={"registration_id": reg_id})


# Candidates' other profile events (cv.indexed with every CV, ...) pass by without a transaction.
@service.consumer(CANDIDATES_PROFILES, types=("profile.created", "profile.updated"))
async def profile_stored(event: Envelope, conn: asyncpg.Connection) -> None:
    reg_id = event.data.get("registration_id")
    if event.type not in ("profile.created", "profile.updated") or not reg_id:
        return
    # The row lock orders this with the documents confirmations of the same registration.
    if await store.get_registration(conn, reg_id, lock=True) is None:
        return
    await store.confirm_profile(conn, reg_id)
    await finish_if_handed_off(conn, reg_id)


@service.consumer(DOCUMENTS_OBJECTS, types=("document.stored", "document.rejected"))
async def document_answered(event: Envelope, conn: asyncpg.Connection) -> None:
    """documents stored a file, or refused it on its own checks: either way, its answer."""
    reg_id, file_id = event.data.get("registration_id"), event.data.get("file_id")
    if event.type not in ("document.stored", "document.rejected") or not reg_id or not file_id:
        return
    if await store.get_registration(conn, reg_id, lock=True) is None:
        return
    await store.confirm_file(conn, reg_id, file_id)
    await finish_if_handed_off(conn, reg_id)


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    """Every registration of the subject (in review or mid hand-off) with its staged files, and
    any rejection notice still to send; then the tombstone, so a racing upload is refused."""
    assert event.subject
    service.keys.forget(event.subject)
    await store.lock_subject(conn, event.subject)
    # A registration in review was never seen by privacy: it suppresses under these hashes.
    identifiers = await store.identifier_hashes(conn, event.subject)
    registrations, files = await store.delete_subject(conn, event.subject)
    notices = await store.delete_subject_notices(conn, event.subject)
    # Sealed copies of its events too (unreadable already: the key is shredded).
    await store.delete_subject_events(conn, event.subject)
    await erasure.complete(
        conn,
        "intake",
        event,
        {"registrations": registrations, "files": files, "notices": notices},
        identifiers,
    )


def slice_of(rows: list[asyncpg.Record], files: dict[str, list[asyncpg.Record]]) -> dict[str, Any]:
    return {
        "registrations": [
            {
                "id": str(r["id"]),
                "status": r["status"],
                "received_at": r["received_at"].isoformat(),
                "registration": json.loads(r["data"]),
                "screening": json.loads(r["screening"]),
                "files": [
                    {
                        "file_id": str(f["file_id"]),
                        "kind": f["kind"],
                        "content_type": f["content_type"],
                        "size": f["size"],
                        "name": f["original_name"],
                    }
                    for f in files[str(r["id"])]
                ],
            }
            for r in rows
        ]
    }


@service.consumer(PRIVACY_ACCESS, after_erasure=True)
async def access(event: Envelope, conn: asyncpg.Connection) -> None:
    """Intake's slice: registrations still in progress (usually none), and their files."""
    assert event.subject
    if await erasure.is_erased(conn, event.subject):
        await access_answer(conn, "intake", event, service.keys, None)
        return
    rows = await store.registrations_of(conn, event.subject)
    files = {str(r["id"]): await store.files_of(conn, str(r["id"])) for r in rows}
    written = []
    bucket, prefix = event.data.get("export_bucket"), event.data.get("export_prefix")
    if bucket and prefix:
        for f in (f for reg in rows for f in files[str(reg["id"])]):
            file = await store.get_file(conn, str(f["registration_id"]), str(f["file_id"]))
            assert file is not None
            data = staging.read(settings.staging_key, file)
            name = f"{prefix.rstrip('/')}/files/intake/{f['file_id']}"
            await asyncio.to_thread(
                put_export_copy, service.s3, bucket, name, data, f["content_type"]
            )
            written.append(name)
    found = slice_of(rows, files) if rows else {}
    await access_answer(conn, "intake", event, service.keys, found, written)
