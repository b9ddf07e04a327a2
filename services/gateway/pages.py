"""Server-rendered pages. They call the services through the gateway's own client (proxy.call),
on behalf of the signed-in employee, so they show exactly what the APIs return; where a
service's API is not there (yet) the page says so instead of failing.

Search terms and other personal data travel in POST bodies, never in URLs or page titles.
"""

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile

from services.common.db import db_conn

from . import access, alerts, domain, i18n, operations, proxy, security, store
from .api import sign_in
from .bootstrap import settings

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
STATEMENT = (HERE / "templates" / "privacy-statement.nl.txt").read_text(encoding="utf-8")
PAGE_SIZE = 20
LOCAL_PATH = re.compile(r"/[A-Za-z0-9/_.-]{0,200}")  # no "\\", no scheme, no query
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def items_of(body: Any) -> list[Any]:
    """A service's list answer, whether `{"items": [...]}` or a bare list."""
    if isinstance(body, dict):
        body = body.get("items", [])
    return [x for x in body if isinstance(x, dict)] if isinstance(body, list) else []


templates.env.globals["items_of"] = items_of
FUNCTIONS = (
    "personal_assistant",
    "office_manager",
    "executive_secretary",
    "management_assistant",
    "management_support",
)

NAV = {
    domain.RECRUITER: (
        ("/candidates", "nav_candidates"),
        ("/intake", "nav_intake"),
        ("/crm", "nav_crm"),
    ),
    domain.PRIVACY_OFFICER: (
        ("/requests", "nav_requests"),
        ("/retention", "nav_retention"),
        ("/breaches", "nav_breaches"),
        ("/complaints", "nav_complaints"),
        ("/registers", "nav_registers"),
        ("/statements", "nav_statements"),
        ("/audit", "nav_audit"),
    ),
    domain.ADMIN: (
        ("/operations", "nav_operations"),
        ("/users", "nav_users"),
        ("/audit", "nav_audit"),
    ),
}


def lang_of(request: Request) -> str:
    lang = request.cookies.get("lang", "")
    return lang if lang in i18n.LANGS else i18n.DEFAULT


async def employee_names(request: Request) -> dict[str, str]:
    """User id -> username, so pages show who wrote a note or read a file, not a UUID."""
    async with request.app.state.pool.acquire() as conn:
        return {r["id"]: r["username"] for r in await store.list_users(conn)}


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    who = access.session(request)
    lang = lang_of(request)
    ctx |= {
        "t": i18n.translator(lang),
        "lang": lang,
        "other_lang": "en" if lang == "nl" else "nl",
        "who": who,
        "csrf": access.form_csrf_token(request),
        "nav": NAV.get(who.role, ()) if who else (),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def render_problem(request: Request, status: int, detail: str) -> HTMLResponse:
    return render(request, "problem.html", status=status, status_code=status, detail=detail)


async def posted(request: Request) -> FormData | None:
    """The form, or None when its CSRF token is missing or wrong."""
    form = await request.form(max_files=2, max_fields=200)
    token = form.get(access.CSRF_FIELD)
    if not isinstance(token, str) or not access.csrf_ok(request, token):
        return None
    return form


def csrf_failed(request: Request) -> HTMLResponse:
    return render_problem(request, 403, i18n.translator(lang_of(request))("csrf"))


def text(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def amsterdam_time(value: str) -> str:
    """A time as typed in the browser (a datetime-local field has no zone: it is the wall
    clock in the Netherlands) as an ISO time with its offset; anything unreadable as typed,
    for the service to refuse with its own message."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.isoformat()


def local_time(value: object, seconds: bool = False) -> str:
    """A service's ISO time as the Dutch wall clock, to the minute ("2026-03-01 10:00") or
    the second."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value[: 19 if seconds else 16]
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


templates.env.filters["local_time"] = local_time


def valid_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- public: start, sign-in, language ------------------------------------------------------


@router.get("/")
async def start(request: Request) -> Response:
    return RedirectResponse("/home" if access.session(request) else "/login", status_code=303)


@router.get("/home")
async def home(request: Request) -> Response:
    who = access.session(request)
    assert who is not None
    return RedirectResponse(domain.HOME[who.role], status_code=303)


@router.get("/lang/{code}")
async def switch_language(request: Request, code: str, next: str = "/") -> Response:
    # Only local paths: the switch must not become an open redirect.
    target = next if LOCAL_PATH.fullmatch(next) and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if code in i18n.LANGS:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.get("/login")
async def login_page(request: Request) -> Response:
    if access.session(request):
        return RedirectResponse("/home", status_code=303)
    return render(request, "login.html")


@router.post("/login")
async def login_form(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    username, password = text(form, "username", 64), text(form, "password", domain.MAX_PASSWORD)
    attempt, token, me = await sign_in(conn, request, username, password, settings)
    if attempt.outcome is security.Outcome.WAIT:
        error = t("login_wait").format(seconds=attempt.retry_after)
        return render(request, "login.html", status=429, error=error)
    if token is None or me is None:
        return render(request, "login.html", status=401, error=t("login_wrong"))
    response = RedirectResponse(me.home, status_code=303)
    access.set_session_cookie(response, settings, token)
    return response


@router.post("/logout")
async def logout_form(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    who = access.session(request)
    if who is not None:
        await store.delete_session(conn, who.token_hash)
    response = RedirectResponse("/login", status_code=303)
    access.clear_session_cookie(response, settings)
    return response


# --- public: registration ------------------------------------------------------------------

LIST_FIELDS = {"languages", "availability.regions"}
BUNDLED_STATEMENT_VERSION = "2018-05"  # templates/privacy-statement.nl.txt
BOOL_FIELDS = {"work_permit_nl", "consent.accepted", "education.0.completed"}
INT_FIELDS = {"availability.hours_per_week"}


def registration_from(form: FormData) -> dict[str, Any]:
    """The form's dotted field names are the registration JSON's paths (so intake's field
    errors land on the right input); lists, numbers and ticks are converted here."""
    flat: dict[str, Any] = {}
    for key in {k for k in form if isinstance(k, str)}:
        if key in (access.CSRF_FIELD, "cv", "photo") or len(key) > 80:
            continue
        if key == "functions_sought":
            flat[key] = [v for v in form.getlist(key) if isinstance(v, str) and v][:10]
            continue
        value = text(form, key)
        if key in BOOL_FIELDS:
            flat[key] = value in ("on", "true", "1", "yes")
        elif key in LIST_FIELDS:
            flat[key] = [p.strip() for p in value.split(",") if p.strip()][:20]
        elif key in INT_FIELDS and value.isdigit():
            flat[key] = int(value)
        elif value:
            flat[key] = value
    for key in BOOL_FIELDS:
        flat.setdefault(key, False)
    # The version the form was shown with (pages_officer); the bundled one if privacy was down.
    flat.setdefault("consent.privacy_statement_version", BUNDLED_STATEMENT_VERSION)
    flat.setdefault("address.country", "NL")
    reg: dict[str, Any] = {}
    for path, value in sorted(flat.items()):
        node: Any = reg
        parts = path.split(".")
        for i, part in enumerate(parts[:-1]):
            nxt: Any = [] if parts[i + 1].isdigit() else {}
            if part.isdigit():
                while len(node) <= int(part):
                    node.append(nxt)
                node = node[int(part)]
            else:
                node = node.setdefault(part, nxt)
        last = parts[-1]
        if last.isdigit():
            node.append(value)
        else:
            node[last] = value
    # An education or job entry the candidate left empty is no entry at all.
    for section in ("education", "work_experience"):
        entries = [
            e
            for e in reg.get(section, [])
            if any(v for k, v in e.items() if v is True or (v and k != "completed"))
        ]
        reg[section] = entries
    return reg


async def upload(part: object) -> tuple[str, bytes, str] | None:
    if not isinstance(part, UploadFile) or not part.filename:
        return None
    data = await part.read(settings.max_upload_bytes + 1)
    return part.filename[-200:], data, part.content_type or "application/octet-stream"


@router.get("/register")
async def register_page(request: Request) -> Response:
    version = (await versioned_statement(request))[0]
    return render(
        request,
        "register.html",
        values={},
        errors={},
        functions=FUNCTIONS,
        statement_version=version or BUNDLED_STATEMENT_VERSION,
    )


@router.post("/register")
async def register_form(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    values: dict[str, Any] = {
        k: text(form, k) for k in form if isinstance(k, str) and k not in ("cv", "photo")
    }
    values["functions_sought"] = form.getlist("functions_sought")
    files: dict[str, tuple[str, bytes, str]] = {}
    for name in ("cv", "photo"):
        got = await upload(form.get(name))
        if got is not None:
            if len(got[1]) > settings.max_upload_bytes:
                too_large = {name: "te groot / too large"}
                return render(
                    request,
                    "register.html",
                    422,
                    values=values,
                    errors=too_large,
                    functions=FUNCTIONS,
                )
            files[name] = got
    reply = await proxy.call(
        request,
        "intake",
        "POST",
        "/api/intake/registrations",
        data={"registration": json.dumps(registration_from(form))},
        files=files or {"cv": ("", b"", "application/octet-stream")},
        anonymous=True,
    )
    if reply.ok:
        return render(request, "registered.html", reference=(reply.body or {}).get("id", ""))
    errors: dict[str, str] = {}
    for err in reply.errors:
        errors.setdefault(str(err.get("field", "request")), str(err.get("message", "")))
    if not errors:
        errors["request"] = reply.detail or f"HTTP {reply.status}"
    if errors.pop("consent.privacy_statement_version", None) is not None:
        errors["consent"] = i18n.translator(lang_of(request))("statement_changed")
        values.pop("consent.accepted", None)  # consent is asked again, to the new version
    status = reply.status if 400 <= reply.status < 500 else 502
    version = (await versioned_statement(request))[0]
    return render(
        request,
        "register.html",
        status,
        values=values,
        errors=errors,
        functions=FUNCTIONS,
        statement_version=version or BUNDLED_STATEMENT_VERSION,
    )


# --- public: privacy statement and self-service --------------------------------------------


def statement_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


async def current_statement(request: Request) -> list[str]:
    """The statement as the privacy service publishes it; the bundled copy if it is down."""
    return (await versioned_statement(request))[1]


async def versioned_statement(request: Request) -> tuple[str | None, list[str]]:
    """(version, paragraphs) of the current statement; no version when privacy is down."""
    reply = await proxy.call(
        request, "privacy", "GET", "/api/privacy/statements/current", anonymous=True
    )
    current = reply.body if reply.ok and isinstance(reply.body, dict) else {}
    body, version = current.get("body"), current.get("version")
    return (
        version if isinstance(version, str) else None,
        statement_paragraphs(body if isinstance(body, str) and body else STATEMENT),
    )


# What a person can correct themselves (privacy's SELF_CORRECTABLE), in the form's order.
CORRECTABLE = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address.street",
    "address.house_number",
    "address.postcode",
    "address.city",
    "address.country",
    "birth_date",
    "birth_place",
    "gender",
    "name",
    "function",
)
CORRECTION_ROWS = 3
templates.env.globals |= {"correctable": CORRECTABLE, "correction_rows": CORRECTION_ROWS}
EXPORT_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def self_service_body(form: FormData) -> dict[str, Any]:
    """privacy's SelfServiceIn from the form; the correction fields count for a correction
    only (the page shows them to everyone)."""
    body: dict[str, Any] = {"type": text(form, "type", 20), "email": text(form, "email", 254)}
    if body["type"] != "rectification":
        return body
    changes = []
    for i in range(1, CORRECTION_ROWS + 1):
        field, value = text(form, f"fix_field_{i}", 40), text(form, f"fix_value_{i}", 200)
        if field or value:
            changes.append({"field": field, "value": value})
    if changes:
        body["changes"] = changes
    if description := text(form, "fix_description", 2000):
        body["description"] = description
    return body


@router.get("/privacy")
async def privacy_page(request: Request) -> Response:
    version, statement = await versioned_statement(request)
    return render(
        request, "privacy.html", statement=statement, statement_version=version, step="ask"
    )


@router.get("/privacy/export/{request_id}/{token}")
async def privacy_export(request: Request, request_id: str, token: str) -> Response:
    """The link in the access completion mail: on to a fresh short-lived download link.
    Opening it changes nothing, so a mail scanner that opens it does no harm."""
    if valid_id(request_id) and EXPORT_TOKEN.fullmatch(token):
        reply = await proxy.call(
            request,
            "privacy",
            "GET",
            f"/api/privacy/self-service/requests/{request_id}/export/{token}",
            anonymous=True,
        )
        url = (reply.body or {}).get("url") if isinstance(reply.body, dict) else None
        if reply.ok and isinstance(url, str) and url.startswith(("http://", "https://")):
            return RedirectResponse(url, status_code=303)
        status = reply.status if 400 <= reply.status < 500 else 502
    else:
        status = 404
    return render_problem(request, status, i18n.translator(lang_of(request))("export_gone"))


@router.post("/privacy")
@router.post("/privacy/{form_name}")
async def privacy_form(request: Request, form_name: str = "ask") -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    ctx: dict[str, Any] = {"statement": await current_statement(request)}
    if form_name == "verify":
        request_id = text(form, "request_id", 64)
        if not valid_id(request_id):
            return render(request, "privacy.html", 422, step="ask", error="request_id", **ctx)
        reply = await proxy.call(
            request,
            "privacy",
            "POST",
            f"/api/privacy/self-service/requests/{request_id}/verify",
            json_body={"code": text(form, "code", 20)},
            anonymous=True,
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.ok and body.get("status") != "identity_unverified":
            return render(request, "privacy.html", step="done", reply=reply.body, **ctx)
        # Not yet done (a corrected email: the new address's code comes next), or refused.
        return render(
            request,
            "privacy.html",
            reply.status if reply.status < 500 else 502,
            step="verify",
            request_id=request_id,
            reply=reply,
            **ctx,
        )
    reply = await proxy.call(
        request,
        "privacy",
        "POST",
        "/api/privacy/self-service/requests",
        json_body=self_service_body(form),
        anonymous=True,
    )
    if reply.ok:
        return render(
            request,
            "privacy.html",
            step="verify",
            request_id=(reply.body or {}).get("id", ""),
            reply=reply,
            **ctx,
        )
    return render(
        request,
        "privacy.html",
        reply.status if reply.status < 500 else 502,
        step="ask",
        reply=reply,
        **ctx,
    )


# --- public: the confirmation link of a registration with a known address ------------------

REGISTRATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CONFIRM_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def confirm_link_valid(registration_id: str, token: str) -> bool:
    return bool(REGISTRATION_ID.fullmatch(registration_id) and CONFIRM_TOKEN.fullmatch(token))


@router.get("/register/confirm/{registration_id}/{token}")
async def confirm_registration_link(request: Request, registration_id: str, token: str) -> Response:
    """Opening the link confirms nothing (mail scanners open links); the button does. The page
    shows what is to be confirmed, so the owner recognises their own registration."""
    if not confirm_link_valid(registration_id, token):
        return render(request, "confirm.html", 404, step="invalid")
    reply = await proxy.call(
        request, "intake", "POST", f"/api/intake/registrations/{registration_id}/preview",
        json_body={"token": token}, anonymous=True,
    )  # fmt: skip
    if not reply.ok or not isinstance(reply.body, dict):
        status = reply.status if 400 <= reply.status < 500 else 502
        return render(request, "confirm.html", status, step="invalid", reply=reply)
    return render(
        request, "confirm.html", step="ask", registration_id=registration_id, token=token,
        preview=reply.body,
    )  # fmt: skip


@router.post("/register/confirm/{registration_id}/{token}")
async def confirm_registration(request: Request, registration_id: str, token: str) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    if not confirm_link_valid(registration_id, token):
        return render(request, "confirm.html", 404, step="invalid")
    reply = await proxy.call(
        request, "intake", "POST", f"/api/intake/registrations/{registration_id}/confirm",
        json_body={"token": token}, anonymous=True,
    )  # fmt: skip
    if reply.ok:
        return render(request, "confirm.html", step="done")
    status = reply.status if reply.status < 500 else 502
    return render(request, "confirm.html", status, step="invalid", reply=reply)


# --- public: the consent-renewal link of the retention mail ---------------------------------

RENEWAL_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


async def renewal_page(request: Request, token: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    version, statement = await versioned_statement(request)
    return render(
        request, "renew.html", status, token=token, version=version, statement=statement, **ctx
    )


@router.get("/privacy/renew/{token}")
async def renew_link(request: Request, token: str) -> Response:
    """Opening the link changes nothing (mail scanners open links); the buttons do."""
    if not RENEWAL_TOKEN.fullmatch(token):
        return render(request, "renew.html", 404, step="invalid", status_code=404)
    reply = await proxy.call(
        request, "candidates", "GET", f"/api/candidates/renewal/{token}", anonymous=True
    )
    if not reply.ok:
        return render(request, "renew.html", reply.status, step="invalid", reply=reply,
                      status_code=reply.status)  # fmt: skip
    return await renewal_page(request, token, step="ask", link=reply.body)


@router.post("/privacy/renew/{token}")
async def renew_answer(request: Request, token: str) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    if not RENEWAL_TOKEN.fullmatch(token):
        return render(request, "renew.html", 404, step="invalid", status_code=404)
    action = text(form, "action", 10)
    body: dict[str, Any] = {"action": action}
    if action == "renew":
        body["statement_version"] = text(form, "statement_version", 20)
    reply = await proxy.call(
        request, "candidates", "POST", f"/api/candidates/renewal/{token}", json_body=body,
        anonymous=True,
    )  # fmt: skip
    if reply.ok:
        return render(request, "renew.html", step="done", outcome=(reply.body or {}).get("outcome"))
    if reply.status == 409 and isinstance(reply.body, dict) and "current_version" in reply.body:
        # The statement changed after the page was shown: show the new one, ask again.
        return await renewal_page(request, token, 409, step="ask", changed=True, link={})
    status = reply.status if reply.status < 500 else 502
    return render(request, "renew.html", status, step="invalid", reply=reply, status_code=status)


# --- recruiter: candidates -----------------------------------------------------------------


def search_body(form: FormData | None) -> dict[str, Any]:
    """candidates' SearchIn: the terms and filters, posted (never in a URL)."""
    page = text(form, "page", 4) if form else ""
    body: dict[str, Any] = {
        "query": text(form, "query", 200) if form else "",
        "page": int(page) if page.isdigit() and 0 < int(page) <= 1000 else 1,
        "page_size": PAGE_SIZE,
    }
    for field, limit in SEARCH_FILTERS.items():
        value = text(form, field, limit) if form else ""
        if value:
            body[field] = int(value) if field in NUMBER_FILTERS and value.isdigit() else value
    return body


# candidates' SearchIn filters (all six) and how long each may be.
SEARCH_FILTERS = {
    "function_type": 64,
    "region": 100,
    "available_by": 10,
    "postcode_area": 4,
    "min_years_experience": 2,
    "education_level": 10,
}
NUMBER_FILTERS = ("min_years_experience",)


@router.get("/candidates")
async def candidates_page(request: Request) -> Response:
    return render(
        request,
        "candidates.html",
        criteria=search_body(None),
        reply=None,
        functions=FUNCTIONS,
        page=1,
        pages=1,
        more=False,
    )


@router.post("/candidates")
async def candidates_search(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    criteria = search_body(form)
    reply = await proxy.call(
        request, "candidates", "POST", "/api/candidates/search", json_body=criteria
    )
    status = 200 if reply.ok else reply.status if 400 <= reply.status < 500 else 502
    found = (reply.body or {}) if reply.ok else {}
    total = int(found.get("total") or 0)
    # Above candidates' counting limit the total is "at least": more pages may follow.
    more = bool(found.get("total_is_lower_bound"))
    page = criteria["page"]
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "candidates.html",
        status,
        criteria=criteria,
        reply=reply,
        functions=FUNCTIONS,
        page=page,
        pages=pages,
        more=more,
    )


async def profile_context(request: Request, candidate_id: str) -> dict[str, Any]:
    cid = candidate_id
    profile = await proxy.call(request, "candidates", "GET", f"/api/candidates/{cid}")
    notes = await proxy.call(request, "candidates", "GET", f"/api/candidates/{cid}/notes")
    placements = await proxy.call(request, "candidates", "GET", f"/api/candidates/{cid}/placements")
    documents = await proxy.call(request, "documents", "GET", f"/api/documents/candidates/{cid}")
    assignments = await proxy.call(
        request, "crm", "GET", "/api/crm/assignments", params={"status": "open"}
    )
    # candidates owns the list of shareable sections (and checks what the form sends).
    sections = await proxy.call(request, "candidates", "GET", "/api/candidates/share-sections")
    return {
        "candidate_id": cid,
        "profile": profile,
        "notes": notes,
        "placements": placements,
        "documents": documents,
        "assignments": assignments,
        "share_sections": [x for x in (sections.body or {}).get("items", []) if isinstance(x, str)]
        if sections.ok
        else [],
        "names": await employee_names(request),
    }


@router.get("/candidates/{candidate_id}")
async def profile_page(request: Request, candidate_id: str, done: str = "") -> Response:
    if not valid_id(candidate_id):
        return render_problem(request, 404, "not found")
    ctx = await profile_context(request, candidate_id)
    if ctx["profile"].status == 404:
        return render_problem(request, 404, ctx["profile"].detail or "not found")
    return render(request, "profile.html", done=done[:20], **ctx)


PROFILE_ACTIONS = {"notes", "checks", "proposals", "link"}


@router.post("/candidates/{candidate_id}/{action}")
async def profile_action(request: Request, candidate_id: str, action: str) -> Response:
    if not valid_id(candidate_id) or action not in PROFILE_ACTIONS:
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    link: str | None = None
    assignment = text(form, "assignment_id", 64)
    if action == "notes":
        reply = await proxy.call(
            request,
            "candidates",
            "POST",
            f"/api/candidates/{candidate_id}/notes",
            json_body={"text": text(form, "text", 10_000)},
        )
    elif action in ("checks", "proposals") and not valid_id(assignment):
        reply = proxy.Reply(
            422, {"errors": [{"field": "assignment_id", "message": "choose an assignment"}]}
        )
    elif action == "checks":
        body: dict[str, Any] = {
            "work_situation": text(form, "work_situation", 2000),
            "interested": text(form, "interested") == "on",
            "consent": text(form, "consent") == "on",
            "share": [str(s)[:40] for s in form.getlist("share")][:20],
        }
        if text(form, "available_from", 10):
            body["available_from"] = text(form, "available_from", 10)
        if text(form, "hours_per_week", 3).isdigit():
            body["hours_per_week"] = int(text(form, "hours_per_week", 3))
        reply = await proxy.call(
            request,
            "candidates",
            "POST",
            f"/api/candidates/{candidate_id}/placements/{assignment}/checks",
            json_body=body,
        )
    elif action == "proposals":
        # crm records the proposal (it checks the consent itself); candidates tracks the stage.
        reply = await proxy.call(
            request,
            "crm",
            "POST",
            f"/api/crm/assignments/{assignment}/proposals",
            json_body={"candidate_id": candidate_id},
        )
        if reply.ok:
            reply = await proxy.call(
                request,
                "candidates",
                "PUT",
                f"/api/candidates/{candidate_id}/placements/{assignment}",
                json_body={"stage": "proposed"},
            )
    else:
        document = text(form, "document_id", 64)
        if valid_id(document):
            reply = await proxy.call(
                request, "documents", "POST", f"/api/documents/{document}/links"
            )
        else:
            reply = proxy.Reply(404, {"detail": "no such document"})
        if reply.ok and isinstance(reply.body, dict):
            url = str(reply.body.get("url", ""))
            link = url if url.startswith("/api/documents/") else None  # ours, relative
    if reply.ok and action != "link":
        return RedirectResponse(f"/candidates/{candidate_id}?done={action}", status_code=303)
    ctx = await profile_context(request, candidate_id)
    status = 200 if reply.ok else (reply.status if reply.status < 500 else 502)
    return render(
        request, "profile.html", status, action=action, outcome=reply, link=link, done="", **ctx
    )


# --- recruiter: intake review queue --------------------------------------------------------


REVIEW_PAGE = 20


async def review_queue(request: Request, page: str = "1") -> dict[str, Any]:
    """One page of the queue, oldest first, and where the pager can go."""
    number = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
    queue = await proxy.call(
        request, "intake", "GET", "/api/intake/review",
        params={"limit": REVIEW_PAGE, "offset": (number - 1) * REVIEW_PAGE},
    )  # fmt: skip
    total = int((queue.body or {}).get("total") or 0) if queue.ok else 0
    return {"queue": queue, "page": number, "pages": max(1, -(-total // REVIEW_PAGE))}


@router.get("/intake")
async def intake_page(request: Request, page: str = "1") -> Response:
    return render(request, "intake.html", **await review_queue(request, page[:6]))


@router.post("/intake/{registration_id}/{decision}")
async def intake_decision(request: Request, registration_id: str, decision: str) -> Response:
    if not valid_id(registration_id) or decision not in ("accept", "reject"):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    reply = await proxy.call(
        request, "intake", "POST", f"/api/intake/review/{registration_id}/{decision}"
    )
    if reply.ok:
        return RedirectResponse("/intake", status_code=303)
    status = reply.status if 400 <= reply.status < 500 else 502
    return render(request, "intake.html", status, outcome=reply, **await review_queue(request))


# --- privacy officer: requests and breaches ------------------------------------------------


async def alerts_for(request: Request, audience: str | None) -> list[dict[str, Any]]:
    """Open alerts with their line in the page's language and where to act on them."""
    lang = lang_of(request)
    async with request.app.state.pool.acquire() as conn:
        found = await alerts.open_alerts(conn, audience)
    return [
        a | {"text": alerts.describe(lang, a["kind"], a["facts"]), "link": alerts.link_of(a)}
        for a in found
    ]


@router.post("/alerts/{alert_id}/{action}")
async def alert_action(request: Request, alert_id: str, action: str) -> Response:
    """Acknowledge (seen, being handled) or close an alert of one's own role."""
    if not valid_id(alert_id) or action not in alerts.ACT:
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    who = access.session(request)
    assert who is not None
    async with request.app.state.pool.acquire() as conn:
        if not await alerts.act(conn, alert_id, action, who):
            return render_problem(request, 404, i18n.translator(lang_of(request))("alert_gone"))
    return RedirectResponse(domain.HOME[who.role], status_code=303)


def officer_changes(form: FormData) -> dict[str, str]:
    """A rectification's changes from the officer's correction rows: {field: right value}.
    The fields are those a person may correct (CORRECTABLE); the owning service checks the
    values and reports which it applied."""
    changes: dict[str, str] = {}
    for i in range(1, CORRECTION_ROWS + 1):
        field, value = text(form, f"fix_field_{i}", 40), text(form, f"fix_value_{i}", 200)
        if field in CORRECTABLE and value:
            changes[field] = value
    return changes


@router.post("/requests")
async def file_request(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    by, value = text(form, "subject_by", 20), text(form, "subject_value", 254)
    if by not in ("email", "candidate_id", "contact_id"):
        by = "email"
    body: dict[str, Any] = {"type": text(form, "type", 20), "subject": {by: value}}
    if reply_to := text(form, "reply_to", 254):
        body["reply_to"] = reply_to  # where the person hears the outcome (pages_officer)
    if body["type"] == "rectification":
        body["changes"] = officer_changes(form)
    if body["type"] == "rectification" and not body["changes"]:
        reply = proxy.Reply(422, {"detail": i18n.translator(lang_of(request))("fix_needed")})
    else:
        reply = await proxy.call(
            request, "privacy", "POST", "/api/privacy/requests", json_body=body
        )
    if reply.ok and isinstance(reply.body, dict) and valid_id(str(reply.body.get("id", ""))):
        return RedirectResponse(f"/requests/{reply.body['id']}", status_code=303)
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/requests")
    return render(
        request,
        "requests.html",
        200,
        listing=listing,
        alerts=await alerts_for(request, domain.PRIVACY_OFFICER),
        outcome=reply,
        values={"type": text(form, "type", 20), "subject_by": by},
    )


async def request_context(request: Request, request_id: str) -> dict[str, Any]:
    req = await proxy.call(request, "privacy", "GET", f"/api/privacy/requests/{request_id}")
    return {"req": req, "request_id": request_id, "names": await employee_names(request)}


@router.get("/requests/{request_id}")
async def request_page(request: Request, request_id: str) -> Response:
    if not valid_id(request_id):
        return render_problem(request, 404, "not found")
    ctx = await request_context(request, request_id)
    if ctx["req"].status == 404:
        return render_problem(request, 404, "not found")
    return render(request, "request.html", **ctx)


@router.post("/requests/{request_id}/{what}")
async def request_action(request: Request, request_id: str, what: str) -> Response:
    """Certificate, export link and the verification scan, as the privacy service offers them."""
    if not valid_id(request_id) or what not in ("certificate", "export", "scan"):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    if what == "scan":
        # The identifiers are typed in again for this scan only; they go in the body, never
        # in a URL. The scan runs as a job: its page polls until it is finished.
        body: dict[str, Any] = {
            k: text(form, k, 254) for k in ("email", "phone", "subject") if text(form, k)
        }
        body["request_id"] = request_id
        reply = await proxy.call(request, "privacy", "POST", "/api/privacy/scans", json_body=body)
        job_id = str(reply.body.get("id", "")) if isinstance(reply.body, dict) else ""
        if reply.ok and valid_id(job_id):
            return RedirectResponse(f"/requests/{request_id}/scans/{job_id}", status_code=303)
    else:
        reply = await proxy.call(
            request, "privacy", "GET", f"/api/privacy/requests/{request_id}/{what}"
        )
    ctx = await request_context(request, request_id)
    return render(request, "request.html", what=what, result=reply, **ctx)


SCAN_POLL_SECONDS = 2


@router.get("/requests/{request_id}/scans/{job_id}")
async def scan_page(request: Request, request_id: str, job_id: str) -> Response:
    """A verification scan's state, refreshed every few seconds until it is finished."""
    if not valid_id(request_id) or not valid_id(job_id):
        return render_problem(request, 404, "not found")
    job = await proxy.call(request, "privacy", "GET", f"/api/privacy/scans/{job_id}")
    if job.status == 404:
        return render_problem(request, 404, "not found")
    running = job.ok and isinstance(job.body, dict) and job.body.get("status") in OPEN_SCAN
    ctx = await request_context(request, request_id)
    response = render(
        request,
        "request.html",
        scan_job=job,
        poll_seconds=SCAN_POLL_SECONDS if running else None,
        **ctx,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


OPEN_SCAN = ("queued", "running")


async def breaches_listing(request: Request, outcome: proxy.Reply | None = None) -> Response:
    """The register, with the outcome of what the officer just sent (when it was refused)."""
    listing = await proxy.call(request, "privacy", "GET", "/api/privacy/breaches")
    return render(request, "breaches.html", 200, listing=listing, outcome=outcome)


@router.get("/breaches")
async def breaches_page(request: Request) -> Response:
    return await breaches_listing(request)


def breach_body(form: FormData) -> dict[str, Any]:
    """privacy's BreachIn from the form; times typed are Dutch local time."""
    body: dict[str, Any] = {
        "summary": text(form, "summary", 2000),
        "categories": [c.strip() for c in text(form, "categories", 3000).split(",") if c.strip()],
        "measures": text(form, "measures", 4000),
    }
    people = text(form, "people_affected", 12)
    body["people_affected"] = int(people) if people.isdigit() else people or None
    for field in ("discovered_at", "occurred_at"):
        if value := text(form, field, 40):
            body[field] = amsterdam_time(value)
        elif field == "discovered_at":
            body[field] = None
    return body


@router.post("/breaches")
async def report_breach(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    body = breach_body(form)
    reply = await proxy.call(request, "privacy", "POST", "/api/privacy/breaches", json_body=body)
    if reply.ok:
        return RedirectResponse("/breaches", status_code=303)
    return await breaches_listing(request, reply)


# What the officer records as a breach is handled: the step and the moment it was taken.
BREACH_STEPS = {
    "reported": "reported_to_ap_at",
    "notified": "people_notified_at",
    "closed": "closed_at",
}


@router.post("/breaches/{breach_id}")
async def follow_up_breach(request: Request, breach_id: str) -> Response:
    """A step on a recorded breach (reported to the AP, people told, closed), now, and/or
    the measures taken so far."""
    if not valid_id(breach_id):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    body: dict[str, Any] = {}
    step = BREACH_STEPS.get(text(form, "step", 20))
    if step:
        body[step] = datetime.now(AMSTERDAM).isoformat()
    if text(form, "measures", 4000):
        body["measures"] = text(form, "measures", 4000)
    if body:
        reply = await proxy.call(
            request, "privacy", "PATCH", f"/api/privacy/breaches/{breach_id}", json_body=body
        )
    else:
        reply = proxy.Reply(422, {"errors": [{"field": "step", "message": "choose a step"}]})
    if reply.ok:
        return RedirectResponse("/breaches", status_code=303)
    return await breaches_listing(request, reply)


# --- admin: operations (users and the audit trail: pages_admin.py) --------------------------


@router.get("/operations")
async def operations_page(request: Request) -> Response:
    return render(
        request,
        "operations.html",
        view=await operations.overview(settings),
        alerts=await alerts_for(request, None),
    )


@router.post("/operations/replay")
async def replay_dead_letter(request: Request) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    offset = text(form, "offset", 12)
    try:
        if not offset.isdigit():
            raise operations.ReplayError("offset must be a number")
        result = await operations.replay(settings, text(form, "topic", 100), int(offset))
    except operations.ReplayError as exc:
        view = await operations.overview(settings)
        return render(
            request,
            "operations.html",
            422,
            view=view,
            alerts=await alerts_for(request, None),
            replay_error=str(exc),
        )
    view = await operations.overview(settings)
    return render(
        request,
        "operations.html",
        view=view,
        alerts=await alerts_for(request, None),
        replayed=result,
    )


__all__ = ["render_problem", "router"]
