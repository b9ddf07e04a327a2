"""The admin's pages (users: create, disable and enable, role, password), every employee's
own password, and the audit trail (the admin's and the privacy officer's). The guard
(access.py, the matrix in domain.py) decides who reaches which; every change to a user is
made and audited by security.py, as from the API and the command line.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from services.common.db import db_conn

from . import access, domain, i18n, proxy, security, store
from .api import audit_actor, audit_query, client_of
from .bootstrap import settings
from .pages import (
    AMSTERDAM,
    csrf_failed,
    employee_names,
    lang_of,
    posted,
    render,
    render_problem,
    text,
)

router = APIRouter(include_in_schema=False)

# What the users page confirms after a change (?done=...): fixed keys, never free text.
USERS_DONE = ("created", "disabled", "enabled", "role", "password")
# A refused change: its HTTP status on the page.
USER_ERROR_STATUS = {"no_user": 404, "self": 409, "last_admin": 409}


def user_error(request: Request, exc: security.UserError) -> str:
    """What went wrong, in the reader's language."""
    t = i18n.translator(lang_of(request))
    return t(f"user_err_{exc.key}").format(min=domain.MIN_PASSWORD, max=domain.MAX_PASSWORD)


def employee(request: Request) -> security.Actor:
    who = access.session(request)
    assert who is not None  # the guard lets only signed-in employees reach these pages
    return security.Actor(who.user_id, who.role)


async def users_listing(
    request: Request, conn: asyncpg.Connection, status: int = 200, error: str = "", **ctx: Any
) -> Response:
    return render(
        request,
        "users.html",
        status,
        users=await store.list_users(conn),
        roles=domain.ROLES,
        error=error,
        **ctx,
    )


async def users_refused(
    request: Request, conn: asyncpg.Connection, exc: security.UserError, **ctx: Any
) -> Response:
    status = USER_ERROR_STATUS.get(exc.key, 422)
    return await users_listing(request, conn, status, user_error(request, exc), **ctx)


def users_done(what: str) -> Response:
    return RedirectResponse(f"/users?done={what}", status_code=303)


@router.get("/users")
async def users_page(
    request: Request, done: str = "", conn: asyncpg.Connection = Depends(db_conn)
) -> Response:
    return await users_listing(request, conn, done=done if done in USERS_DONE else "")


@router.post("/users")
async def users_add(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    values = {"username": text(form, "username", 64), "role": text(form, "role", 20)}
    try:
        await security.create_user(
            conn,
            values["username"],
            values["role"],
            text(form, "password", domain.MAX_PASSWORD),
            employee(request),
        )
    except security.UserError as exc:
        return await users_refused(request, conn, exc, values=values)
    return users_done("created")


@router.post("/users/{username}/{change}")
async def users_change(
    request: Request, username: str, change: str, conn: asyncpg.Connection = Depends(db_conn)
) -> Response:
    """A change to one employee: a new password (every wait on the name lifted), another
    role, disabled or enabled. Each ends the employee's open sessions and is audited."""
    if change not in ("password", "role", "disable", "enable"):
        return render_problem(request, 404, "not found")
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    username, by = username[:64], employee(request)
    try:
        if change == "password":
            password = text(form, "password", domain.MAX_PASSWORD)
            await security.reset_password(conn, username, password, by)
        elif change == "role":
            await security.change_role(conn, username, text(form, "role", 20), by)
        else:
            await security.set_disabled(conn, username, change == "disable", by)
    except security.UserError as exc:
        return await users_refused(request, conn, exc)
    return users_done({"disable": "disabled", "enable": "enabled"}.get(change, change))


# --- every employee: their own password ----------------------------------------------------


def password_page(request: Request, status: int = 200, **ctx: Any) -> Response:
    return render(request, "password.html", status, min_password=domain.MIN_PASSWORD, **ctx)


@router.get("/account/password")
async def own_password_page(request: Request) -> Response:
    return password_page(request, done=request.query_params.get("done") == "1")


@router.post("/account/password")
async def own_password_change(
    request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> Response:
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    who = access.session(request)
    assert who is not None
    t = i18n.translator(lang_of(request))
    current = text(form, "current", domain.MAX_PASSWORD)
    new = text(form, "new", domain.MAX_PASSWORD + 1)
    if new != text(form, "again", domain.MAX_PASSWORD + 1):
        return password_page(request, 422, error=t("user_err_passwords_differ"))
    try:
        attempt = await security.change_own_password(
            conn, who, current, new, client_of(request), settings.throttle
        )
    except security.UserError as exc:
        return password_page(request, 422, error=user_error(request, exc))
    if attempt.outcome is security.Outcome.WAIT:
        error = t("login_wait").format(seconds=attempt.retry_after)
        return password_page(request, 429, error=error)
    if attempt.outcome is not security.Outcome.OK:
        return password_page(request, 422, error=t("user_err_current_wrong"))
    return RedirectResponse("/account/password?done=1", status_code=303)


# --- admin and privacy officer: the audit trail --------------------------------------------

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX = 100_000  # rows in one CSV; a narrower date range gets the rest
AUDIT_FILTER = re.compile(r"[A-Za-z0-9._:@-]{1,64}")  # an id or a username, as the API takes
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    subject: str | None
    user: str | None
    since: datetime | None  # inclusive
    until: datetime | None  # exclusive
    values: dict[str, str]  # as typed, to show the form again


def audit_filter(form: FormData) -> AuditFilter | str:
    """The filters from the form, or the i18n key of what is wrong with them. Dates are days
    on the Dutch calendar: from the start of `from` to the end of `until`."""
    values = {k: text(form, k, 64) for k in ("subject", "user", "from", "until")}
    if any(values[k] and not AUDIT_FILTER.fullmatch(values[k]) for k in ("subject", "user")):
        return "audit_bad_filter"
    try:
        first = date.fromisoformat(values["from"]) if values["from"] else None
        last = date.fromisoformat(values["until"]) if values["until"] else None
    except ValueError:
        return "audit_bad_date"
    if first and last and first > last:
        return "audit_bad_date"
    return AuditFilter(
        values["subject"] or None,
        values["user"] or None,
        datetime.combine(first, time(), AMSTERDAM) if first else None,
        datetime.combine(last + timedelta(days=1), time(), AMSTERDAM) if last else None,
        values,
    )


def audit_role(t: Any, role: str) -> str:
    key = f"role_{role}"
    return t(key) if key in i18n.TEXT else role


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    return render(request, "audit.html", items=None, values={})


@router.post("/audit")
async def audit_search(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    """The entries matching the filters, a page at a time (newest first)."""
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    found = audit_filter(form)
    if isinstance(found, str):
        values = {k: text(form, k, 64) for k in ("subject", "user", "from", "until")}
        return render(request, "audit.html", 422, items=None, values=values, error=t(found))
    number = text(form, "page", 6)
    page = int(number) if number.isdigit() and 0 < int(number) <= 10_000 else 1
    offset = (page - 1) * AUDIT_PAGE_SIZE
    who = access.session(request)
    assert who is not None
    items = await audit_query(
        conn, who, found.subject, found.user, AUDIT_PAGE_SIZE + 1, offset, found.since, found.until
    )
    return render(
        request,
        "audit.html",
        items=items[:AUDIT_PAGE_SIZE],
        more=len(items) > AUDIT_PAGE_SIZE,
        page=page,
        first=offset + 1,
        values=found.values,
        names=await employee_names(request),
        role_of=lambda role: audit_role(t, role),
    )


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote."""
    cell = "" if value is None else str(value)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@router.post("/audit/export")
async def audit_export(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    """Every entry matching the filters (not only the page shown) as CSV, newest first, up to
    AUDIT_EXPORT_MAX. The export is itself audited."""
    form = await posted(request)
    if form is None:
        return csrf_failed(request)
    t = i18n.translator(lang_of(request))
    found = audit_filter(form)
    if isinstance(found, str):
        values = {k: text(form, k, 64) for k in ("subject", "user", "from", "until")}
        return render(request, "audit.html", 422, items=None, values=values, error=t(found))
    who = access.session(request)
    assert who is not None
    names = await employee_names(request)
    actor = await audit_actor(conn, found.user)
    out = io.StringIO()
    sheet = csv.writer(out)
    keys = ("when", "user", "user_id", "role", "action", "resource", "subject_id", "service")
    sheet.writerow([t(k) for k in keys])
    async with conn.transaction():
        cursor = store.audit_cursor(
            conn, found.subject, actor, found.since, found.until, AUDIT_EXPORT_MAX
        )
        async for r in cursor:
            row = (
                r["at"].astimezone(AMSTERDAM).isoformat(timespec="seconds"),
                names.get(r["actor"], r["actor"]),
                r["actor"],
                audit_role(t, r["role"]),
                r["action"],
                r["resource"],
                r["subject"],
                r["source"],
            )
            sheet.writerow([csv_cell(v) for v in row])
    await proxy.record_read(who, "/audit/export", found.subject, action="audit.export")
    stamp = datetime.now(AMSTERDAM).strftime("%Y%m%d-%H%M")
    return Response(
        # A byte-order mark, so a spreadsheet reads the file as UTF-8.
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audittrail-{stamp}.csv"'},
    )
