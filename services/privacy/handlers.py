"""Privacy's event handlers: the services' answers to requests, new registrations (which
teach us a subject's keyed hashes and lift a suppression) and corrected emails and phones."""

import logging
import re
from datetime import timedelta
from typing import Any

import asyncpg

from services.common import keys, outbox
from services.common.envelope import Envelope, utcnow
from services.common.topics import (
    CANDIDATES_RETENTION,
    CRM_RETENTION,
    DATA_SERVICES,
    INTAKE_REGISTRATIONS,
    PRIVACY_ACCESS_SLICES,
    PRIVACY_ERASURE_DONE,
    PRIVACY_RECTIFICATION_DONE,
    PRIVACY_REQUESTS,
    SUBJECTS_IDENTIFIERS,
)

from . import domain, exports, keystore, saga, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)


HASH = re.compile(r"^[0-9a-f]{64}$")


def identifiers_to_suppress(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (kind, keyed hash) pairs a service found on the person it erased; anything else
    in the list is ignored (never stored)."""
    found = []
    for item in data.get("suppress") or []:
        if not isinstance(item, dict):
            continue
        kind, hashed = item.get("kind"), item.get("hash")
        if kind in ("email", "phone") and isinstance(hashed, str) and HASH.match(hashed):
            found.append((kind, hashed))
    return found


@service.consumer(PRIVACY_ERASURE_DONE, after_erasure=True)
async def erasure_acknowledged(event: Envelope, conn: asyncpg.Connection) -> None:
    """Tick off the service; the hashes it found go on the suppression list first (privacy may
    not have known them: an erasure by id before privacy read the registration, a crm contact),
    so a complete erasure always means a suppressed person. The receipt keeps counts only."""
    request_id = event.data["request_id"]
    deleted = event.data.get("deleted") or {}
    hashes = identifiers_to_suppress(event.data)
    if hashes:
        req = await store.get_request(conn, request_id)
        if req is not None and req["type"] == "erasure":
            # A late receipt must not undo a registration made since the erasure was asked
            # for: that person chose to come back, and their suppression was lifted then.
            back = await store.registered_since(conn, [h for _, h in hashes], req["received_at"])
            keep = [(kind, h) for kind, h in hashes if h not in back]
            await store.suppress(conn, keep, "erasure", request_id)
    if await saga.answered(conn, request_id, event.data["service"], deleted):
        await saga.complete(conn, request_id)


# Retention erasures are recorded like any forget-me (list, deadline, certificate, suppression),
# filed on the `retention` channel with the reason as the request's note.
RETENTION_ERASURES = {
    "retention.lapsed": (
        "service:candidates",
        "retention: consent not renewed within the grace period",
    ),
    "retention.erasure_requested": (
        "self-service",
        "retention: the candidate asked to be forgotten from the renewal link",
    ),
}


@service.consumer(CANDIDATES_RETENTION)
async def retention_erasure(event: Envelope, conn: asyncpg.Connection) -> None:
    """A lapsed profile, or a candidate answering the renewal mail with "forget me": run the
    erasure saga. A subject already erased is dropped by the consumer (tombstone)."""
    if event.type not in RETENTION_ERASURES or not event.subject:
        return
    actor, note = RETENTION_ERASURES[event.type]
    request_id, new = await saga.file_request(
        conn, "erasure", event.subject, "candidate", actor, channel="retention", note=note
    )
    log.info(
        "retention erasure filed" if new else "retention erasure linked to an open one",
        extra={"request_id": request_id, "event_type": event.type},
    )


CONTACT_RETENTION_NOTE = "retention: business contact without activity for the retention period"


@service.consumer(CRM_RETENTION)
async def contact_retention_erasure(event: Envelope, conn: asyncpg.Connection) -> None:
    """A business contact without activity for crm's retention period: erased like any
    forget-me, filed on the `retention` channel."""
    if event.type != "retention.lapsed" or not event.subject:
        return
    request_id, new = await saga.file_request(
        conn,
        "erasure",
        event.subject,
        "contact",
        "service:crm",
        channel="retention",
        note=CONTACT_RETENTION_NOTE,
    )
    log.info(
        "contact retention erasure filed" if new else "contact retention erasure linked",
        extra={"request_id": request_id},
    )


@service.consumer(PRIVACY_RECTIFICATION_DONE)
async def rectification_answered(event: Envelope, conn: asyncpg.Connection) -> None:
    """Tick off the owner; a corrected email or phone comes with its new keyed hashes."""
    await learn_corrected_hashes(conn, event)
    request_id = event.data["request_id"]
    outcome: dict[str, Any] = {k: list(event.data.get(k) or []) for k in ("applied", "rejected")}
    if event.data.get("noted"):
        outcome["noted"] = True  # the person's own words, recorded for an employee
    if await saga.answered(conn, request_id, event.data["service"], outcome):
        await saga.complete(conn, request_id)


@service.consumer(SUBJECTS_IDENTIFIERS)
async def identifiers_changed(event: Envelope, conn: asyncpg.Connection) -> None:
    """A candidate's or contact's email or phone changed (the owner's `identifiers.changed`)."""
    if event.type == "identifiers.changed":
        await learn_corrected_hashes(conn, event)


# Whose record each owner keeps: the kind of person its hashes are about.
KIND_OF_OWNER = {owner: kind for kind, owner in domain.OWNER.items()}


async def _opened_unless_erased(
    conn: asyncpg.Connection, subject: str, sealed: str
) -> dict[str, Any] | None:
    """What an owner sealed about the person, read in turn with their erasure (the person's
    lock): None once an erasure committed, so nothing is learnt about them again."""
    if await store.lock_subject(conn, subject):
        return None
    key = await keystore.get(conn, settings.master_key, subject)
    return keys.open_sealed(key, sealed, subject) if key is not None else None


async def learn_corrected_hashes(conn: asyncpg.Connection, event: Envelope) -> None:
    """The owner's keyed hashes of the person after a correction (sealed with their key:
    nothing to learn once they are erased). Requests by the new address must find them and
    suppress it; the replaced hashes are kept as former ones (store.correct_hashes)."""
    kind = KIND_OF_OWNER.get(event.source)
    if not (event.subject and event.sealed and kind):
        return
    fields = await _opened_unless_erased(conn, event.subject, event.sealed)
    if fields is None:
        return
    # Both are always given, null when the person has none (a contact may have no email):
    # without them this is not a full picture, and the index is left as it is.
    if "email_hash" not in fields or "phone_hash" not in fields:
        return
    hashes = (fields["email_hash"], fields["phone_hash"])
    if not all(h is None or (isinstance(h, str) and HASH.match(h)) for h in hashes):
        return
    await store.correct_hashes(conn, event.subject, *hashes, kind)
    log.info("subject index corrected", extra={"subject": event.subject, "source": event.source})


@service.consumer(PRIVACY_ACCESS_SLICES, after_erasure=True)
async def access_slice(event: Envelope, conn: asyncpg.Connection) -> None:
    """Each service's slice becomes `<service>.json` in the export; the last one closes it.

    Erasure wins, and takes turns with this per person (store.lock_subject): an erasure that
    started first has deleted the export by the time the lock is ours, and one that starts
    while a slice is written waits, then deletes what was written. Documents and intake copy
    files into the export themselves before they answer, possibly after the erasure deleted
    it (their erasure command travels on another topic); their answer is the sign that they
    are done, so a late answer deletes the export's objects again.
    """
    request_id, source = event.data["request_id"], event.data["service"]
    export = await store.get_export(conn, request_id)
    if export is None:
        return
    erased = await store.lock_subject(conn, export["subject"])
    export = await store.get_export(conn, request_id)  # as the erasure that held the lock left it
    assert export is not None
    if export["deleted_at"] is not None or erased:
        await exports.delete_prefix(export["bucket"], export["prefix"])
        if export["deleted_at"] is None:
            await store.export_deleted(conn, request_id)
        log.info("late access slice: export deleted again", extra={"request_id": request_id})
        return
    if export["ready_at"] is not None:
        # A second answer from one service (to a re-sent command, or to the old command of a
        # retried request): the archive is complete and the one copy. What the service copied
        # beside it before answering goes; nothing is written.
        await exports.delete_prefix(export["bucket"], export["prefix"], keep=export["object"])
        log.info("repeated access slice: loose parts removed", extra={"request_id": request_id})
        return
    content: Any = {"erased": True}
    key = None
    if event.sealed and event.subject:
        key = await keystore.get(conn, settings.master_key, event.subject)
    if key is not None and event.sealed and event.subject:
        content = keys.open_sealed(key, event.sealed, event.subject).get("slice", {})
    await exports.write_slice(export["bucket"], export["prefix"], source, content)
    files = [str(f) for f in event.data.get("files") or []]
    await store.add_slice(conn, request_id, source, {"files": len(files)})
    if not await saga.answered(conn, request_id, source, {"files": len(files)}):
        return
    req = await store.get_request(conn, request_id)
    assert req is not None
    own = [
        {k: (str(v) if v is not None else None) for k, v in dict(r).items()}
        for r in await store.requests_of_subject(conn, export["subject"])
    ]
    manifest = {
        "request_id": request_id,
        "assembled_at": utcnow().isoformat(),
        "services": sorted((*DATA_SERVICES, "privacy")),
        "note": "Alle persoonsgegevens die Allegro Talent van je bewaart, per dienst.",
    }
    name, _ = await exports.assemble(
        export["bucket"],
        export["prefix"],
        {"privacy.json": {"requests": own}, "manifest.json": manifest},
    )
    expires = utcnow() + timedelta(hours=settings.export_keep_hours)
    await store.export_ready(conn, request_id, name, expires)
    await saga.complete(conn, request_id)


@service.consumer(INTAKE_REGISTRATIONS)
async def registration_accepted(event: Envelope, conn: asyncpg.Connection) -> None:
    """Remember the subject's keyed hashes. A new registration lifts a suppression only for
    what its registrant proved to own (`verified`: intake mailed the address a link and its
    owner followed it); typing a suppressed person's address or phone lifts nothing."""
    if event.type != "registration.accepted" or not (event.subject and event.sealed):
        return
    fields = await _opened_unless_erased(conn, event.subject, event.sealed)
    if fields is None:
        return
    email_hash = fields.get("email_hash") or _hash("email", fields.get("email"))
    phone_hash = fields.get("phone_hash") or _hash("phone", fields.get("phone"))
    hashes = [h for h in (email_hash, phone_hash) if h]
    verified = set(event.data.get("verified") or [])
    proven = [
        h for kind, h in (("email", email_hash), ("phone", phone_hash)) if kind in verified and h
    ]
    await store.remember_hashes(conn, event.subject, email_hash, phone_hash, came_back=bool(proven))
    lifted = 0
    if proven:
        lifted = await store.lift_suppression(
            conn, proven, hashes, event.subject, event.data.get("registration_id")
        )
    if lifted:
        await outbox.record(
            conn,
            PRIVACY_REQUESTS,
            Envelope(
                type="suppression.lifted",
                source="privacy",
                subject=event.subject,
                correlation_id=event.correlation_id,
                data={"registration_id": event.data.get("registration_id")},
            ),
        )
        log.info("suppression lifted by a new registration", extra={"hashes": lifted})


def _hash(kind: str, value: object) -> str | None:
    if not isinstance(value, str) or not value.strip() or not settings.blind_index_key:
        return None
    return keys.blind_index(settings.blind_index_key, kind, value)
