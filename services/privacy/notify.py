"""The completion mail of a self-service request, and the sealed address it needs.

Why the address is kept, and how. The person proved the address with a code and is owed the
answer there (the export link, the corrections made, the erasure done). The ledger keeps
keyed hashes only, and after an erasure nothing may be left from which the person can be
read. So the address lives apart, in `selfservice_sealed`, sealed (AES-GCM) under a key
derived from the master key and bound to the request id, from the moment it is typed until
the completion mail has gone: the row is deleted in the very transaction that marks the
request `complete` and sends the mail, so once `complete` is visible the address is gone and
the verification scan (run after completion) finds nothing. Not under the subject key: an
erasure shreds that key when it starts, long before its mail is due. A cancelled request's
address is deleted at once. If the mail cannot be sent, the sealed row stays (the scan
reports it as a hit, honestly) and housekeeping tries again a few times, then deletes it.
"""

import base64
import json
import logging
import secrets
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.common import keys
from services.common.mail import send_mail

from . import desk, domain, store
from .bootstrap import settings

log = logging.getLogger(__name__)
ACTOR = "service:privacy"
NOBODY = "no personal data held"
EXTENSION_SENT = "extension mailed to the person"
EXTENSION_NOT_SENT = "extension mail not sent"
EXTENSION_NO_ADDRESS = "extension not mailed: no address held"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SIGNATURE = (
    "\n\nVragen? Mail naar info@allegrotalent.nl of bel 085 773 1907."
    "\n\nMet vriendelijke groet,\nAllegro Talent"
)


def _key() -> bytes:
    return keys.derive(base64.b64decode(settings.master_key), "selfservice-sealed")


def seal(request_id: str, value: Any) -> bytes:
    return keys.encrypt(_key(), json.dumps(value).encode(), f"selfservice:{request_id}")


def unseal(request_id: str, blob: bytes) -> Any:
    return json.loads(keys.decrypt(_key(), bytes(blob), f"selfservice:{request_id}"))


async def mail_completion(
    conn: asyncpg.Connection, request_id: str, sealed: bytes | None = None
) -> bool:
    """Inside the transaction that completes the request: mail the person, forget the
    address. `sealed`: the address when the caller read it already. True when sent."""
    if sealed is None:
        row = await store.get_sealed(conn, request_id)
        if row is None:
            return False
        sealed = row["address"]
    req = await store.get_request(conn, request_id)
    assert req is not None
    subject, body = await _compose(conn, req)
    try:
        await send_mail(settings, unseal(request_id, sealed), subject, body + SIGNATURE)
    except OSError:
        attempts = await store.mail_failed(conn, request_id)
        log.warning("completion mail failed", extra={"request_id": request_id, "n": attempts})
        if attempts >= settings.completion_mail_attempts:
            await store.drop_sealed(conn, request_id)
            await store.add_event(conn, request_id, None, ACTOR, "completion mail not sent")
        return False
    await store.drop_sealed(conn, request_id)
    await store.add_event(conn, request_id, None, ACTOR, "completion mail sent")
    return True


async def mail_extension(conn: asyncpg.Connection, request_id: str, due: date, reason: str) -> bool:
    """Art. 12(3) AVG: a person whose request takes longer is told, with the reasons. The
    address stays held for the completion mail. The history says whether the mail went, so
    the officer knows to tell the person otherwise."""
    sealed = await desk.reply_address(conn, request_id)
    if sealed is None:
        await store.add_event(conn, request_id, None, ACTOR, EXTENSION_NO_ADDRESS)
        return False
    body = (
        f"Kenmerk: {request_id}\n\nHet afhandelen van je verzoek duurt langer dan gebruikelijk."
        f" Je hoort uiterlijk op {due.strftime('%d-%m-%Y')} van ons.\n\nDe reden: {reason}"
    )
    try:
        await send_mail(
            settings, unseal(request_id, sealed), "Je verzoek duurt langer", body + SIGNATURE
        )
    except OSError:
        log.warning("extension mail failed", extra={"request_id": request_id})
        await store.add_event(conn, request_id, None, ACTOR, EXTENSION_NOT_SENT)
        return False
    await store.add_event(conn, request_id, None, ACTOR, EXTENSION_SENT)
    return True


async def _compose(conn: asyncpg.Connection, req: asyncpg.Record) -> tuple[str, str]:
    request_id, nobody = str(req["id"]), req["note"] == NOBODY
    ref = f"Kenmerk: {request_id}\n\n"
    if req["type"] == "access":
        subject = "Je inzageverzoek is afgehandeld"
        if nobody:
            return subject, ref + "Bij dit e-mailadres bewaren wij geen persoonsgegevens."
        return subject, ref + await _download(conn, request_id)
    if req["type"] == "rectification":
        subject = "Je correctieverzoek is afgehandeld"
        if nobody:
            return subject, ref + (
                "Bij dit e-mailadres bewaren wij geen persoonsgegevens, dus er viel niets te"
                " corrigeren."
            )
        return subject, ref + await _corrections(conn, request_id)
    if req["type"] == "erasure":
        subject = "Je gegevens zijn verwijderd"
        text = (
            "Bij dit e-mailadres bewaarden wij geen persoonsgegevens."
            if nobody
            else "We hebben al je persoonsgegevens verwijderd, bij al onze onderdelen."
        )
        return subject, ref + text + (
            "\nWe bewaren alleen dat je dit verzoek hebt gedaan, zonder je gegevens, en we"
            " benaderen je niet meer. Dit adres wissen we direct na het versturen van dit"
            " bericht."
        )
    return "Je bent uitgeschreven", ref + (
        "Je bent uitgeschreven: we benaderen je niet meer voor opdrachten of aanbiedingen."
    )


async def _download(conn: asyncpg.Connection, request_id: str) -> str:
    export = await store.get_export(conn, request_id)
    if export is None or export["object"] is None or export["deleted_at"] is not None:
        return "Je verzoek is afgehandeld; neem contact met ons op voor je gegevens."
    token = secrets.token_urlsafe(32)
    await store.set_download_hash(
        conn, request_id, domain.token_hash(settings.blind_index_key, request_id, token)
    )
    until = export["expires_at"].astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    return (
        "Je gegevens staan klaar: een bestand met alles wat wij van je bewaren.\n"
        f"Downloaden: {settings.link_base}/privacy/export/{request_id}/{token}\n\n"
        f"De link werkt tot {until}; daarna verwijderen we het bestand."
    )


async def _corrections(conn: asyncpg.Connection, request_id: str) -> str:
    applied: list[str] = []
    rejected: list[str] = []
    noted = False
    for p in await store.get_progress(conn, request_id):
        result = json.loads(p["counts"]) if p["counts"] else {}
        applied += result.get("applied") or []
        rejected += result.get("rejected") or []
        noted = noted or bool(result.get("noted"))

    def labels(paths: list[str]) -> str:
        return ", ".join(domain.SELF_CORRECTABLE.get(p, p) for p in paths)

    lines = []
    if applied:
        lines.append(f"Aangepast: {labels(applied)}.")
    if rejected:
        lines.append(
            f"Niet aangepast: {labels(rejected)}. Dit gegeven bewaren wij niet van je of het"
            " kan zo niet worden gewijzigd; neem contact met ons op als het toch niet klopt."
        )
    history = {e["note"] for e in await store.get_events(conn, request_id)}
    if domain.LEFT_FOR_STAFF in history:
        lines.append(
            "Nog niet aangepast: telefoonnummer. Een medewerker neemt contact met je op om het"
            " nieuwe nummer te bevestigen; pas daarna passen we het aan."
        )
    if noted:
        lines.append(
            "Je toelichting is doorgegeven aan onze medewerkers; zij passen aan wat niet klopt"
            " en nemen contact met je op als er iets onduidelijk is."
        )
    return "\n".join(lines) or "Er was niets te wijzigen."
