"""The recruiter's business relations: organisations and their contacts, the contact-moment
register, assignments with their pipeline (proposed, interviewing, placed, declined), and the
consented client export as a PDF. Every list pages through the service with next/previous.

The services answer in English; what a recruiter reads here is in her language (crm_errors).
"""

import asyncio
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from . import i18n, proxy
from .client_pdf import client_export_pdf
from .pages import (
    PAGE_SIZE,
    amsterdam_time,
    csrf_failed,
    lang_of,
    local_time,
    posted,
    render,
    render_problem,
    text,
    valid_id,
)

router = APIRouter(include_in_schema=False)

KINDS = ("client", "supplier", "vendor", "referee", "other")
CHANNELS = ("phone", "email", "meeting", "video", "letter", "other")
FUNCTION_TYPES = (
    "personal_assistant",
    "office_manager",
    "executive_secretary",
    "management_assistant",
    "management_support",
    "other",
)
STAGES = ("proposed", "interviewing", "placed", "declined")
DONE = ("edit", "assignment", "propose", "move", "place")  # what ?done= may confirm
# The candidates service keeps its own record of the candidate's involvement; its word for
# each pipeline stage.
CANDIDATE_STAGE = {
    "proposed": "proposed",
    "interviewing": "interview",
    "declined": "declined",
    "placed": "placed",
}

# crm's messages (details of a 409, field messages of a 422), as the recruiter reads them.
# The start of the English text is enough to know it.
CRM_MESSAGES = (
    ("the candidate has not consented", "crm_no_consent"),
    ("record the candidate's consent", "crm_no_consent"),
    ("this candidate was erased", "crm_erased"),
    ("the candidate is placed in this assignment", "crm_is_placed"),
    ("the candidate is placed in assignment", "crm_placed_elsewhere"),
    ("the assignment is already filled", "crm_already_filled"),
    ("the assignment is filled", "crm_assignment_filled"),
    ("the assignment is cancelled", "crm_assignment_cancelled"),
    ("an assignment cannot go from", "crm_bad_status"),
    ("propose the candidate for this assignment first", "crm_propose_first"),
    ("the end lies before the start", "crm_reversed"),
    ("the placement lies outside", "crm_outside_period"),
    ("lies before", "crm_too_early"),
    ("date lies in the future", "crm_future"),
    ("a contact moment cannot lie in the future", "crm_future"),
    ("date out of range", "crm_date_range"),
    ("give a time zone", "crm_date_invalid"),
    ("this client has assignment agreements", "crm_client_has_assignments"),
    ("assignment agreements are made with clients only", "crm_clients_only"),
    ("this contact works for another organisation", "crm_other_org"),
    ("no such contact", "crm_no_contact"),
    ("may not be empty", "crm_required"),
    ("consent could not be checked", "crm_try_again"),
    ("Field required", "crm_required"),
    ("String should have at least 1 character", "crm_required"),
)
FIELD_LABELS = {
    "name": "name",
    "kind": "kind",
    "email": "email",
    "phone": "phone",
    "function": "function",
    "vacancy": "crm_vacancy",
    "function_type": "function",
    "starts_on": "crm_starts_on",
    "ends_on": "crm_ends_on",
    "opened_on": "crm_opened_on",
    "placed_on": "crm_placed_on",
    "status": "status",
    "occurred_at": "when",
    "channel": "channel",
    "report": "description",
    "contact_id": "crm_contact",
    "candidate_id": "crm_candidate",
    "stage": "crm_stage",
}


def crm_errors(reply: proxy.Reply, lang: str) -> list[str]:
    """What went wrong, in the recruiter's language; never the service's English."""
    t = i18n.translator(lang)

    def known(message: str) -> str | None:
        message = message.removeprefix("Value error, ")  # pydantic's prefix for our rules
        return next((t(key) for start, key in CRM_MESSAGES if message.startswith(start)), None)

    lines = []
    for err in reply.errors:
        field = str(err.get("field", "")).split(".")[-1]
        label = t(FIELD_LABELS.get(field, "crm_field"))
        lines.append(f"{label}: {known(str(err.get('message', ''))) or t('crm_invalid')}")
    if not lines:
        if reply.status in (502, 503, 504):
            lines.append(t("crm_try_again"))
        elif reply.status == 404:
            lines.append(t("crm_gone"))
        else:
            lines.append(known(reply.detail) or t("crm_refused"))
    return lines


def failed_status(reply: proxy.Reply) -> int:
    return reply.status if 400 <= reply.status < 500 else 502


def page_of(value: str) -> int:
    """A page number from the query string; anything odd is the first page."""
    return int(value) if value.isdigit() and 0 < int(value) <= 10_000 else 1


def pager(page: int, total: int | None, shown: int) -> dict[str, Any]:
    """Previous/next for a list; without a total, one more row than shown means a next page."""
    more = (page * PAGE_SIZE < total) if total is not None else shown > PAGE_SIZE
    return {"page": page, "previous": page > 1, "next": more}


def window(page: int, extra: int = 0) -> dict[str, int]:
    return {"limit": PAGE_SIZE + extra, "offset": (page - 1) * PAGE_SIZE}


def listing(reply: proxy.Reply, page: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of a page and its pager, from a `{"items", "total"}` answer or a bare list."""
    body = reply.body if reply.ok else None
    total = body.get("total") if isinstance(body, dict) else None
    rows = body.get("items", []) if isinstance(body, dict) else body
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return rows[:PAGE_SIZE], pager(page, total if isinstance(total, int) else None, len(rows))


def fields_of(form: FormData, *names: str, limit: int = 5000) -> dict[str, str]:
    return {name: text(form, name, limit) for name in names}


def done(path: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={what}", status_code=303)


# --- the overview ----------------------------------------------------------------------------


def bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Bars for the inline SVG chart, widths in percent of the largest."""
    top = max(counts.values(), default=0) or 1
    return [
        {"label": k, "value": v, "width": round(100 * v / top, 1)}
        for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
    ][:12]


async def crm_context(request: Request, org_page: int = 1, job_page: int = 1) -> dict[str, Any]:
    t = i18n.translator(lang_of(request))
    organisations, assignments, stats = await asyncio.gather(
        proxy.call(request, "crm", "GET", "/api/crm/organisations", params=window(org_page)),
        proxy.call(request, "crm", "GET", "/api/crm/assignment-overview", params=window(job_page)),
        proxy.call(request, "crm", "GET", "/api/crm/statistics"),
    )
    per_function: dict[str, int] = {}
    per_client: dict[str, int] = {}
    if stats.ok and isinstance(stats.body, dict):
        per_function = {
            t(f"fn_{k}"): int(v) for k, v in (stats.body.get("per_function_type") or {}).items()
        }
        per_client = {
            str(c.get("name", "?")): int(c.get("placements", 0))
            for c in stats.body.get("per_client") or []
        }
    orgs, org_pager = listing(organisations, org_page)
    jobs, job_pager = listing(assignments, job_page)
    return {
        "organisations": organisations,
        "orgs": orgs,
        "org_pager": org_pager,
        "assignments": assignments,
        "jobs": jobs,
        "job_pager": job_pager,
        "job_page": job_page,
        "org_page": org_page,
        "stats": stats,
        "function_bars": bars(per_function),
        "client_bars": bars(per_client),
        "kinds": KINDS,
    }


@router.get("/crm")
async def crm_page(request: Request, orgs: str = "1", jobs: str = "1") -> Response:
    return render(request, "crm.html", **await crm_context(request, page_of(orgs), page_of(jobs)))


@router.post("/crm/organisations")
async def add_organisation(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    values = fields_of(form, "name", "kind", limit=200)
    reply = await proxy.call(request, "crm", "POST", "/api/crm/organisations", json_body=values)
    if reply.ok and isinstance(reply.body, dict) and valid_id(str(reply.body.get("id", ""))):
        return done(f"/crm/organisations/{reply.body['id']}", "organisation")
    return render(
        request,
        "crm.html",
        failed_status(reply),
        errors=crm_errors(reply, lang_of(request)),
        values=values,
        **await crm_context(request),
    )


# --- an organisation: its details, contacts, assignments and contact moments ----------------


async def organisation_context(
    request: Request, organisation_id: str, moments_page: int = 1, jobs_page: int = 1
) -> dict[str, Any]:
    org, moments, jobs = await asyncio.gather(
        proxy.call(request, "crm", "GET", f"/api/crm/organisations/{organisation_id}"),
        proxy.call(
            request,
            "crm",
            "GET",
            f"/api/crm/organisations/{organisation_id}/contact-moments",
            params=window(moments_page, extra=1),
        ),
        proxy.call(
            request,
            "crm",
            "GET",
            "/api/crm/assignment-overview",
            params={"organisation_id": organisation_id} | window(jobs_page),
        ),
    )
    moment_rows, moment_pager = listing(moments, moments_page)
    job_rows, job_pager = listing(jobs, jobs_page)
    contacts = org.body.get("contacts", []) if org.ok and isinstance(org.body, dict) else []
    return {
        "org": org,
        "organisation_id": organisation_id,
        "contacts": [c for c in contacts if isinstance(c, dict)],
        "contact_names": {c.get("id"): c.get("name") for c in contacts if isinstance(c, dict)},
        "moments": moments,
        "moment_rows": moment_rows,
        "moment_pager": moment_pager,
        "jobs": jobs,
        "job_rows": job_rows,
        "job_pager": job_pager,
        "kinds": KINDS,
        "channels": CHANNELS,
        "function_types": FUNCTION_TYPES,
    }


@router.get("/crm/organisations/{organisation_id}")
async def organisation_page(
    request: Request, organisation_id: str, page: str = "1", jobs: str = "1", done: str = ""
) -> Response:
    if not valid_id(organisation_id):
        return render_problem(request, 404, "not found")
    ctx = await organisation_context(request, organisation_id, page_of(page), page_of(jobs))
    if ctx["org"].status == 404:
        return render_problem(request, 404, i18n.translator(lang_of(request))("crm_gone"))
    return render(request, "organisation.html", done=done[:20], **ctx)


async def organisation_failed(
    request: Request, organisation_id: str, reply: proxy.Reply, form_name: str, values: dict
) -> Response:
    ctx = await organisation_context(request, organisation_id)
    return render(
        request,
        "organisation.html",
        failed_status(reply),
        errors=crm_errors(reply, lang_of(request)),
        failed_form=form_name,
        values=values,
        done="",
        **ctx,
    )


def assignment_body(form: FormData) -> dict[str, Any]:
    """crm's AssignmentIn/Patch from the form: empty dates are no dates."""
    body: dict[str, Any] = fields_of(form, "vacancy", "function_type", limit=200)
    for field in ("starts_on", "ends_on"):
        body[field] = text(form, field, 10) or None
    return body


@router.post("/crm/organisations/{organisation_id}/{what}")
async def organisation_action(request: Request, organisation_id: str, what: str) -> Response:
    """Edit the organisation; add a contact, an assignment or a contact moment."""
    if not valid_id(organisation_id) or what not in (
        "edit",
        "contacts",
        "assignments",
        "contact-moments",
    ):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    base = f"/api/crm/organisations/{organisation_id}"
    values: dict[str, Any]
    if what == "edit":
        values = fields_of(form, "name", "kind", limit=200)
        reply = await proxy.call(request, "crm", "PATCH", base, json_body=values)
    elif what == "contacts":
        values = fields_of(form, "name", "function", "email", "phone", limit=254)
        body = {k: v for k, v in values.items() if v}
        reply = await proxy.call(request, "crm", "POST", f"{base}/contacts", json_body=body)
    elif what == "assignments":
        values = assignment_body(form)
        body = {k: v for k, v in values.items() if v} | {"organisation_id": organisation_id}
        reply = await proxy.call(request, "crm", "POST", "/api/crm/assignments", json_body=body)
        if reply.ok and isinstance(reply.body, dict) and valid_id(str(reply.body.get("id", ""))):
            return done(f"/crm/assignments/{reply.body['id']}", "assignment")
    else:
        values = fields_of(form, "occurred_at", "channel", "contact_id", "report")
        body = {k: v for k, v in values.items() if v}
        if "occurred_at" in body:
            body["occurred_at"] = amsterdam_time(body["occurred_at"])
        reply = await proxy.call(request, "crm", "POST", f"{base}/contact-moments", json_body=body)
    if reply.ok:
        return done(f"/crm/organisations/{organisation_id}", what)
    return await organisation_failed(request, organisation_id, reply, what, values)


# --- a contact person ------------------------------------------------------------------------


@router.get("/crm/contacts/{contact_id}")
async def contact_page(request: Request, contact_id: str) -> Response:
    if not valid_id(contact_id):
        return render_problem(request, 404, "not found")
    found = await proxy.call(request, "crm", "GET", f"/api/crm/contacts/{contact_id}")
    if not found.ok or not isinstance(found.body, dict):
        t = i18n.translator(lang_of(request))
        return render_problem(request, failed_status(found), t("crm_gone"))
    return render(request, "contact.html", contact=found.body, values=found.body)


@router.post("/crm/contacts/{contact_id}")
async def edit_contact(request: Request, contact_id: str) -> Response:
    if not valid_id(contact_id):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    values = fields_of(form, "name", "function", "email", "phone", limit=254)
    # An emptied field removes what was there (crm takes null for "none").
    body = {k: (v or None) for k, v in values.items()}
    path = f"/api/crm/contacts/{contact_id}"
    reply = await proxy.call(request, "crm", "PATCH", path, json_body=body)
    if reply.ok and isinstance(reply.body, dict):
        return done(f"/crm/organisations/{reply.body.get('organisation_id')}", "contact")
    found = await proxy.call(request, "crm", "GET", path)
    if not found.ok or not isinstance(found.body, dict):
        return render_problem(request, failed_status(reply), crm_errors(reply, lang_of(request))[0])
    return render(
        request,
        "contact.html",
        failed_status(reply),
        contact=found.body,
        values=values,
        errors=crm_errors(reply, lang_of(request)),
    )


# --- a contact moment: correct or delete ------------------------------------------------------


async def moment_context(request: Request, moment_id: str) -> dict[str, Any] | proxy.Reply:
    moment = await proxy.call(request, "crm", "GET", f"/api/crm/contact-moments/{moment_id}")
    if not moment.ok or not isinstance(moment.body, dict):
        return moment
    org_id = moment.body.get("organisation_id")
    org = await proxy.call(request, "crm", "GET", f"/api/crm/organisations/{org_id}")
    contacts = org.body.get("contacts", []) if org.ok and isinstance(org.body, dict) else []
    return {
        "moment": moment.body,
        "organisation_id": org_id,
        "org_name": org.body.get("name", "") if org.ok and isinstance(org.body, dict) else "",
        "contacts": [c for c in contacts if isinstance(c, dict)],
        "channels": CHANNELS,
    }


def moment_form_values(moment: dict[str, Any]) -> dict[str, str]:
    """The stored moment as the form shows it: the time on the Dutch wall clock."""
    return {
        "occurred_at": local_time(moment.get("occurred_at")).replace(" ", "T"),
        "channel": str(moment.get("channel") or ""),
        "contact_id": str(moment.get("contact_id") or ""),
        "report": str(moment.get("report") or ""),
    }


@router.get("/crm/contact-moments/{moment_id}")
async def moment_page(request: Request, moment_id: str) -> Response:
    if not valid_id(moment_id):
        return render_problem(request, 404, "not found")
    ctx = await moment_context(request, moment_id)
    if isinstance(ctx, proxy.Reply):
        t = i18n.translator(lang_of(request))
        return render_problem(request, failed_status(ctx), t("crm_gone"))
    return render(request, "moment.html", values=moment_form_values(ctx["moment"]), **ctx)


@router.post("/crm/contact-moments/{moment_id}")
@router.post("/crm/contact-moments/{moment_id}/{action}")
async def moment_action(request: Request, moment_id: str, action: str = "edit") -> Response:
    if not valid_id(moment_id) or action not in ("edit", "delete"):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    path = f"/api/crm/contact-moments/{moment_id}"
    values = fields_of(form, "occurred_at", "channel", "contact_id", "report")
    if action == "delete":
        before = await proxy.call(request, "crm", "GET", path)
        reply = await proxy.call(request, "crm", "DELETE", path)
        org_id = before.body.get("organisation_id") if isinstance(before.body, dict) else None
        if reply.ok and org_id:
            return done(f"/crm/organisations/{org_id}", "deleted")
    else:
        body: dict[str, Any] = {
            "occurred_at": amsterdam_time(values["occurred_at"]) if values["occurred_at"] else None,
            "channel": values["channel"] or None,
            "contact_id": values["contact_id"] or None,
            "report": values["report"] or None,
        }
        reply = await proxy.call(request, "crm", "PATCH", path, json_body=body)
        if reply.ok and isinstance(reply.body, dict):
            return done(f"/crm/organisations/{reply.body.get('organisation_id')}", "moment")
    ctx = await moment_context(request, moment_id)
    errors = crm_errors(reply, lang_of(request))
    if isinstance(ctx, proxy.Reply):
        return render_problem(request, failed_status(reply), errors[0])
    return render(request, "moment.html", failed_status(reply), values=values, errors=errors, **ctx)


# --- an assignment and its pipeline -----------------------------------------------------------


async def candidate_names(request: Request, ids: list[str]) -> dict[str, str]:
    """Who stands in the pipeline: one (audited) profile read per proposed candidate."""

    async def name(cid: str) -> tuple[str, str]:
        reply = await proxy.call(request, "candidates", "GET", f"/api/candidates/{cid}")
        body = reply.body if reply.ok and isinstance(reply.body, dict) else {}
        full = f"{body.get('first_name', '')} {body.get('last_name', '')}".strip()
        return cid, full

    return dict(await asyncio.gather(*(name(cid) for cid in ids)))


async def assignment_context(request: Request, assignment_id: str) -> dict[str, Any]:
    base = f"/api/crm/assignments/{assignment_id}"
    job, pipeline = await asyncio.gather(
        proxy.call(request, "crm", "GET", base),
        proxy.call(request, "crm", "GET", f"{base}/pipeline"),
    )
    entries = []
    if pipeline.ok and isinstance(pipeline.body, dict):
        entries = [e for e in pipeline.body.get("entries", []) if isinstance(e, dict)]
    names = await candidate_names(
        request, [str(e["candidate_id"]) for e in entries if e.get("candidate_id")]
    )
    return {
        "job": job,
        "assignment_id": assignment_id,
        "pipeline": pipeline,
        "entries": entries,
        "names": names,
        "stages": STAGES,
        "function_types": FUNCTION_TYPES,
        "today": date.today().isoformat(),
    }


async def assignment_view(
    request: Request, assignment_id: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    ctx = await assignment_context(request, assignment_id)
    if ctx["job"].status == 404:
        return render_problem(request, 404, i18n.translator(lang_of(request))("crm_gone"))
    return render(request, "assignment.html", status, **(ctx | extra))


@router.get("/crm/assignments/{assignment_id}")
async def assignment_page(request: Request, assignment_id: str, done: str = "") -> Response:
    if not valid_id(assignment_id):
        return render_problem(request, 404, "not found")
    return await assignment_view(request, assignment_id, done=done if done in DONE else "")


async def follow(
    request: Request, crm_reply: proxy.Reply, assignment_id: str, stage: str
) -> proxy.Reply:
    """The candidates service's record of the candidate's involvement follows the pipeline,
    for the candidate crm names in its answer (not whatever the form said)."""
    body = crm_reply.body if isinstance(crm_reply.body, dict) else {}
    candidate = str(body.get("candidate_id") or "")
    if not valid_id(candidate) or stage not in CANDIDATE_STAGE:
        return crm_reply
    return await proxy.call(
        request,
        "candidates",
        "PUT",
        f"/api/candidates/{candidate}/placements/{assignment_id}",
        json_body={"stage": CANDIDATE_STAGE[stage]},
    )


@router.post("/crm/assignments/{assignment_id}/{action}")
async def assignment_action(request: Request, assignment_id: str, action: str) -> Response:
    """Edit the assignment, find and propose a candidate, move one, record the placement."""
    if not valid_id(assignment_id) or action not in (
        "edit",
        "find",
        "propose",
        "move",
        "place",
    ):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    base = f"/api/crm/assignments/{assignment_id}"
    lang = lang_of(request)
    candidate = text(form, "candidate_id", 64)
    if action == "find":
        # The terms go in the body, never the URL; the results list who can be proposed.
        query = text(form, "query", 200)
        found = await proxy.call(
            request,
            "candidates",
            "POST",
            "/api/candidates/search",
            json_body={"query": query, "page": 1, "page_size": PAGE_SIZE},
        )
        return await assignment_view(request, assignment_id, found=found, query=query)
    if action != "edit" and not valid_id(candidate):
        t = i18n.translator(lang)
        return await assignment_view(
            request, assignment_id, 422, errors=[f"{t('crm_candidate')}: {t('crm_invalid')}"]
        )
    if action == "edit":
        body = assignment_body(form)
        if text(form, "status", 20):
            body["status"] = text(form, "status", 20)
        reply = await proxy.call(request, "crm", "PATCH", base, json_body=body)
    elif action == "propose":
        # crm checks the candidate's consent for this assignment itself, as for the API.
        reply = await proxy.call(
            request, "crm", "POST", f"{base}/proposals", json_body={"candidate_id": candidate}
        )
        if reply.ok:
            reply = await follow(request, reply, assignment_id, "proposed")
    elif action == "move":
        stage, proposal = text(form, "stage", 20), text(form, "proposal_id", 64)
        path = f"{base}/proposals/{proposal if valid_id(proposal) else 'none'}"
        reply = await proxy.call(request, "crm", "PATCH", path, json_body={"stage": stage})
        if reply.ok:
            reply = await follow(request, reply, assignment_id, stage)
    else:
        body = {"candidate_id": candidate} | {
            k: v for k, v in fields_of(form, "starts_on", "ends_on", "placed_on").items() if v
        }
        reply = await proxy.call(request, "crm", "POST", f"{base}/placements", json_body=body)
        if reply.ok:
            reply = await follow(request, reply, assignment_id, "placed")
    if reply.ok:
        return done(f"/crm/assignments/{assignment_id}", action)
    return await assignment_view(
        request,
        assignment_id,
        failed_status(reply),
        errors=crm_errors(reply, lang),
        failed_form=action,
    )


@router.post("/crm/assignments/{assignment_id}/export/{candidate_id}")
async def client_export(request: Request, assignment_id: str, candidate_id: str) -> Response:
    """The profile as the client receives it, as a PDF. candidates refuses without consent
    for this assignment and holds back every section the candidate did not agree to share;
    the export is recorded there (audit and `profile.shared`)."""
    if not valid_id(assignment_id) or not valid_id(candidate_id):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    lang = lang_of(request)
    job = await proxy.call(request, "crm", "GET", f"/api/crm/assignments/{assignment_id}/pipeline")
    entries = job.body.get("entries", []) if job.ok and isinstance(job.body, dict) else []
    # Only for a candidate in this assignment's pipeline, and still in it.
    if not any(
        e.get("candidate_id") == candidate_id and e.get("stage") != "declined" for e in entries
    ):
        reply = (
            job
            if not job.ok
            else proxy.Reply(409, {"detail": "propose the candidate for this assignment first"})
        )
        return await assignment_view(
            request, assignment_id, failed_status(reply), errors=crm_errors(reply, lang)
        )
    reply = await proxy.call(
        request,
        "candidates",
        "POST",
        f"/api/candidates/{candidate_id}/placements/{assignment_id}/export",
    )
    if not reply.ok or not isinstance(reply.body, dict):
        return await assignment_view(
            request, assignment_id, failed_status(reply), errors=crm_errors(reply, lang)
        )
    details = await proxy.call(request, "crm", "GET", f"/api/crm/assignments/{assignment_id}")
    vacancy = details.body.get("vacancy", "") if isinstance(details.body, dict) else ""
    pdf = client_export_pdf(reply.body, vacancy, str(job.body.get("organisation_name", "")), lang)
    reference = str(reply.body.get("export_id", ""))[:8]
    return Response(
        pdf,
        media_type="application/pdf",
        # No name in the file name: it ends up in download folders and mail subjects.
        headers={"Content-Disposition": f'attachment; filename="profiel-{reference}.pdf"'},
    )
