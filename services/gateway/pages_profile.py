"""The recruiter's candidate-side pages beyond the search and the profile itself: editing
every profile category, a candidate's documents (upload, replace, delete, the photo and a
CV preview), the review queue's files, and service messages in the employee's language.

Everything goes through the owning service's API (candidates, documents, intake); the page
checks only what a form can get wrong, and shows what a service refused in words.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.datastructures import FormData

from . import i18n, proxy
from .bootstrap import settings
from .pages import (
    csrf_failed,
    lang_of,
    posted,
    profile_context,
    render,
    render_problem,
    templates,
    text,
    upload,
    valid_id,
)

router = APIRouter(include_in_schema=False)


# --- what each category holds, as the forms show it ------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, date, number, check, email, tel, textarea, select
    required: bool = False
    options: tuple[str, ...] = ()
    limit: int = 200


LEVELS = ("vmbo", "havo", "mbo", "vwo", "hbo", "bachelor", "wo", "master", "other")
GENDERS = ("female", "male", "non_binary", "other", "unspecified")

# candidates' list sections (services/candidates/entries.py), in the profile's order.
SECTIONS: dict[str, tuple[Field, ...]] = {
    "education": (
        Field("level", "select", options=LEVELS),
        Field("institution"),
        Field("programme"),
        Field("start", "date"),
        Field("end", "date"),
        Field("completed", "check"),
    ),
    "internships": (
        Field("organisation"),
        Field("role"),
        Field("start", "date"),
        Field("end", "date"),
        Field("description", "textarea", limit=5000),
    ),
    "work_experience": (
        Field("employer"),
        Field("role"),
        Field("start", "date"),
        Field("end", "date"),
        Field("description", "textarea", limit=5000),
    ),
    "trainings": (Field("name", required=True), Field("provider"), Field("year", "number")),
    "tests": (Field("name", required=True), Field("result"), Field("date", "date")),
    "leave": (Field("start", "date", required=True), Field("end", "date"), Field("reason")),
    "references": (
        Field("name"),
        Field("organisation"),
        Field("relation"),
        Field("email", "email", limit=254),
        Field("phone", "tel", limit=40),
    ),
    "testimonials": (
        Field("author"),
        Field("organisation"),
        Field("date", "date"),
        Field("text", "textarea", required=True, limit=5000),
    ),
}
CONTACT = (
    Field("first_name", required=True, limit=100),
    Field("last_name", required=True, limit=100),
    Field("email", "email", required=True, limit=254),
    Field("phone", "tel", limit=40),
    Field("address.street"),
    Field("address.house_number"),
    Field("address.postcode", limit=16),
    Field("address.city"),
    Field("address.country"),
    Field("birth_date", "date"),
    Field("birth_place"),
    Field("gender", "select", options=GENDERS),
)
AVAILABILITY = (
    Field("available_from", "date"),
    Field("hours_per_week", "number"),
    Field("regions", limit=2000),
)
NUMBER_RANGES = {"year": (1900, 2100), "hours_per_week": (0, 80)}
DOCUMENT_KINDS = ("cv", "certificate", "testimonial", "reference", "other", "photo")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FormProblem(Exception):
    """What the employee typed cannot be sent: (field, i18n key)."""

    def __init__(self, field: str, key: str) -> None:
        self.field, self.key = field, key


def read_field(form: FormData, f: Field, prefix: str = "") -> Any:
    """One field's value from the form as the service takes it; None when left empty."""
    raw = text(form, prefix + f.name, f.limit)
    if f.kind == "check":
        return raw in ("on", "true", "1")
    if not raw:
        if f.required:
            raise FormProblem(f.name, "pf_msg_required")
        return None
    if f.kind == "date":
        try:
            if not ISO_DATE.fullmatch(raw):
                raise ValueError
            date.fromisoformat(raw)
        except ValueError:
            raise FormProblem(f.name, "pf_msg_date") from None
    if f.kind == "number":
        low, high = NUMBER_RANGES.get(f.name, (0, 10_000))
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise FormProblem(f.name, "pf_msg_range")
        return int(raw)
    return raw


def entry_from(form: FormData, fields: tuple[Field, ...]) -> dict[str, Any]:
    """An entry with only what was filled in (an empty field is no value at all)."""
    entry = {f.name: read_field(form, f) for f in fields}
    return {k: v for k, v in entry.items() if v is not None}


# --- service messages in the employee's language ---------------------------------------------

# What the services answer in English, as the employee reads it (i18n keys).
KNOWN_DETAILS = {
    "no such candidate": "pf_err_no_candidate",
    "this candidate was erased": "pf_err_erased",
    "this person was erased": "pf_err_erased",
    "no entry at this position": "pf_err_no_entry",
    "the candidate has unsubscribed": "pf_err_unsubscribed",
    "record the candidate's consent for this assignment first": "pf_err_consent_first",
    "the candidate has not consented to be proposed for this assignment": "pf_err_consent_first",
    "crm has no assignment with this id": "pf_err_no_assignment",
    "crm is unavailable; please try again soon": "pf_err_unavailable",
    "no such document": "pf_err_no_document",
    "document storage is unavailable": "pf_err_unavailable",
    "the key service is unavailable": "pf_err_unavailable",
    "this download link has expired": "pf_err_link_expired",
    "no registration in progress with this id": "pf_err_no_registration",
    "this registration has already been decided": "pf_err_decided",
}
MESSAGE_PATTERNS = (
    ("Field required", "pf_msg_required"),
    ("value is not a valid email address", "pf_msg_email"),
    ("Input should be a valid date", "pf_msg_date"),
    ("String should have at most", "pf_msg_too_long"),
    ("String should have at least", "pf_msg_required"),
    ("Input should be less than", "pf_msg_range"),
    ("Input should be greater than", "pf_msg_range"),
    ("Input should be a valid integer", "pf_msg_range"),
    ("not a field you can change", "pf_msg_not_editable"),
)


def field_label(t: Any, field: str) -> str:
    """The label of a service's field path ("references.1.email" -> "E-mailadres")."""
    parts = [p for p in field.split(".") if not p.isdigit()]
    for name in (".".join(parts[-2:]), parts[-1] if parts else ""):
        key = f"pf_{name}"
        if name and t(key) != key:
            return str(t(key))
    return str(t("pf_field_other"))


def message_of(t: Any, message: str) -> str:
    for start, key in MESSAGE_PATTERNS:
        if message.startswith(start):
            return str(t(key))
    return str(t("pf_msg_invalid"))


def say(reply: proxy.Reply | None, lang: str) -> list[str]:
    """What a service refused, in the employee's language: a line for the whole and one per
    field. English service texts never reach a Dutch page (nor raw field paths)."""
    if reply is None or reply.ok:
        return []
    t = i18n.translator(lang)
    if reply.missing and reply.detail not in KNOWN_DETAILS:
        return [t("not_available")]
    if reply.status == 413:
        return [t("pf_file_too_large")]
    if reply.status == 415:
        return [t("pf_file_wrong_type")]
    if reply.detail == "the file is not accepted":
        return [t("pf_file_refused")]
    lines = [t(KNOWN_DETAILS[reply.detail])] if reply.detail in KNOWN_DETAILS else []
    for err in reply.errors:
        field = str(err.get("field", ""))
        line = f"{field_label(t, field)}: {message_of(t, str(err.get('message', '')))}"
        if line not in lines:
            lines.append(line)
    return lines or [t("pf_err_refused").format(status=reply.status)]


def word(lang: str, group: str, value: object) -> str:
    """An enum value (status, stage, kind, level, gender, function, section) in words; the
    value itself when there is no word for it (free text some records hold)."""
    t = i18n.translator(lang)
    key = f"{group}_{value}"
    got = t(key)
    return str(value) if got == key else str(got)


@pass_context
def typed_or(ctx: Context, form_id: str, name: str, stored: Any) -> Any:
    """What was typed into a form the service refused, else the stored value."""
    if ctx.get("failed") == form_id:
        return (ctx.get("typed") or {}).get(name)
    return stored


def field_value(profile: dict[str, Any], name: str) -> Any:
    """A profile's value by the form's name ("address.city")."""
    head, _, rest = name.partition(".")
    value = profile.get(head)
    return (value.get(rest) if isinstance(value, dict) else None) if rest else value


# Profile fields the page shows in their own place; anything else intake added is listed.
KNOWN_PROFILE_KEYS = frozenset(
    {"id", "status", "created_at", "updated_at", "consent", "functions_sought", "languages",
     "work_permit_nl", "availability", "address"}
    | {f.name for f in CONTACT}
    | set(SECTIONS)
)  # fmt: skip

templates.env.globals |= {
    "typed_or": typed_or,
    "field_value": field_value,
    "known_profile_keys": KNOWN_PROFILE_KEYS,
    "profile_sections": SECTIONS,
    "contact_fields": CONTACT,
    "availability_fields": AVAILABILITY,
    "document_kinds": DOCUMENT_KINDS,
    "say": say,
    "word": word,
}


# --- editing the profile ---------------------------------------------------------------------


async def refused(
    request: Request,
    candidate_id: str,
    form_id: str,
    reply: proxy.Reply | None = None,
    problem: FormProblem | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    """The profile again, with what went wrong beside the form it came from and what was
    typed still in it. 4xx: the service refused or the form could not be sent."""
    lang = lang_of(request)
    t = i18n.translator(lang)
    if problem is not None:
        lines = [f"{field_label(t, problem.field)}: {t(problem.key)}"]
        status = 422
    else:
        lines = say(reply, lang)
        status = reply.status if reply is not None and 400 <= reply.status < 500 else 502
    ctx = await profile_context(request, candidate_id)
    return render(
        request, "profile.html", status, done="", failed=form_id, problems=lines,
        typed=typed or {}, **ctx,
    )  # fmt: skip


def not_found(request: Request) -> Response:
    return render_problem(request, 404, i18n.translator(lang_of(request))("pf_not_found"))


def saved(candidate_id: str, anchor: str) -> Response:
    return RedirectResponse(f"/candidates/{candidate_id}?done=saved#{anchor}", status_code=303)


def typed_values(form: FormData) -> dict[str, str]:
    return {k: text(form, k) for k in form if isinstance(k, str) and k != "csrf_token"}


@router.post("/candidates/{candidate_id}/edit/{category}")
async def edit_category(request: Request, candidate_id: str, category: str) -> Response:
    """Contact details (with birth data and gender) or availability: whole fields, PATCHed."""
    if not valid_id(candidate_id) or category not in ("contact", "availability"):
        return not_found(request)
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    try:
        if category == "contact":
            values = {f.name: read_field(form, f) for f in CONTACT}
            address = {
                k.removeprefix("address."): v
                for k, v in values.items()
                if k.startswith("address.") and v
            }
            changes = {k: v for k, v in values.items() if not k.startswith("address.")}
            changes["address"] = address or None
        else:
            values = {f.name: read_field(form, f) for f in AVAILABILITY}
            regions = [r.strip() for r in (values["regions"] or "").split(",") if r.strip()]
            changes = {"availability": values | {"regions": regions[:20]}}
    except FormProblem as problem:
        return await refused(request, candidate_id, category, problem=problem,
                             typed=typed_values(form))  # fmt: skip
    current = await proxy.call(request, "candidates", "GET", f"/api/candidates/{candidate_id}")
    if not current.ok or not isinstance(current.body, dict):
        return await refused(request, candidate_id, category, current, typed=typed_values(form))
    # Only what changed: an unchanged email or phone is no correction of an identifier.
    changes = {k: v for k, v in changes.items() if current.body.get(k) != v}
    if changes:
        reply = await proxy.call(
            request, "candidates", "PATCH", f"/api/candidates/{candidate_id}", json_body=changes
        )
        if not reply.ok:
            return await refused(request, candidate_id, category, reply, typed=typed_values(form))
    return saved(candidate_id, category)


@router.post("/candidates/{candidate_id}/entries/{section}")
@router.post("/candidates/{candidate_id}/entries/{section}/{index}")
@router.post("/candidates/{candidate_id}/entries/{section}/{index}/{remove}")
async def edit_entry(
    request: Request, candidate_id: str, section: str, index: str = "", remove: str = ""
) -> Response:
    """Add an entry to a list section, save one, or (…/delete) remove it."""
    fields = SECTIONS.get(section)
    if (
        not valid_id(candidate_id)
        or fields is None
        or (index and not index.isdigit())
        or remove not in ("", "delete")
    ):
        return not_found(request)
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    form_id = f"{section}-{index or 'new'}"
    base = f"/api/candidates/{candidate_id}/entries/{section}"
    if remove:
        reply = await proxy.call(request, "candidates", "DELETE", f"{base}/{index}")
    else:
        try:
            entry = entry_from(form, fields)
        except FormProblem as problem:
            return await refused(request, candidate_id, form_id, problem=problem,
                                 typed=typed_values(form))  # fmt: skip
        if index:
            reply = await proxy.call(
                request, "candidates", "PUT", f"{base}/{index}", json_body=entry
            )
        else:
            reply = await proxy.call(request, "candidates", "POST", base, json_body=entry)
    if not reply.ok:
        return await refused(request, candidate_id, form_id, reply, typed=typed_values(form))
    return saved(candidate_id, f"sec-{section}")


# --- documents -------------------------------------------------------------------------------


async def document_of(
    request: Request, candidate_id: str, document_id: str
) -> dict[str, Any] | None:
    """The candidate's document with this id (so a form cannot act on someone else's)."""
    listing = await proxy.call(
        request, "documents", "GET", f"/api/documents/candidates/{candidate_id}"
    )
    if not listing.ok or not isinstance(listing.body, dict):
        return None
    return next(
        (
            d
            for d in listing.body.get("items", [])
            if isinstance(d, dict) and d.get("id") == document_id
        ),
        None,
    )


async def send_file(request: Request, candidate_id: str, kind: str, form: FormData) -> proxy.Reply:
    got = await upload(form.get("file"))
    t = i18n.translator(lang_of(request))
    if kind not in DOCUMENT_KINDS:
        return proxy.Reply(422, {"errors": [{"field": "kind", "message": "Field required"}]})
    if got is None or not got[1]:
        return proxy.Reply(
            422, {"detail": "", "errors": [{"field": "file", "message": "Field required"}]}
        )
    if len(got[1]) > settings.max_upload_bytes:
        return proxy.Reply(413, {"detail": t("pf_file_too_large")})
    return await proxy.call(
        request, "documents", "POST", f"/api/documents/candidates/{candidate_id}",
        data={"kind": kind}, files={"file": got},
    )  # fmt: skip


@router.post("/candidates/files/{candidate_id}/upload")
async def upload_document(request: Request, candidate_id: str) -> Response:
    if not valid_id(candidate_id):
        return not_found(request)
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    reply = await send_file(request, candidate_id, text(form, "kind", 20), form)
    if not reply.ok:
        return await refused(request, candidate_id, "documents-new", reply)
    return saved(candidate_id, "documents")


@router.post("/candidates/files/{candidate_id}/{document_id}/{action}")
async def change_document(
    request: Request, candidate_id: str, document_id: str, action: str
) -> Response:
    """Replace (a new file of the same kind, then the old one deleted) or delete."""
    if not (valid_id(candidate_id) and valid_id(document_id)) or action not in (
        "replace",
        "delete",
    ):
        return not_found(request)
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    form_id = f"documents-{document_id}"
    doc = await document_of(request, candidate_id, document_id)
    if doc is None:
        return await refused(
            request, candidate_id, form_id, proxy.Reply(404, {"detail": "no such document"})
        )
    if action == "replace":
        # The new file first: if documents refuses it, the old one is still there.
        reply = await send_file(request, candidate_id, str(doc.get("kind")), form)
        if not reply.ok:
            return await refused(request, candidate_id, form_id, reply)
    reply = await proxy.call(request, "documents", "DELETE", f"/api/documents/{document_id}")
    if not reply.ok:
        return await refused(request, candidate_id, form_id, reply)
    return saved(candidate_id, "documents")


@router.get("/candidates/files/{candidate_id}/{document_id}")
async def view_document(request: Request, candidate_id: str, document_id: str) -> Response:
    """The photo, or a CV (PDF) in a frame: through a short-lived link of this employee,
    served inline by documents with its own type and a CSP without script."""
    if not (valid_id(candidate_id) and valid_id(document_id)):
        return not_found(request)
    doc = await document_of(request, candidate_id, document_id)
    if doc is None:
        t = i18n.translator(lang_of(request))
        return render_problem(request, 404, t("pf_err_no_document"))
    link = await proxy.call(request, "documents", "POST", f"/api/documents/{document_id}/links")
    url = str(link.body.get("url", "")) if link.ok and isinstance(link.body, dict) else ""
    if not url.startswith("/api/documents/links/"):
        return render_problem(request, 502, " ".join(say(link, lang_of(request))))
    return render(
        request, "document.html", back=f"/candidates/{candidate_id}#documents",
        kind=doc.get("kind"), content_type=doc.get("content_type"),
        file_name=doc.get("original_name", ""), inline=f"{url}?disposition=inline", download=url,
    )  # fmt: skip


# --- the review queue's files ----------------------------------------------------------------


@router.get("/intake/{registration_id}/files/{file_id}")
async def view_registration_file(request: Request, registration_id: str, file_id: str) -> Response:
    """A waiting registration's CV or photo, shown like a candidate's documents."""
    if not (valid_id(registration_id) and valid_id(file_id)):
        return not_found(request)
    item = await proxy.call(request, "intake", "GET", f"/api/intake/review/{registration_id}")
    files = item.body.get("files", []) if item.ok and isinstance(item.body, dict) else []
    file = next((f for f in files if isinstance(f, dict) and f.get("file_id") == file_id), None)
    if file is None:
        status = item.status if not item.ok and 400 <= item.status < 500 else 404
        if status == 404:
            return not_found(request)
        return render_problem(request, status, " ".join(say(item, lang_of(request))))
    url = f"/api/intake/review/{registration_id}/files/{file_id}"
    return render(
        request, "document.html", back="/intake", kind=file.get("kind"),
        content_type=file.get("content_type"), file_name="", inline=f"{url}?disposition=inline",
        download=url,
    )  # fmt: skip
