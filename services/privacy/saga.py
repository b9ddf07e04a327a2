"""Data-subject requests, top to bottom: resolve who it is about, start the work, collect the
answers of every data-holding service, complete (or stop in `error` for an officer to retry).

Forget-me: the hashes go on the suppression list, the subject key is shredded (every sealed copy
on the bus and in backups becomes unreadable), `privacy.erasure` goes to every service in
DATA_SERVICES, and each `privacy.erasure.done` is ticked off until none is missing.
"""

import logging
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from services.common import keys, outbox
from services.common.envelope import Envelope, new_id
from services.common.topics import (
    DATA_SERVICES,
    OPS_ALERTS,
    PRIVACY_ACCESS,
    PRIVACY_ERASURE,
    PRIVACY_RECTIFICATION,
    PRIVACY_REQUESTS,
    Topic,
)

from . import desk, domain, exports, keystore, notify, store, subjects
from .bootstrap import settings

log = logging.getLogger(__name__)
SYSTEM = "service:privacy"
NOBODY = notify.NOBODY


async def alert(conn: asyncpg.Connection, kind: str, ref: str, data: dict[str, Any]) -> bool:
    """An operations alert (ids and facts only), at most once per thing and kind."""
    if not await store.claim_alert(conn, ref, kind):
        return False
    await outbox.record(
        conn, OPS_ALERTS, Envelope(type=kind, source="privacy", data={"ref": ref, **data})
    )
    return True


# --- filing, resolving and starting ---------------------------------------------------------


class JustClosed(Exception):
    """The open request this one would be linked to closed meanwhile: file it again."""


async def file_request(
    conn: asyncpg.Connection,
    type_: str,
    subject: str | None,
    kind: str,
    actor: str,
    *,
    channel: str,
    email_hash: str | None = None,
    phone_hash: str | None = None,
    sealed_changes: str | None = None,
    note: str | None = None,
    reply_address: str | None = None,
) -> tuple[str, bool]:
    """Record a request whose person is settled and start it; a repeat while one of the same
    type is open for the person is linked to that one instead. Every channel that files a
    ready request (the officer, retention) comes through here. Call inside a transaction.
    `reply_address`: where the person is told the outcome (held sealed until then, as for
    self-service). Returns (the request's id, whether it is new)."""
    request_id = new_id()
    inserted = await store.insert_request(
        conn,
        request_id,
        type_,
        "received",
        subject,
        kind,
        email_hash,
        domain.due_on(date.today()),
        actor,
        channel=channel,
        sealed_changes=sealed_changes,
    )
    if not inserted:
        existing = await store.find_open(conn, type_, subject or email_hash)
        if existing is None:
            raise JustClosed(type_)
        await store.link(conn, str(existing["id"]), actor, channel)
        if reply_address:
            await _hold_reply(conn, str(existing["id"]), reply_address)
        return str(existing["id"]), False
    if reply_address:  # before starting: a request may complete at once (nobody, unsubscribe)
        await _hold_reply(conn, request_id, reply_address)
    if phone_hash:
        await store.set_phone_hash(conn, request_id, phone_hash)
    if note:
        await store.set_note(conn, request_id, note)
    await start(conn, request_id, actor)
    return request_id, True


async def _hold_reply(conn: asyncpg.Connection, request_id: str, address: str) -> None:
    await desk.hold_reply_address(conn, request_id, notify.seal(request_id, address))


async def resolve_and_start(pool: asyncpg.Pool, request_id: str, actor: str) -> None:
    """For a received request: find the person by email hash if needed, then start the work.

    If a lookup service cannot answer, the request stays `received`; housekeeping tries again.
    """
    async with pool.acquire() as conn:
        req = await store.get_request(conn, request_id)
    if req is None or req["status"] != "received":
        return
    found: tuple[str, str] | None = None
    if req["subject"] is None and req["email_hash"]:
        try:
            found = await subjects.resolve(req["email_hash"])
        except subjects.LookupUnavailable as exc:
            log.warning("lookup unavailable", extra={"request_id": request_id, "kind": str(exc)})
            return
    async with pool.acquire() as conn, conn.transaction():
        if found is not None:
            if await _folded(conn, req, found[1], actor):
                return
            await store.set_subject(conn, request_id, found[1], found[0])
        await start(conn, request_id, actor)


async def _folded(conn: asyncpg.Connection, req: asyncpg.Record, subject: str, actor: str) -> bool:
    """A request just resolved to a person with an open request of its type: linked to that
    one and cancelled (True), else left alone."""
    request_id = str(req["id"])
    existing = await store.find_open(conn, req["type"], subject)
    if existing is None or str(existing["id"]) == request_id:
        return False
    await store.link(conn, str(existing["id"]), actor, req["channel"])
    if req["type"] == "rectification":
        # Its corrections are not merged into the open one: the person is told
        # (selfservice.verify) to send them again once that one is done.
        await store.drop_sealed(conn, request_id)
    else:
        await store.move_sealed(conn, request_id, str(existing["id"]))
    await store.set_status(conn, request_id, "cancelled", SYSTEM, f"linked to {existing['id']}")
    return True


async def start(conn: asyncpg.Connection, request_id: str, actor: str) -> None:
    """Begin a received request whose subject is settled (an id, or known to be nobody)."""
    req = await store.get_request(conn, request_id, lock=True)
    if req is None or req["status"] != "received":
        return
    starters = {
        "erasure": start_erasure,
        "access": start_access,
        "rectification": start_rectification,
        "unsubscribe": unsubscribe,
    }
    await starters[req["type"]](conn, req, actor)


async def _hashes(conn: asyncpg.Connection, req: asyncpg.Record) -> list[tuple[str, str]]:
    """Every keyed hash we know for the person: from the request, from registrations and
    corrections, and those a correction replaced (an old list must not reach them either)."""
    found = {("email", req["email_hash"]), ("phone", req["phone_hash"])}
    if req["subject"]:
        known = await store.hashes_of(conn, req["subject"])
        if known:
            found |= {("email", known["email_hash"]), ("phone", known["phone_hash"])}
        found |= set(await store.former_hashes_of(conn, req["subject"]))
    return sorted((kind, h) for kind, h in found if h)


async def _complete_for_nobody(conn: asyncpg.Connection, request_id: str, actor: str) -> None:
    await store.set_note(conn, request_id, NOBODY)
    await store.set_status(conn, request_id, "complete", actor, NOBODY)
    await notify.mail_completion(conn, request_id)


async def _fan_out(
    conn: asyncpg.Connection, req: asyncpg.Record, services: tuple[str, ...], actor: str
) -> None:
    request_id = str(req["id"])
    await store.add_pending(conn, request_id, services)
    await store.set_status(conn, request_id, "in_progress", actor)
    topic, event = await command(conn, req)
    await outbox.record(conn, topic, event)


async def command(conn: asyncpg.Connection, req: asyncpg.Record) -> tuple[Topic, Envelope]:
    """The command a request sends to the services (again, when an answer is missing)."""
    request_id, subject = str(req["id"]), req["subject"]
    data: dict[str, Any] = {"request_id": request_id, "subject_kind": req["subject_kind"]}
    sealed = None
    if req["type"] == "erasure":
        topic, type_ = PRIVACY_ERASURE, "erasure.requested"
    elif req["type"] == "access":
        topic, type_ = PRIVACY_ACCESS, "access.requested"
        export = await store.get_export(conn, request_id)
        assert export is not None  # an access request has its export row
        data |= {"export_bucket": export["bucket"], "export_prefix": export["prefix"]}
    else:
        topic, type_ = PRIVACY_RECTIFICATION, "rectification.requested"
        sealed = req["sealed_changes"]
    event = Envelope(
        type=type_,
        source="privacy",
        subject=subject,
        correlation_id=request_id,
        data=data,
        sealed=sealed,
    )
    return topic, event


# --- the four kinds of request --------------------------------------------------------------


async def start_erasure(conn: asyncpg.Connection, req: asyncpg.Record, actor: str) -> None:
    request_id = str(req["id"])
    if req["subject"] is None and req["email_hash"]:
        # Nobody holds this address now, but a candidate or contact gave it before it was
        # corrected: "forget me" by the address someone used must not be answered "no personal
        # data held" while their data stays. Erasure only: access (disclosure) and rectification
        # by an address the person left are not answered, as it may be someone else's by now.
        former = await store.former_owner(conn, req["email_hash"])
        if former is not None and req["channel"] != "officer":
            # Asked through the public page, the code in the mail proves only who reads that
            # mailbox now. Addresses are reused (role mailboxes above all) and an erasure cannot
            # be undone: the officer, who can check who is asking, decides. The address itself
            # is suppressed below all the same.
            await alert(conn, "request.former_address", request_id, {"request_id": request_id})
            await store.add_event(
                conn, request_id, None, SYSTEM, "a former address: for the officer to decide"
            )
            former = None
        if former is not None:
            if await _folded(conn, req, former[0], actor):
                return
            await store.set_subject(conn, request_id, *former)
            await store.add_event(conn, request_id, None, SYSTEM, "found by a former address")
            req = await store.get_request(conn, request_id)
            assert req is not None
    subject = req["subject"]
    hashes = await _hashes(conn, req)
    await store.suppress(conn, hashes, "erasure", request_id)
    if subject is None:
        await _complete_for_nobody(conn, request_id, actor)
        return
    # Access waits while this runs, and an access slice being written is waited for: the
    # exports read below then hold everything written so far (see handlers.access_slice).
    await store.lock_subject(conn, subject)
    await store.drop_sealed_of_subject(conn, subject, request_id)
    # Earlier access exports hold the person's data too.
    for export in await store.exports_to_delete(conn, subject):
        await exports.delete_prefix(export["bucket"], export["prefix"])
        await store.export_deleted(conn, str(export["request_id"]))
        access = await store.get_request(conn, str(export["request_id"]), lock=True)
        if access is not None and access["status"] in domain.OPEN:
            await store.set_status(
                conn, str(access["id"]), "cancelled", actor, "the person was erased meanwhile"
            )
    # Shred the key first: from this moment every sealed copy is unreadable.
    await keystore.shred(conn, subject)
    await store.forget_subject_index(conn, subject)
    await _fan_out(conn, req, DATA_SERVICES, actor)
    log.info("erasure started", extra={"request_id": request_id, "hashes": len(hashes)})


async def start_access(conn: asyncpg.Connection, req: asyncpg.Record, actor: str) -> None:
    request_id, subject = str(req["id"]), req["subject"]
    if subject is None or await store.lock_subject(conn, subject):
        # Nobody, or erased meanwhile (the tombstone, read under the erasure's lock).
        await _complete_for_nobody(conn, request_id, actor)
        return
    await store.insert_export(conn, request_id, subject, settings.export_bucket, f"{request_id}/")
    await _fan_out(conn, req, DATA_SERVICES, actor)


async def start_rectification(conn: asyncpg.Connection, req: asyncpg.Record, actor: str) -> None:
    request_id = str(req["id"])
    owner = domain.OWNER.get(req["subject_kind"])
    if req["channel"] == "self_service" and req["sealed_changes"] is None and owner:
        req = await _seal_self_service_changes(conn, req)
    if req["subject"] is None or owner is None or req["sealed_changes"] is None:
        await _complete_for_nobody(conn, request_id, actor)
        return
    await _fan_out(conn, req, (owner,), actor)


async def _seal_self_service_changes(
    conn: asyncpg.Connection, req: asyncpg.Record
) -> asyncpg.Record:
    """The person's corrections were sealed for the request only (who they are was not yet
    known); now they are sealed with the subject's key, the way the officer's are, and sent
    along the same path (privacy.rectification to the owner)."""
    request_id = str(req["id"])
    held = await store.get_sealed(conn, request_id)
    if held is None or held["changes"] is None:
        return req
    key = await keystore.get_or_create(conn, settings.master_key, req["subject"])
    await store.drop_sealed_changes(conn, request_id)
    if key is None:  # erased meanwhile: nothing left to correct
        return req
    pending = notify.unseal(request_id, held["changes"])
    await store.set_sealed_changes(conn, request_id, keys.seal(key, pending, req["subject"]))
    fresh = await store.get_request(conn, request_id)
    assert fresh is not None
    return fresh


async def unsubscribe(conn: asyncpg.Connection, req: asyncpg.Record, actor: str) -> None:
    """Never approached again: suppressed now, and the owning service marks the status."""
    request_id, subject = str(req["id"]), req["subject"]
    await store.suppress(conn, await _hashes(conn, req), "unsubscribe", request_id)
    if subject is not None:
        await outbox.record(
            conn,
            PRIVACY_REQUESTS,
            Envelope(
                type="subject.unsubscribed",
                source="privacy",
                subject=subject,
                correlation_id=request_id,
                data={"request_id": request_id, "subject_kind": req["subject_kind"]},
            ),
        )
    await store.set_status(conn, request_id, "complete", actor)
    await notify.mail_completion(conn, request_id)


def seal_changes(key: bytes, changes: dict[str, Any], subject: str) -> str:
    return keys.seal(key, {"changes": changes}, subject)


# --- answers --------------------------------------------------------------------------------


async def answered(
    conn: asyncpg.Connection, request_id: str, service: str, counts: dict[str, Any]
) -> bool:
    """Tick off one service; True when this answer was the last one missing.

    The request row is locked first: two answers handled at the same time (consumers run
    concurrently, and several instances may) would otherwise each count the other as still
    missing, and neither would complete the request."""
    req = await store.get_request(conn, request_id, lock=True)
    if req is None or await store.mark_done(conn, request_id, service, counts) != 0:
        return False
    return req["status"] in ("in_progress", "error")


async def complete(conn: asyncpg.Connection, request_id: str) -> None:
    sealed_address = await store.complete(conn, request_id, SYSTEM)
    if sealed_address is not None:  # filed through self-service: the person is told
        await notify.mail_completion(conn, request_id, sealed_address)


# --- missing answers, retry -----------------------------------------------------------------


async def resend_missing(conn: asyncpg.Connection, req: asyncpg.Record, now: datetime) -> int:
    """Re-send the command when answers are overdue; after too many tries, stop in `error`.
    Returns how many services were asked again."""
    request_id = str(req["id"])
    pending = await store.pending_services(conn, request_id)
    due = [
        p for p in pending if p["sent_at"] < now - timedelta(seconds=settings.resend_after_seconds)
    ]
    if not due:
        return 0
    if any(p["attempts"] > settings.max_resends for p in due):
        silent = sorted(p["service"] for p in due)
        await store.set_status(
            conn, request_id, "error", SYSTEM, "no answer from " + ", ".join(silent)
        )
        await alert(
            conn, "request.stalled", request_id, {"request_id": request_id, "services": silent}
        )
        return 0
    topic, event = await command(conn, req)
    await outbox.record(conn, topic, event)
    await store.mark_resent(conn, request_id, [p["service"] for p in due])
    log.info("command re-sent", extra={"request_id": request_id, "services": len(due)})
    return len(due)


async def retry(conn: asyncpg.Connection, req: asyncpg.Record, actor: str) -> None:
    """An officer retries a failed request: the missing services get the command again."""
    request_id = str(req["id"])
    export = await store.get_export(conn, request_id) if req["type"] == "access" else None
    if export is not None and export["deleted_at"] is not None:
        # Housekeeping deleted the partial export (in error too long): the slices the others
        # sent went with it, so everyone is asked again rather than only the silent ones.
        await store.reopen_export(conn, request_id)
        await store.ask_everyone_again(conn, request_id)
    pending = [p["service"] for p in await store.pending_services(conn, request_id)]
    await store.set_status(conn, request_id, "in_progress", actor, "retried")
    await conn.execute(
        "DELETE FROM alerts_sent WHERE ref = $1 AND kind = 'request.stalled'", request_id
    )
    if pending:
        topic, event = await command(conn, req)
        await outbox.record(conn, topic, event)
        await store.mark_resent(conn, request_id, pending, reset=True)
