"""The public self-service behind the gateway's /privacy page: a person asks for access,
rectification, erasure or unsubscription, proves the email address with a 6-digit code, and
the request runs; when it is complete, a short mail says so (notify.py).

No login, so mind abuse: the answer never tells whether the address is known to us (no
enumeration), codes expire after 10 minutes and allow 3 attempts, and the address, the client
and everyone together are rate-limited (counted under keyed hashes, never in plaintext; counted
one at a time, so a parallel burst gets no more than a sequence would).

A corrected email needs a second code, mailed to the new address; a corrected phone is left
for an employee to confirm (domain.CONFIRMED_BY_STAFF).
"""

import hmac
import logging
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from services.common.db import db_conn
from services.common.envelope import new_id, utcnow
from services.common.keys import blind_index
from services.common.mail import send_mail

from . import domain, exports, notify, saga, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/privacy/self-service")
ACTOR = "self-service"
HOUR = 3600


Value = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Values a field must parse as before it is accepted; the owner validates again, in context.
SHAPES: dict[str, TypeAdapter[Any]] = {
    "email": TypeAdapter(EmailStr),
    "birth_date": TypeAdapter(date),
    "phone": TypeAdapter(
        Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()./-]{6,32}$", max_length=32)]
    ),
}


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(max_length=40)
    value: Value

    @model_validator(mode="after")
    def correctable(self) -> "Correction":
        if self.field not in domain.SELF_CORRECTABLE:
            raise ValueError(
                f"'{self.field}' cannot be corrected here; choose one of "
                + ", ".join(domain.SELF_CORRECTABLE)
                + ", or describe it in 'description'"
            )
        shape = SHAPES.get(self.field)
        if shape is not None:
            try:
                self.value = str(shape.validate_python(self.value))
            except ValidationError as exc:
                raise ValueError(f"not a valid {self.field}") from exc
        return self


class SelfServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["access", "rectification", "erasure", "unsubscribe"]
    email: EmailStr = Field(max_length=254)
    # Rectification: the fields to correct with their right value, and/or in the person's own
    # words what is wrong (recorded for an employee by the owning service).
    changes: list[Correction] | None = Field(default=None, max_length=len(domain.SELF_CORRECTABLE))
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
        | None
    ) = None

    @model_validator(mode="after")
    def corrections_for_rectification(self) -> "SelfServiceIn":
        if self.type == "rectification":
            if not (self.changes or self.description):
                raise ValueError("a rectification needs changes or a description")
            fields = [c.field for c in self.changes or []]
            if len(set(fields)) != len(fields):
                raise ValueError("each field can be corrected once per request")
        elif self.changes or self.description:
            raise ValueError("changes and description belong to a rectification only")
        return self

    def for_staff(self) -> list["Correction"]:
        return [c for c in self.changes or [] if c.field in domain.CONFIRMED_BY_STAFF]

    def pending(self) -> dict[str, Any] | None:
        """What the owner receives, sealed (as the officer's `changes`, plus the words). What
        the code cannot prove goes in the words, for an employee to confirm before changing."""
        if self.type != "rectification":
            return None
        changes = {
            c.field: c.value for c in self.changes or [] if c.field not in domain.CONFIRMED_BY_STAFF
        }
        words = [
            f"nieuw {domain.SELF_CORRECTABLE[c.field]}: {c.value} (niet automatisch aangepast;"
            " bevestig het eerst met de persoon)"
            for c in self.for_staff()
        ]
        words += [self.description] if self.description else []
        out: dict[str, Any] = {"changes": changes}
        if words:
            out["description"] = "\n".join(words)
        return out


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^\s*[0-9]{6}\s*$")


class SelfServiceOut(BaseModel):
    id: str
    status: str
    due_at: str | None = None
    message: str


WHAT = {
    "access": "inzage in je persoonsgegevens",
    "rectification": "correctie van je persoonsgegevens",
    "erasure": "verwijdering van je persoonsgegevens (vergeten worden)",
    "unsubscribe": "uitschrijving (je wordt niet meer benaderd)",
}


GLOBAL_CODES = "global:codes"
GLOBAL_WRONG_CODES = "global:wrong_codes"
TOO_MANY = "te veel verzoeken; probeer het later opnieuw"


def _email_bucket(address: str) -> str:
    return "email:" + blind_index(settings.blind_index_key, "email", address)


def _client_bucket(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    client = forwarded or (request.client.host if request.client else "unknown")
    mac = hmac.new(settings.blind_index_key.encode(), b"client:" + client.encode(), "sha256")
    return "client:" + mac.hexdigest()


@router.post("/requests", status_code=202, response_model=SelfServiceOut)
async def ask(
    body: SelfServiceIn, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> SelfServiceOut:
    """Always the same answer, known address or not; the code goes to the address itself."""
    e_hash = blind_index(settings.blind_index_key, "email", body.email)
    limits = {
        _client_bucket(request): settings.requests_per_client_hour,
        "email:" + e_hash: settings.codes_per_email_hour,
        GLOBAL_CODES: settings.codes_global_hour,
    }
    request_id, code = new_id(), domain.new_code()
    async with conn.transaction():
        await _count_within(conn, limits)
        await store.insert_request(
            conn,
            request_id,
            body.type,
            "identity_unverified",
            None,
            "email",
            e_hash,
            domain.due_on(date.today()),
            ACTOR,
            channel="self_service",
        )
        await store.set_code(
            conn,
            request_id,
            domain.code_hash(settings.blind_index_key, request_id, code),
            utcnow() + domain.CODE_TTL,
        )
        if body.for_staff():
            await store.add_event(conn, request_id, None, ACTOR, domain.LEFT_FOR_STAFF)
        # Sealed, only for this request: the completion mail's address, the corrections.
        pending = body.pending()
        await store.hold_sealed(
            conn,
            request_id,
            notify.seal(request_id, str(body.email)),
            notify.seal(request_id, pending) if pending else None,
        )
    try:
        await send_mail(
            settings,
            body.email,
            "Je verificatiecode voor je privacyverzoek",
            f"Je hebt gevraagd om {WHAT[body.type]}.\n\n"
            f"Je verificatiecode is: {code}\n\n"
            "De code is 10 minuten geldig; je kunt hem 3 keer proberen.\n"
            "Heb je dit niet zelf aangevraagd? Dan kun je dit bericht negeren.\n\n"
            "Allegro Talent",
        )
    except OSError as exc:
        log.error("verification mail failed", extra={"request_id": request_id})
        raise HTTPException(
            status_code=503, detail="de e-mail kon niet worden verstuurd; probeer het later"
        ) from exc
    log.info("self-service request awaiting verification", extra={"request_id": request_id})
    return SelfServiceOut(
        id=request_id,
        status="identity_unverified",
        message="We hebben een code van 6 cijfers naar je e-mailadres gestuurd.",
    )


async def _count_within(conn: asyncpg.Connection, limits: dict[str, int]) -> None:
    """Count an attempt in each bucket, or refuse (429) when one is at its hourly limit. In the
    caller's transaction, which holds the buckets' locks until it ends."""
    await store.lock_buckets(conn, list(limits))
    for bucket, limit in limits.items():
        if await store.recent_attempts(conn, bucket, HOUR) >= limit:
            log.info("self-service limit reached", extra={"bucket": bucket.split(":")[0]})
            raise HTTPException(status_code=429, detail=TOO_MANY)
    for bucket in limits:
        await store.record_attempt(conn, bucket)


@router.post("/requests/{request_id}/verify", response_model=SelfServiceOut)
async def verify(
    request_id: UUID, body: VerifyIn, conn: asyncpg.Connection = Depends(db_conn)
) -> SelfServiceOut:
    rid = str(request_id)
    # Decide inside the transaction, answer after it: a failed attempt must still be counted.
    async with conn.transaction():
        # Every check is a guess until it is made: past the global cap of wrong codes none is
        # made (and none counts against the person's own three).
        await store.lock_buckets(conn, [GLOBAL_WRONG_CODES])
        wrong = await store.recent_attempts(conn, GLOBAL_WRONG_CODES, HOUR)
        if wrong >= settings.wrong_codes_global_hour:
            log.warning("self-service verification paused: global cap of wrong codes")
            raise HTTPException(status_code=429, detail=TOO_MANY)
        outcome, linked = await _check_code(conn, rid, body.code)
        second = None
        if outcome is None and linked is None:
            second = await _code_for_new_address(conn, rid)
    if second is not None:
        return await _mail_new_address_code(rid, *second)
    if outcome is not None:
        raise outcome
    if linked is not None and linked["type"] == "rectification":
        raise HTTPException(status_code=409, detail=ALREADY_CORRECTING)
    if linked is not None:
        return SelfServiceOut(
            id=str(linked["id"]),
            status=linked["status"],
            due_at=linked["due_on"].isoformat(),
            message="Je verzoek was al in behandeling; we hebben dit eraan toegevoegd.",
        )
    await saga.resolve_and_start(service.pool, rid, ACTOR)
    req = await store.get_request(conn, rid)
    assert req is not None
    if req["status"] == "cancelled":  # folded into an open request of the same person
        if req["type"] == "rectification":
            raise HTTPException(status_code=409, detail=ALREADY_CORRECTING)
        return SelfServiceOut(
            id=rid,
            status=req["status"],
            due_at=req["due_on"].isoformat(),
            message="Je verzoek was al in behandeling; we hebben dit eraan toegevoegd.",
        )
    return SelfServiceOut(
        id=rid,
        status=req["status"],
        due_at=req["due_on"].isoformat(),
        message="Je verzoek is ontvangen. We handelen het binnen 10 werkdagen af.",
    )


ALREADY_CORRECTING = (
    "Er loopt al een correctieverzoek van je. Wacht op onze bevestiging per e-mail en stuur"
    " je andere correcties daarna opnieuw."
)


async def _check_code(
    conn: asyncpg.Connection, rid: str, code: str
) -> tuple[HTTPException | None, asyncpg.Record | None]:
    """(error to answer, open request this one was folded into); (None, None) when verified."""
    req = await store.get_request(conn, rid, lock=True)
    if req is None or req["channel"] != "self_service":
        return HTTPException(status_code=404, detail="onbekend verzoek"), None
    if req["status"] != "identity_unverified":
        return HTTPException(
            status_code=409, detail="dit verzoek is al bevestigd of gesloten"
        ), None
    if req["code_expires_at"] is None or req["code_expires_at"] < utcnow():
        await store.clear_code(conn, rid)
        await store.drop_sealed(conn, rid)
        await store.set_status(conn, rid, "cancelled", ACTOR, "code expired")
        return HTTPException(
            status_code=410, detail="De code is verlopen. Vraag een nieuwe aan."
        ), None
    attempts = await store.count_code_attempt(conn, rid)
    if not domain.code_matches(settings.blind_index_key, rid, code, req["code_hash"]):
        await store.record_attempt(conn, GLOBAL_WRONG_CODES)
        left = domain.CODE_ATTEMPTS - attempts
        if left > 0:
            return HTTPException(
                status_code=400, detail=f"De code klopt niet; nog {left} poging(en)."
            ), None
        await store.clear_code(conn, rid)
        await store.drop_sealed(conn, rid)
        await store.set_status(conn, rid, "cancelled", ACTOR, "too many wrong codes")
        return HTTPException(
            status_code=410, detail="Te vaak een verkeerde code. Vraag een nieuwe aan."
        ), None
    existing = await store.find_open(conn, req["type"], req["email_hash"])
    if existing is None and req["type"] == "rectification" and req["code_sent_to"] == "address":
        if await _new_address(conn, rid) is not None:
            return None, None  # the new address confirms next (_code_for_new_address)
    await store.clear_code(conn, rid)
    if existing is not None:
        # Already asked and verified: fold this one into the open request (its person hears
        # when that one completes); corrections are not merged, see ALREADY_CORRECTING.
        await store.link(conn, str(existing["id"]), ACTOR, "self_service")
        if req["type"] == "rectification":
            await store.drop_sealed(conn, rid)
        else:
            await store.move_sealed(conn, rid, str(existing["id"]))
        await store.set_status(conn, rid, "cancelled", ACTOR, f"linked to {existing['id']}")
        return None, existing
    await store.set_status(conn, rid, "received", ACTOR, "identity verified")
    return None, None


async def _new_address(conn: asyncpg.Connection, rid: str) -> str | None:
    """The corrected email of a self-service rectification, if it corrects the email."""
    held = await store.get_sealed(conn, rid)
    if held is None or held["changes"] is None:
        return None
    value = (notify.unseal(rid, held["changes"]).get("changes") or {}).get("email")
    return str(value) if value else None


async def _code_for_new_address(conn: asyncpg.Connection, rid: str) -> tuple[str, str] | None:
    """After the first code (from the address asked from) of an email correction: a code for
    the new address, whose owner must confirm too. (address, code) to mail after the commit;
    None when the request went on (verified, or folded into an open one)."""
    req = await store.get_request(conn, rid)
    if req is None or req["status"] != "identity_unverified" or req["code_sent_to"] != "address":
        return None
    address = await _new_address(conn, rid)
    if address is None:
        return None
    # The new address is counted like any address asked for: no mailing someone else's box.
    await _count_within(conn, {_email_bucket(address): settings.codes_per_email_hour})
    code = domain.new_code()
    await store.code_to_new_address(
        conn,
        rid,
        domain.code_hash(settings.blind_index_key, rid, code),
        utcnow() + domain.CODE_TTL,
    )
    await store.add_event(conn, rid, None, ACTOR, "address verified; code sent to the new address")
    return address, code


async def _mail_new_address_code(rid: str, address: str, code: str) -> SelfServiceOut:
    try:
        await send_mail(
            settings,
            address,
            "Bevestig je nieuwe e-mailadres",
            "Je hebt gevraagd om je e-mailadres bij Allegro Talent te wijzigen in dit nieuwe"
            " e-mailadres.\n\n"
            f"Je verificatiecode is: {code}\n\n"
            "Vul de code in op de pagina waar je je verzoek deed. De code is 10 minuten geldig;"
            " je kunt hem 3 keer proberen. Pas daarna passen we je e-mailadres aan.\n"
            "Heb je dit niet zelf aangevraagd? Dan kun je dit bericht negeren.\n\n"
            "Allegro Talent",
        )
    except OSError as exc:
        log.error("new-address verification mail failed", extra={"request_id": rid})
        raise HTTPException(
            status_code=503, detail="de e-mail kon niet worden verstuurd; probeer het later"
        ) from exc
    log.info("self-service correction awaiting the new address", extra={"request_id": rid})
    return SelfServiceOut(
        id=rid,
        status="identity_unverified",
        message="Dank je. We hebben nu een code van 6 cijfers naar je nieuwe e-mailadres"
        " gestuurd: vul die in om de wijziging te bevestigen.",
    )


@router.get("/requests/{request_id}", response_model=SelfServiceOut)
async def status(request_id: UUID, conn: asyncpg.Connection = Depends(db_conn)) -> SelfServiceOut:
    """Status by the (unguessable) request id only: no personal data in the answer."""
    req = await store.get_request(conn, str(request_id))
    if req is None or req["channel"] != "self_service":
        raise HTTPException(status_code=404, detail="onbekend verzoek")
    return SelfServiceOut(
        id=str(req["id"]),
        status=req["status"],
        due_at=req["due_on"].isoformat() if req["status"] != "identity_unverified" else None,
        message={
            "identity_unverified": "Wacht op bevestiging met de code uit je e-mail.",
            "received": "Je verzoek is ontvangen.",
            "in_progress": "Je verzoek wordt uitgevoerd.",
            "complete": "Je verzoek is afgehandeld.",
            "error": "Je verzoek is vertraagd; we lossen het op.",
            "cancelled": "Dit verzoek is gesloten.",
        }[req["status"]],
    )


class DownloadOut(BaseModel):
    url: str
    link_valid_minutes: int


@router.get("/requests/{request_id}/export/{token}", response_model=DownloadOut)
async def export_download(
    request_id: UUID,
    token: str = Path(pattern=r"^[A-Za-z0-9_-]{43}$"),
    conn: asyncpg.Connection = Depends(db_conn),
) -> DownloadOut:
    """The link in the access request's completion mail: a fresh short-lived download link
    for the person's export, for as long as the export is kept."""
    rid = str(request_id)
    export = await store.get_export(conn, rid)
    if (
        export is None
        or not export["download_hash"]
        or not hmac.compare_digest(
            domain.token_hash(settings.blind_index_key, rid, token), export["download_hash"]
        )
    ):
        raise HTTPException(status_code=404, detail="onbekende link")
    gone = export["expires_at"] is not None and export["expires_at"] < utcnow()
    if export["deleted_at"] is not None or export["object"] is None or gone:
        raise HTTPException(
            status_code=410, detail="Je gegevens zijn niet meer beschikbaar: de link is verlopen."
        )
    url = await exports.link(export["bucket"], export["object"])
    await store.add_event(conn, rid, None, ACTOR, "export link issued (mailed link)")
    return DownloadOut(url=url, link_valid_minutes=settings.export_link_minutes)
