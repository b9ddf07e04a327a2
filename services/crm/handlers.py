"""crm event handlers: a contact's (or candidate's) erasure, access slice, rectification and
unsubscription. A contact's id is its subject id; candidates appear here only by id, in
proposals, placements and referee links."""

import logging
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from services.common import erasure, identifiers, keys, outbox
from services.common.access import answer as access_answer
from services.common.envelope import Envelope, new_id, utcnow
from services.common.topics import (
    PRIVACY_ACCESS,
    PRIVACY_ERASURE,
    PRIVACY_RECTIFICATION,
    PRIVACY_RECTIFICATION_DONE,
    PRIVACY_REQUESTS,
)

from . import domain, store
from .api import ContactPatch
from .bootstrap import service

log = logging.getLogger(__name__)
RECTIFIABLE = ("name", "email", "phone", "function")


def _as_contact_id(subject: str | None) -> UUID | None:
    """Contact ids are UUIDs; anything else cannot be one of ours."""
    try:
        return UUID(subject) if subject else None
    except ValueError:
        return None


async def _contact(conn: asyncpg.Connection, subject: str | None) -> asyncpg.Record | None:
    contact_id = _as_contact_id(subject)
    return await store.get_contact(conn, contact_id) if contact_id else None


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    """Delete the contact's personal data; the organisation and the statistics stay.

    Reports of conversations with the contact are emptied, and the contact's name, email and
    phone are struck from every other report. For a candidate, proposals and placements lose
    the candidate id (the facts stay for the statistics) and referee links are removed.
    """
    assert event.subject
    service.keys.forget(event.subject)
    deleted: dict[str, int] = {}
    identifiers: list[tuple[str, str | None]] = []
    contact = await _contact(conn, event.subject)
    if contact is not None:
        identifiers = _identifier_hashes(contact)
        patterns = domain.redaction_patterns(contact["name"], contact["email"], contact["phone"])
        deleted["contact_moments_emptied"] = await store.empty_reports_of_contact(
            conn, contact["id"]
        )
        deleted["contacts"] = await store.delete_contact(conn, contact["id"])
        deleted["reports_redacted"] = await store.redact_reports(conn, patterns)
    deleted |= await store.unlink_candidate(conn, event.subject)
    await erasure.complete(conn, "crm", event, deleted, identifiers)
    log.info("subject erased", extra={"subject": event.subject, "deleted": deleted})


def _identifier_hashes(contact: asyncpg.Record) -> list[tuple[str, str | None]]:
    """The contact's email and phone as keyed hashes, for privacy's suppression list: the
    stored hash, or one made from the stored value (the same normalisation and key)."""
    key = service.settings.blind_index_key
    found: list[tuple[str, str | None]] = []
    for kind in ("email", "phone"):
        hashed = contact[f"{kind}_hash"]
        if hashed is None and contact[kind] and key:
            hashed = keys.blind_index(key, kind, contact[kind])
        found.append((kind, hashed))
    return found


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def access_slice(conn: asyncpg.Connection, subject: str) -> dict[str, Any]:
    """Everything the crm holds about the subject, as a contact and as a candidate."""
    out: dict[str, Any] = {}
    contact = await _contact(conn, subject)
    if contact is not None:
        org = await store.get_organisation(conn, contact["organisation_id"])
        assert org is not None  # a contact's organisation is a foreign key
        out["contact"] = {
            "id": str(contact["id"]),
            "name": contact["name"],
            "email": contact["email"],
            "phone": contact["phone"],
            "function": contact["function"],
            "organisation": {"id": str(org["id"]), "name": org["name"], "kind": org["kind"]},
            "referee_for_candidate": contact["referee_for"],
            "unsubscribed_at": _iso(contact["unsubscribed_at"]),
            "created_at": _iso(contact["created_at"]),
            "updated_at": _iso(contact["updated_at"]),
        }
        out["contact_moments"] = [
            {
                "id": str(m["id"]),
                "occurred_at": _iso(m["occurred_at"]),
                "channel": m["channel"],
                "employee_id": m["employee_id"],
                "report": m["report"],
            }
            for m in await store.all_moments_of_contact(conn, contact["id"])
        ]
        patterns = domain.redaction_patterns(contact["name"], contact["email"], contact["phone"])
        out["mentioned_in_contact_moments"] = [
            {"id": str(m["id"]), "occurred_at": _iso(m["occurred_at"]), "report": m["report"]}
            for m in await store.moments_mentioning(conn, patterns, contact["id"])
        ]
    fields = ("assignment_id", "organisation_id", "organisation_name", "vacancy", "function_type")
    proposals = await store.proposals_of_candidate(conn, subject)
    if proposals:
        out["proposals"] = [
            {k: _iso(p[k]) if not isinstance(p[k], UUID) else str(p[k]) for k in fields}
            | {
                "proposed_on": p["proposed_on"].isoformat(),
                "consent_checked_at": p["consent_checked_at"].isoformat(),
            }
            for p in proposals
        ]
    placements = await store.placements_of_candidate(conn, subject)
    if placements:
        out["placements"] = [
            {k: _iso(p[k]) if not isinstance(p[k], UUID) else str(p[k]) for k in fields}
            | {k: _iso(p[k]) for k in ("placed_on", "starts_on", "ends_on")}
            for p in placements
        ]
    referees = await store.referees_named_by(conn, subject)
    if referees:
        # The referee's own details are the referee's data: the candidate sees which were kept.
        out["referees_named"] = [{"contact_id": str(r["id"])} for r in referees]
    return out


@service.consumer(PRIVACY_ACCESS, after_erasure=True)
async def access(event: Envelope, conn: asyncpg.Connection) -> None:
    assert event.subject
    erased = await erasure.is_erased(conn, event.subject)
    found = None if erased else await access_slice(conn, event.subject)
    await access_answer(conn, "crm", event, service.keys, found)


@service.consumer(PRIVACY_RECTIFICATION)
async def rectify(event: Envelope, conn: asyncpg.Connection) -> None:
    """Apply corrections to a contact we own (old values overwritten); others are not ours."""
    contact = await _contact(conn, event.subject)
    if contact is None or not event.sealed:
        return
    assert event.subject
    key = await service.keys.get(event.subject)
    opened = keys.open_sealed(key, event.sealed, event.subject)
    changes = opened.get("changes") or {}
    applied: list[str] = []
    rejected: list[str] = []
    valid: dict[str, Any] = {}
    for path, value in changes.items():
        field = path.removeprefix("contact.")
        try:
            if field not in RECTIFIABLE:
                raise ValueError(field)
            parsed = getattr(ContactPatch.model_validate({field: value}), field)
            if parsed is None and field == "name":
                raise ValueError(field)
        except (ValidationError, ValueError):
            rejected.append(path)
        else:
            valid[field] = parsed
            applied.append(path)
    # Self-service: what is wrong in the contact's own words, in the contact-moment register.
    description = str(opened.get("description") or "").strip()[:2000]
    if description:
        await store.insert_moment(
            conn,
            new_id(),
            {
                "organisation_id": contact["organisation_id"],
                "contact_id": contact["id"],
                "employee_id": "privacy:self-service",
                "occurred_at": utcnow(),
                "channel": "other",
                "report": f"Correctieverzoek van de contactpersoon: {description}",
            },
        )
    settings = service.settings
    updated = None
    if valid:
        for kind in ("email", "phone"):
            if kind in valid:
                value = valid[kind]
                hashed = keys.blind_index(settings.blind_index_key, kind, value) if value else None
                valid[f"{kind}_hash"] = hashed if settings.blind_index_key else None
        updated = await store.update_contact(conn, contact["id"], valid)
    # A corrected email or phone: privacy learns the new hashes with the answer, in the same
    # transaction, so a request right after the correction finds (and suppresses) them.
    corrected = None
    if updated is not None and identifiers.FIELDS & valid.keys() and settings.blind_index_key:
        corrected = await identifiers.sealed_hashes(
            service.keys, event.subject, updated["email_hash"], updated["phone_hash"]
        )
    await outbox.record(
        conn,
        PRIVACY_RECTIFICATION_DONE,
        Envelope(
            type="rectification.done",
            source="crm",
            subject=event.subject,
            correlation_id=event.correlation_id,
            data={
                "request_id": event.data.get("request_id"),
                "service": "crm",
                "applied": sorted(applied),
                "rejected": sorted(rejected),
            }
            | ({"noted": True} if description else {}),
            sealed=corrected,
        ),
    )


@service.consumer(PRIVACY_REQUESTS)
async def subject_decision(event: Envelope, conn: asyncpg.Connection) -> None:
    """An unsubscribed contact is never approached with offers again."""
    if event.type == "subject.unsubscribed" and _as_contact_id(event.subject):
        await store.set_unsubscribed(conn, str(event.subject))
