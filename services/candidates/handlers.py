"""Candidates' event handlers: profiles from intake's hand-off, CV text for search,
unsubscribe, and the privacy requests (rectification, access, erasure)."""

import logging
from datetime import date
from typing import Any

import asyncpg
from pydantic import ValidationError

from services.common import erasure, identifiers, keys, outbox
from services.common.access import answer as access_answer
from services.common.consumer import Poison
from services.common.envelope import Envelope, new_id
from services.common.keys import KeyShredded
from services.common.topics import (
    CANDIDATES_PROFILES,
    CRM_RELATIONS,
    DOCUMENTS_OBJECTS,
    INTAKE_REGISTRATIONS,
    PRIVACY_ACCESS,
    PRIVACY_ERASURE,
    PRIVACY_RECTIFICATION,
    PRIVACY_RECTIFICATION_DONE,
    PRIVACY_REQUESTS,
)

from . import domain, store
from .bootstrap import service

log = logging.getLogger(__name__)


async def profile_event(conn: asyncpg.Connection, kind: str, event: Envelope, **data: Any) -> None:
    """Record a profile event; activity (domain.ACTIVITY) restarts the retention clock. A
    profile created in this transaction has its clock at now already (the column's default):
    touching it would only write a second row version."""
    assert event.subject
    if domain.is_activity(kind) and kind != "profile.created":
        await store.touch(conn, event.subject)
    await outbox.record(
        conn,
        CANDIDATES_PROFILES,
        Envelope(
            type=kind,
            source="candidates",
            subject=event.subject,
            correlation_id=event.correlation_id,
            data=data,
        ),
    )


async def opened(event: Envelope) -> dict[str, Any] | None:
    """The sealed fields, or None when the subject's key is gone (erasure is under way:
    the data is unreadable everywhere, and the erasure command follows)."""
    assert event.subject and event.sealed
    try:
        key = await service.keys.get(event.subject)
    except KeyShredded:
        log.info("sealed event for a shredded subject dropped", extra={"event_id": event.id})
        return None
    return keys.open_sealed(key, event.sealed, event.subject)


def derived(profile: dict[str, Any]) -> domain.Derived:
    return domain.derive(profile, service.settings.blind_index_key, date.today())


async def _current_hashes(
    conn: asyncpg.Connection, candidate_id: str
) -> tuple[str, str | None] | None:
    """The profile's email and phone keyed hashes as they are now; None without a profile (a
    profile always has an email)."""
    hashes = dict(await store.identifier_hashes(conn, candidate_id))
    return (hashes["email"], hashes.get("phone")) if "email" in hashes else None


async def sealed_identifiers(conn: asyncpg.Connection, candidate_id: str) -> str | None:
    """The candidate's email and phone as they are now, as keyed hashes sealed with the
    subject's key (never on the bus in plaintext; unreadable once the person is erased).
    None without a profile or a key (erased meanwhile)."""
    current = await _current_hashes(conn, candidate_id)
    if current is None:
        return None
    return await identifiers.sealed_hashes(service.keys, candidate_id, *current)


@service.consumer(INTAKE_REGISTRATIONS)
async def registration_accepted(event: Envelope, conn: asyncpg.Connection) -> None:
    """A new profile, or (a returning candidate) the new registration merged into theirs."""
    if event.type != "registration.accepted":
        return
    if not event.subject or not event.sealed:
        raise Poison("registration.accepted without subject or sealed fields")
    fields = await opened(event)
    if fields is None:
        return
    try:
        profile = domain.profile_from_registration(fields)
    except ValidationError as exc:
        # Intake keeps the registration until we confirm, so nothing is lost: fix and replay.
        raise Poison(f"registration does not fit the profile: {len(exc.errors())} errors") from exc
    current = await store.lock_profile(conn, event.subject)
    if current is None:
        await store.insert_profile(conn, event.subject, profile, derived(profile))
        kind = "profile.created"
    elif "email" not in (event.data.get("verified") or []):
        # Intake updates a known person only with a registration whose email the person
        # confirmed; anything else is someone typing their address. Kept for an operator.
        raise Poison("registration for an existing profile without a confirmed email")
    else:
        merged = domain.validate_profile(domain.loads(current["profile"]) | profile)
        await store.replace_profile(conn, event.subject, merged, derived(merged))
        kind = "profile.updated"
    await profile_event(conn, kind, event, registration_id=event.data.get("registration_id"))
    if current is None:  # a CV that arrived before its profile was indexed with it just now
        for cv in await store.cv_texts(conn, event.subject):
            await profile_event(conn, "cv.indexed", event, document_id=str(cv["document_id"]))
    log.info("profile from registration", extra={"subject": event.subject, "type": kind})


@service.consumer(DOCUMENTS_OBJECTS)
async def cv_text(event: Envelope, conn: asyncpg.Connection) -> None:
    """Index the text documents extracted from a CV; forget it when the CV is deleted."""
    document_id = event.data.get("document_id")
    if not event.subject or not document_id or event.data.get("kind") != "cv":
        return
    if event.type == "document.stored" and event.sealed:
        fields = await opened(event)
        text = str((fields or {}).get("text") or "")[: domain.CV_TEXT_LIMIT]
        if not text.strip():
            return
        await store.put_cv_text(conn, str(document_id), event.subject, text)
        if await reindex(conn, event.subject):
            await profile_event(conn, "cv.indexed", event, document_id=document_id)
    elif event.type == "document.deleted":
        if await store.delete_cv_text(conn, str(document_id)):
            await reindex(conn, event.subject)
            await profile_event(conn, "cv.removed", event, document_id=document_id)


async def reindex(conn: asyncpg.Connection, candidate_id: str) -> bool:
    """Rebuild the candidate's search row (CV texts included); False without a profile yet:
    the profile's arrival indexes the CV text then."""
    row = await store.lock_profile(conn, candidate_id)
    if row is None:
        return False
    await store.index_for_search(conn, candidate_id, derived(domain.loads(row["profile"])))
    return True


@service.consumer(CRM_RELATIONS)
async def crm_relation(event: Envelope, conn: asyncpg.Connection) -> None:
    """A proposal to a client or a placement recorded in crm is contact on the candidate's
    behalf: activity for retention, as of when crm recorded it (a late or replayed event
    does not restart the clock from today)."""
    if event.type in domain.CRM_ACTIVITY and event.subject:
        await store.touch(conn, event.subject, event.time)


async def announce_identifiers(conn: asyncpg.Connection, candidate_id: str) -> None:
    """A recruiter changed the email or phone: privacy finds people by these, so it gets the
    new keyed hashes, in the transaction of the change. A correction asked through privacy
    carries them on its `rectification.done` instead; a registration on intake's hand-off."""
    current = await _current_hashes(conn, candidate_id)
    if current is not None:
        await identifiers.announce(conn, "candidates", service.keys, candidate_id, *current)


@service.consumer(PRIVACY_REQUESTS)
async def subject_status(event: Envelope, conn: asyncpg.Connection) -> None:
    """Unsubscribed: never in search or outreach again. Lifted: a new explicit registration."""
    if not event.subject:
        return
    status = {"subject.unsubscribed": "unsubscribed", "suppression.lifted": "active"}.get(
        event.type
    )
    if status and await store.set_status(conn, event.subject, status):
        kind = "profile.unsubscribed" if status == "unsubscribed" else "profile.reactivated"
        await profile_event(conn, kind, event, status=status)


@service.consumer(PRIVACY_RECTIFICATION)
async def rectify(event: Envelope, conn: asyncpg.Connection) -> None:
    """Correct fields in place (the old value is overwritten, no history kept) and answer."""
    if event.type != "rectification.requested" or not event.subject or not event.sealed:
        return
    current = await store.lock_profile(conn, event.subject)
    if current is None and event.data.get("subject_kind") != "candidate":
        return  # not a candidate of ours (e.g. a crm contact): crm answers
    sealed = await opened(event)
    if sealed is None:
        return
    changes = sealed.get("changes") or {}
    applied: list[str] = []
    rejected: list[str] = []
    noted = False
    if current is None:
        rejected = sorted(changes)
    else:
        # Self-service: what is wrong in the person's own words, for a recruiter to act on.
        description = str(sealed.get("description") or "").strip()[:2000]
        if description:
            note = await store.add_note(
                conn,
                new_id(),
                event.subject,
                "privacy:self-service",
                f"Correctieverzoek van de kandidaat: {description}",
            )
            await profile_event(conn, "note.added", event, note_id=str(note["id"]))
            noted = True
        profile = domain.loads(current["profile"])
        for path, value in changes.items():
            try:
                profile = domain.rectify(profile, str(path), value)
                applied.append(str(path))
            except domain.Rejected:
                rejected.append(str(path))
        if applied:
            await store.replace_profile(conn, event.subject, profile, derived(profile))
            await profile_event(conn, "profile.rectified", event, fields=applied)
    # A corrected email or phone: privacy learns the new hashes with the answer, in the same
    # transaction, so a request right after the correction finds them.
    corrected = None
    if identifiers.FIELDS & set(applied):
        corrected = await sealed_identifiers(conn, event.subject)
    await outbox.record(
        conn,
        PRIVACY_RECTIFICATION_DONE,
        Envelope(
            type="rectification.done",
            source="candidates",
            subject=event.subject,
            correlation_id=event.correlation_id,
            data={
                "request_id": event.data.get("request_id"),
                "service": "candidates",
                "applied": applied,
                "rejected": rejected,
            }
            | ({"noted": True} if noted else {}),
            sealed=corrected,
        ),
    )
    log.info(
        "rectification", extra={"subject": event.subject, "applied": len(applied),
                                "rejected": len(rejected)},
    )  # fmt: skip


async def access_slice(conn: asyncpg.Connection, candidate_id: str) -> dict[str, Any]:
    """Everything this service holds about the candidate (empty when nothing)."""
    row = await store.get_profile(conn, candidate_id)
    texts = await store.cv_texts(conn, candidate_id)
    if row is None and not texts:
        return {}
    out: dict[str, Any] = {}
    if row is not None:
        out["profile"] = domain.loads(row["profile"])
        out["status"] = row["status"]
        out["created_at"] = row["created_at"]
        out["updated_at"] = row["updated_at"]
        out["retention"] = {
            "last_activity_at": row["last_activity_at"],
            "renewal_requested_at": row["renewal_started_at"],
            "renewal_mailed_at": row["renewal_mailed_at"],
            "renewal_reminded_at": row["renewal_reminded_at"],
        }
        out["notes"] = [dict(n) for n in await store.notes(conn, candidate_id)]
        out["placements"] = [dict(p) for p in await store.placements(conn, candidate_id)]
        out["placement_checks"] = [
            {k: v for k, v in dict(c).items() if k != "candidate_id"}
            for c in await store.checks(conn, candidate_id)
        ]
        out["client_exports"] = [
            {k: v for k, v in dict(e).items() if k != "candidate_id"}
            for e in await store.exports(conn, candidate_id)
        ]
    out["cv_texts"] = [dict(t) for t in texts]
    return out


@service.consumer(PRIVACY_ACCESS, after_erasure=True)
async def access(event: Envelope, conn: asyncpg.Connection) -> None:
    if event.type != "access.requested" or not event.subject:
        return
    erased = await erasure.is_erased(conn, event.subject)
    found = None if erased else await access_slice(conn, event.subject)
    await access_answer(conn, "candidates", event, service.keys, found)


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    """Delete everything about the subject, keep the tombstone, acknowledge with counts."""
    if not event.subject:
        raise Poison("erasure without a subject")
    service.keys.forget(event.subject)
    # Read before the delete: privacy suppresses the person under these (hashes only).
    hashes = await store.identifier_hashes(conn, event.subject)
    counts = await store.delete_subject(conn, event.subject)
    # Kinds that had nothing are left out of the receipt; the profile count always shows.
    receipt = {k: n for k, n in counts.items() if n or k == "profiles"}
    await erasure.complete(conn, "candidates", event, receipt, hashes)
    log.info("subject erased", extra={"subject": event.subject, **counts})
