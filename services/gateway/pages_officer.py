"""The privacy officer's pages beyond filing a request (issue 16): the filtered, paged request
list; extending, retrying and cancelling a request, whose history the request page shows; the
complaints register; the art. 30 registers with their CSV export; privacy statement versions
(published by the officer, readable by everyone); and what is kept how long (retention)."""

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.common import topics

from . import domain, i18n, proxy
from .pages import (
    alerts_for,
    csrf_failed,
    items_of,
    lang_of,
    posted,
    render,
    render_problem,
    request_context,
    statement_paragraphs,
    templates,
    text,
    valid_id,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
STATUSES = ("identity_unverified", "received", "in_progress", "complete", "error", "cancelled")
TYPES = ("erasure", "access", "rectification", "unsubscribe")
# The due-date filter: option -> privacy's query (`due_within` working days, overdue ones
# included; or overdue only).
DUE: dict[str, dict[str, Any]] = {
    "overdue": {"overdue": "true"},
    "today": {"due_within": 0},
    "3": {"due_within": 3},
    "5": {"due_within": 5},
}
MAX_EXTENSION_DAYS = 40  # privacy's domain.MAX_EXTENSION_DAYS: two further months (art. 12(3))


def _filters(request: Request) -> dict[str, str]:
    """The filters from the query string, each kept only if it is one of the options."""
    q = request.query_params
    return {
        "status": q.get("status", "") if q.get("status") in STATUSES else "",
        "type": q.get("type", "") if q.get("type") in TYPES else "",
        "due": q.get("due", "") if q.get("due") in DUE else "",
    }


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and int(raw) >= 1 else 1


@router.get("/requests")
async def requests_page(request: Request) -> Response:
    filters, page = _filters(request), _page_number(request)
    params: dict[str, Any] = {"limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
    params |= {k: filters[k] for k in ("status", "type") if filters[k]}
    params |= DUE.get(filters["due"], {})
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/requests", params=params)
    items = listing.body if listing.ok and isinstance(listing.body, list) else []
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "requests.html",
        listing=proxy.Reply(listing.status, items[:PAGE_SIZE] if listing.ok else listing.body),
        alerts=await alerts_for(request, domain.PRIVACY_OFFICER),
        filters=filters,
        page=page,
        more=len(items) > PAGE_SIZE,
        query=query,
        statuses=STATUSES,
        types=TYPES,
    )


# --- extend, retry, cancel -----------------------------------------------------------------

# What the privacy service refuses, as the officer reads it (its messages are English).
REFUSED = {409: "request_action_409", 422: "request_action_422", 404: "not_found"}


def _extend_body(form: Any, t: Callable[[str], str]) -> dict[str, Any] | str:
    """privacy's ExtendIn from the form, or the problem in the officer's language."""
    days, reason = text(form, "working_days", 4), text(form, "reason", 500)
    if not days.isdigit() or not 1 <= int(days) <= MAX_EXTENSION_DAYS:
        return t("extend_days_invalid").format(max=MAX_EXTENSION_DAYS)
    if len(reason) < 3:
        return t("reason_needed")
    return {"working_days": int(days), "reason": reason}


# Included before pages.router (main.py): these paths are matched before its
# /requests/{request_id}/{what} (certificate, export link, scan).
@router.post("/requests/{request_id}/extend")
async def extend_request(request: Request, request_id: str) -> Response:
    return await request_step(request, request_id, "extend")


@router.post("/requests/{request_id}/retry")
async def retry_request(request: Request, request_id: str) -> Response:
    return await request_step(request, request_id, "retry")


@router.post("/requests/{request_id}/cancel")
async def cancel_request(request: Request, request_id: str) -> Response:
    return await request_step(request, request_id, "cancel")


async def request_step(request: Request, request_id: str, action: str) -> Response:
    """Extend the deadline, retry a request in error, or cancel it: then back to its page,
    whose history shows the step."""
    if not valid_id(request_id):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    body: dict[str, Any] | str | None = None
    if action == "extend":
        body = _extend_body(form, t)
    elif action == "cancel":
        reason = text(form, "reason", 500)
        body = {"reason": reason} if len(reason) >= 3 else t("reason_needed")
    if isinstance(body, str):
        problem, status = body, 422
    else:
        reply = await proxy.call(
            request,
            "privacy",
            "POST",
            f"/api/privacy/requests/{request_id}/{action}",
            json_body=body,
        )
        if reply.ok:
            return RedirectResponse(f"/requests/{request_id}#history", status_code=303)
        if reply.missing and reply.status != 404:
            problem, status = t("not_available"), 502
        else:
            problem, status = t(REFUSED.get(reply.status, "request_action_422")), reply.status
    ctx = await request_context(request, request_id)
    return render(request, "request.html", status, step_problem=problem, step=action, **ctx)


# --- the request's history in the officer's language ---------------------------------------

# The notes the privacy service writes into a request's history (English, as in its code),
# each with the text key it is shown as; a named group is filled into the text. A note typed
# by the officer (a reason) is shown as typed.
NOTES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"deadline extended by (?P<days>\d+): (?P<reason>.*)", "note_extended"),
        (r"cancelled: (?P<reason>.*)", "note_cancelled"),
        (r"retried", "note_retried"),
        (r"completion mail sent", "note_completion_mailed"),
        (r"completion mail not sent", "note_completion_not_mailed"),
        (r"extension mailed to the person", "note_extension_mailed"),
        (r"extension mail not sent", "note_extension_not_mailed"),
        (r"extension not mailed: no address held", "note_extension_no_address"),
        (r"export link issued \(mailed link\)", "note_export_link_mailed"),
        (r"export link issued", "note_export_link"),
        (r"repeated request linked \((?P<channel>[a-z_]+)\)", "note_linked_repeat"),
        (r"linked to (?P<id>[0-9a-f-]{36})", "note_linked_to"),
        (r"no answer from (?P<services>[a-z, ]+)", "note_no_answer"),
        (r"the person was erased meanwhile", "note_erased_meanwhile"),
        (r"never verified", "note_never_verified"),
        (r"code expired", "note_code_expired"),
        (r"too many wrong codes", "note_wrong_codes"),
        (r"identity verified", "note_identity_verified"),
        (r"address verified; code sent to the new address", "note_new_address_code"),
        (r"a former address: for the officer to decide", "note_former_address"),
        (r"found by a former address", "note_found_former"),
        (r"no personal data held", "note_nobody"),
        (r"phone correction left for an employee to confirm", "note_phone_for_staff"),
        (r"retention: consent not renewed within the grace period", "note_retention_lapsed"),
        (r"retention: the candidate asked to be forgotten .*", "note_retention_forget"),
        (r"retention: business contact without activity .*", "note_retention_contact"),
    )
)


def request_note(note: object, lang: str) -> str:
    if not isinstance(note, str) or not note:
        return ""
    t = i18n.translator(lang)
    for pattern, key in NOTES:
        if found := pattern.fullmatch(note):
            fields = found.groupdict()
            if "channel" in fields:
                fields["channel"] = t("request_channel_" + fields["channel"])
            return t(key).format(**fields)
    return note


def actor_name(actor: object, names: dict[str, str], lang: str) -> str:
    """Who took a step: an employee by name, else what acted (the system, the person)."""
    if not isinstance(actor, str):
        return ""
    t = i18n.translator(lang)
    if actor in names:
        return names[actor]
    known = {
        "service:privacy": "actor_system",
        "self-service": "actor_person",
        "service:candidates": "actor_retention",
        "service:crm": "actor_retention",
    }
    return t(known[actor]) if actor in known else actor.removeprefix("service:")


templates.env.filters |= {"request_note": request_note, "actor_name": actor_name}


# --- the complaints register ---------------------------------------------------------------


async def complaints_listing(
    request: Request, status: int = 200, problem: str = "", values: dict[str, str] | None = None
) -> Response:
    show = request.query_params.get("status", "")
    params = {"status": show} if show in ("open", "closed") else {}
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/complaints", params=params)
    return render(
        request,
        "complaints.html",
        status,
        listing=listing,
        problem=problem,
        values=values or {},
        show=params.get("status", ""),
        today=date.today().isoformat(),
    )


@router.get("/complaints")
async def complaints_page(request: Request) -> Response:
    return await complaints_listing(request)


@router.post("/complaints")
async def add_complaint(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    received, summary = text(form, "received_on", 10), text(form, "summary", 4000)
    values = {"received_on": received, "summary": summary}
    try:
        day = date.fromisoformat(received)
    except ValueError:
        return await complaints_listing(request, 422, t("complaint_date_invalid"), values)
    if day > date.today():
        return await complaints_listing(request, 422, t("complaint_date_future"), values)
    if len(summary) < 3:
        return await complaints_listing(request, 422, t("complaint_summary_needed"), values)
    reply = await proxy.call(
        request,
        "privacy",
        "POST",
        "/api/privacy/complaints",
        json_body={"received_on": received, "summary": summary},
    )
    if reply.ok:
        return RedirectResponse("/complaints", status_code=303)
    return await complaints_listing(request, _status(reply), t("request_action_422"), values)


@router.post("/complaints/{complaint_id}/close")
async def close_complaint(request: Request, complaint_id: str) -> Response:
    if not valid_id(complaint_id):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    outcome = text(form, "outcome", 4000)
    if len(outcome) < 3:
        return await complaints_listing(request, 422, t("complaint_outcome_needed"))
    reply = await proxy.call(
        request,
        "privacy",
        "POST",
        f"/api/privacy/complaints/{complaint_id}/close",
        json_body={"outcome": outcome},
    )
    if reply.ok:
        return RedirectResponse("/complaints", status_code=303)
    problem = t("complaint_closed_already") if reply.status == 409 else t("request_action_422")
    return await complaints_listing(request, _status(reply), problem)


def _status(reply: proxy.Reply) -> int:
    """A service's refusal as the page's status; its failure as a bad gateway."""
    return reply.status if 400 <= reply.status < 500 else 502


# --- the art. 30 registers: processors and processing activities ---------------------------

# Each register's fields as the form and the CSV have them; a list field is one item a line.
REGISTERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "processors": (
        ("name", False),
        ("service", False),
        ("data_categories", True),
        ("agreement_date", False),
    ),
    "activities": (
        ("name", False),
        ("purposes", True),
        ("data_subjects", False),
        ("data_categories", True),
    ),
}


def _register_body(form: Any, register: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field, listed in REGISTERS[register]:
        value = text(form, field, 6000)
        body[field] = (
            [line.strip() for line in value.splitlines() if line.strip()] if listed else value
        )
    return body


def _register_problem(body: dict[str, Any], register: str, t: Callable[[str], str]) -> str:
    """What is missing or wrong, in the officer's language; "" when the form is complete."""
    for field, listed in REGISTERS[register]:
        if not body[field]:
            return t("register_field_needed").format(field=t(f"register_{field}"))
        if listed and any(len(item) > 300 for item in body[field]):
            return t("register_item_too_long")
        if not listed and len(body[field]) > 500:
            return t("register_field_too_long").format(field=t(f"register_{field}"))
    if "agreement_date" in body:
        try:
            date.fromisoformat(body["agreement_date"])
        except ValueError:
            return t("register_date_invalid")
    return ""


async def registers_listing(
    request: Request, status: int = 200, problem: str = "", where: str = ""
) -> Response:
    processors = await proxy.call(request, "privacy", "GET", "/api/privacy/processors")
    activities = await proxy.call(request, "privacy", "GET", "/api/privacy/activities")
    return render(
        request,
        "registers.html",
        status,
        processors=processors,
        activities=activities,
        problem=problem,
        where=where,
        registers=REGISTERS,
    )


@router.get("/registers")
async def registers_page(request: Request) -> Response:
    return await registers_listing(request)


@router.post("/registers/{register}")
@router.post("/registers/{register}/{entry_id}")
async def save_register_entry(request: Request, register: str, entry_id: str = "") -> Response:
    """Add an entry to a register, or (with its id) change one."""
    if register not in REGISTERS or (entry_id and not valid_id(entry_id)):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    body = _register_body(form, register)
    if problem := _register_problem(body, register, t):
        return await registers_listing(request, 422, problem, register)
    path = f"/api/privacy/{register}" + (f"/{entry_id}" if entry_id else "")
    reply = await proxy.call(
        request, "privacy", "PUT" if entry_id else "POST", path, json_body=body
    )
    if reply.ok:
        return RedirectResponse(f"/registers#{register}", status_code=303)
    problem = t("register_name_taken") if reply.status == 409 else t("request_action_422")
    return await registers_listing(request, _status(reply), problem, register)


def _csv_cell(value: object) -> str:
    """A list as "a; b"; a text a spreadsheet would run as a formula is quoted as text."""
    cell = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


@router.get("/registers/processors.csv")
async def processors_csv(request: Request) -> Response:
    return await register_csv(request, "processors")


@router.get("/registers/activities.csv")
async def activities_csv(request: Request) -> Response:
    return await register_csv(request, "activities")


async def register_csv(request: Request, register: str) -> Response:
    """The register as a spreadsheet (UTF-8 with a byte-order mark, so Excel reads the
    accents), headed in the page's language."""
    reply = await proxy.call(request, "privacy", "GET", f"/api/privacy/{register}")
    if not reply.ok or not isinstance(reply.body, list):
        return render_problem(request, 502, i18n.translator(lang_of(request))("not_available"))
    t = i18n.translator(lang_of(request))
    fields = [f for f, _ in REGISTERS[register]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([t(f"register_{f}") for f in fields])
    for entry in items_of(reply.body):
        writer.writerow([_csv_cell(entry.get(f)) for f in fields])
    name = t(f"register_file_{register}")
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# --- privacy statement versions: the officer publishes, everyone reads ---------------------

STATEMENT_VERSION = re.compile(r"\d{4}-\d{2}(-\d{2})?")
STATEMENT_MAX_BYTES = 200_000  # privacy's StatementIn.body


async def statements_listing(
    request: Request, status: int = 200, problem: str = "", values: dict[str, str] | None = None
) -> Response:
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/statements", anonymous=True)
    current = await proxy.call(
        request, "privacy", "GET", "/api/privacy/statements/current", anonymous=True
    )
    in_force = (
        current.body.get("version") if current.ok and isinstance(current.body, dict) else None
    )
    return render(
        request,
        "statements.html",
        status,
        listing=listing,
        in_force=in_force,
        problem=problem,
        values=values or {},
        today=date.today().isoformat(),
    )


@router.get("/statements")
async def statements_page(request: Request) -> Response:
    return await statements_listing(request)


async def _statement_text(form: Any) -> str | None:
    """The text pasted, or else the uploaded .txt file's (UTF-8); None when not readable."""
    pasted = form.get("body")
    if isinstance(pasted, str) and pasted.strip():
        return pasted.strip()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return ""
    data = await upload.read(STATEMENT_MAX_BYTES + 1)
    if len(data) > STATEMENT_MAX_BYTES:
        return None
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return None


@router.post("/statements")
async def publish_statement(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    values = {k: text(form, k, 200) for k in ("version", "published_on", "title")}
    body = await _statement_text(form)
    values["body"] = body or ""
    problem = ""
    if not STATEMENT_VERSION.fullmatch(values["version"]):
        problem = t("statement_version_invalid")
    elif not _is_date(values["published_on"]):
        problem = t("statement_date_invalid")
    elif len(values["title"]) < 3:
        problem = t("statement_title_needed")
    elif body is None:
        problem = t("statement_file_unreadable")
    elif len(body) < 100:
        problem = t("statement_text_needed")
    if problem:
        return await statements_listing(request, 422, problem, values)
    reply = await proxy.call(
        request, "privacy", "POST", "/api/privacy/statements", json_body=values
    )
    if reply.ok:
        return RedirectResponse("/statements", status_code=303)
    problem = t("statement_version_taken") if reply.status == 409 else t("request_action_422")
    return await statements_listing(request, _status(reply), problem, values)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@router.get("/privacy/versions")
async def statement_versions(request: Request) -> Response:
    """Every version published so far (one dated later is not yet public), newest first."""
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/statements", anonymous=True)
    today = date.today().isoformat()
    published = [
        s
        for s in items_of(listing.body if listing.ok else [])
        if str(s.get("published_on")) <= today
    ]
    return render(request, "statement-versions.html", listing=listing, versions=published)


@router.get("/privacy/versions/{version}")
async def statement_version(request: Request, version: str) -> Response:
    t = i18n.translator(lang_of(request))
    if not STATEMENT_VERSION.fullmatch(version):
        return render_problem(request, 404, t("not_found"))
    reply = await proxy.call(
        request, "privacy", "GET", f"/api/privacy/statements/{version}", anonymous=True
    )
    body = reply.body if reply.ok and isinstance(reply.body, dict) else None
    if body is None or str(body.get("published_on")) > date.today().isoformat():
        return render_problem(request, 404 if reply.status < 500 else 502, t("not_found"))
    return render(
        request,
        "statement-versions.html",
        shown=body,
        paragraphs=statement_paragraphs(str(body.get("body", ""))),
    )


# --- retention: what is kept how long, from the services' own settings ---------------------


def _days(ms: int) -> int:
    return ms // topics.DAY


@router.get("/retention")
async def retention_page(request: Request) -> Response:
    """What is kept how long (candidates', crm's and the bus's settings), and who was asked
    to renew consent and when each profile is erased without an answer."""
    listing = await proxy.call(request, "candidates", "GET", "/api/candidates/retention")
    crm = await proxy.call(request, "crm", "GET", "/api/crm/retention")
    people = listing.body if listing.ok and isinstance(listing.body, dict) else {}
    contacts = crm.body if crm.ok and isinstance(crm.body, dict) else {}
    # (what, how long) in the page's words; a service that did not answer shows "?".
    kept = [
        ("kept_candidates", people.get("inactive_days", "?"), people.get("grace_days", "?")),
        ("kept_contacts", contacts.get("contact_inactive_days", "?"), None),
        ("kept_events", _days(topics.EVENT_RETENTION), None),
        ("kept_dead_letters", _days(topics.DEAD_LETTER_RETENTION), None),
    ]
    return render(request, "retention.html", listing=listing, kept=kept)
