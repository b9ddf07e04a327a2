"""Gateway HTTP API: sign-in, the audit trail, users, operations, and forwarding to services.

Who may call what is decided before these routes run (access.py, by the matrix in domain.py).
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.common.db import db_conn

from . import access, domain, operations, proxy, security, store
from .bootstrap import GatewaySettings, settings

router = APIRouter()


def current(request: Request) -> security.Session:
    """The signed-in employee (the guard has made sure there is one on non-public routes)."""
    who = access.session(request)
    if who is None:
        raise HTTPException(status_code=401, detail="please sign in first")
    return who


# --- sign-in -------------------------------------------------------------------------------


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=domain.MAX_PASSWORD)


class Me(BaseModel):
    id: str
    username: str
    role: str
    csrf_token: str
    home: str


def wait_detail(seconds: int) -> str:
    return f"too many failed sign-ins: please try again in {seconds} seconds"


def client_of(request: Request) -> str:
    """The caller's address: uvicorn has taken it from X-Forwarded-For if, and only if, the
    connection came from a trusted proxy (FORWARDED_ALLOW_IPS, deploy/)."""
    return request.client.host if request.client else "unknown"


async def sign_in(
    conn: asyncpg.Connection, request: Request, username: str, password: str, cfg: GatewaySettings
) -> tuple[security.Attempt, str | None, Me | None]:
    """Shared by the JSON login and the login form: (attempt, session token, who)."""
    attempt = await security.authenticate(
        conn, username, password, client_of(request), cfg.throttle
    )
    user = attempt.user
    if attempt.outcome is not security.Outcome.OK or user is None:
        return attempt, None, None
    await store.delete_expired_sessions(conn, cfg.session_idle_minutes * 60)  # housekeeping
    token, csrf = await security.start_session(conn, user["id"], cfg.session_max_hours)
    me = Me(
        id=user["id"],
        username=user["username"],
        role=user["role"],
        csrf_token=csrf,
        home=domain.HOME[user["role"]],
    )
    return attempt, token, me


@router.post("/api/auth/login", response_model=Me)
async def login(
    body: LoginIn, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> Response:
    # JSON only: a cross-site HTML form cannot send it, so sign-in cannot be forged.
    if not request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"detail": "send the sign-in as application/json"}, status_code=415)
    attempt, token, me = await sign_in(conn, request, body.username, body.password, settings)
    if attempt.outcome is security.Outcome.WAIT:
        return JSONResponse(
            {"detail": wait_detail(attempt.retry_after)},
            status_code=429,
            headers={"Retry-After": str(attempt.retry_after)},
        )
    if token is None or me is None:
        return JSONResponse({"detail": "wrong username or password"}, status_code=401)
    response = JSONResponse(me.model_dump())
    access.set_session_cookie(response, settings, token)
    return response


@router.post("/api/auth/logout", status_code=204)
async def logout(request: Request, conn: asyncpg.Connection = Depends(db_conn)) -> Response:
    who = current(request)
    await store.delete_session(conn, who.token_hash)
    response = Response(status_code=204)
    access.clear_session_cookie(response, settings)
    return response


@router.get("/api/auth/me", response_model=Me)
async def me(request: Request) -> Me:
    who = current(request)
    return Me(
        id=who.user_id,
        username=who.username,
        role=who.role,
        csrf_token=who.csrf_token,
        home=domain.HOME[who.role],
    )


# --- audit ---------------------------------------------------------------------------------


class AuditEntry(BaseModel):
    event_id: str
    at: datetime
    source: str
    actor: str
    role: str
    action: str
    resource: str
    subject: str | None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    limit: int
    offset: int


# An id or a username: never free text (one Query object per parameter, hence Annotated).
IdText = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:@-]+$")]


async def audit_actor(conn: asyncpg.Connection, user: str | None) -> str | None:
    """The actor to filter on: a username's user id, else what was typed (a user id, or
    `command-line`)."""
    if user is None:
        return None
    ids = await store.user_ids_by_name(conn, user.lower())
    return ids[0] if ids else user


async def audit_query(
    conn: asyncpg.Connection,
    who: security.Session,
    subject: str | None,
    user: str | None,
    limit: int,
    offset: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEntry]:
    """By subject id and/or user (a username or a user id), and time (`since` inclusive,
    `until` exclusive). Querying is itself audited."""
    actor = await audit_actor(conn, user)
    rows = await store.query_audit(conn, subject, actor, limit, offset, since, until)
    await proxy.record_read(who, "/api/gateway/audit", subject, action="audit.query")
    return [AuditEntry(**{**dict(r), "event_id": str(r["event_id"])}) for r in rows]


@router.get("/api/gateway/audit", response_model=AuditPage)
async def get_audit(
    request: Request,
    subject: IdText = None,
    user: IdText = None,
    since: datetime | None = Query(default=None, description="from this time (inclusive)"),
    until: datetime | None = Query(default=None, description="up to this time (exclusive)"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
    conn: asyncpg.Connection = Depends(db_conn),
) -> AuditPage:
    items = await audit_query(conn, current(request), subject, user, limit, offset, since, until)
    return AuditPage(items=items, limit=limit, offset=offset)


# --- users ---------------------------------------------------------------------------------


class UserOut(BaseModel):
    id: str
    username: str
    role: str
    disabled: bool
    created_at: datetime


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=63)
    role: Literal["recruiter", "privacy_officer", "admin"]
    password: str = Field(min_length=domain.MIN_PASSWORD, max_length=domain.MAX_PASSWORD)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=domain.MIN_PASSWORD, max_length=domain.MAX_PASSWORD)


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["recruiter", "privacy_officer", "admin"]


def actor(request: Request) -> security.Actor:
    who = current(request)
    return security.Actor(who.user_id, who.role)


def _user_problem(exc: security.UserError, field: str) -> JSONResponse:
    return JSONResponse(
        {"detail": str(exc), "errors": [{"field": field, "message": str(exc)}]}, status_code=422
    )


@router.get("/api/gateway/users", response_model=list[UserOut])
async def list_users(conn: asyncpg.Connection = Depends(db_conn)) -> list[UserOut]:
    return [UserOut(**dict(r)) for r in await store.list_users(conn)]


@router.post("/api/gateway/users", status_code=201, response_model=UserOut)
async def add_user(
    body: UserIn, request: Request, conn: asyncpg.Connection = Depends(db_conn)
) -> Any:
    try:
        await security.create_user(conn, body.username, body.role, body.password, actor(request))
    except security.UserError as exc:
        field = "password" if "password" in str(exc) else "username"
        return _user_problem(exc, field)
    row = await store.get_user_by_name(conn, body.username.strip().lower())
    assert row is not None  # created just above
    return UserOut(**{k: row[k] for k in UserOut.model_fields})


@router.post("/api/gateway/users/{username}/password", status_code=204)
async def set_user_password(
    body: PasswordIn,
    request: Request,
    username: str = Path(max_length=63),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Response:
    try:
        await security.reset_password(conn, username, body.password, actor(request))
    except security.UserError as exc:
        if exc.key == "no_user":
            raise HTTPException(status_code=404, detail="no such user") from exc
        return _user_problem(exc, "password")
    return Response(status_code=204)


@router.put("/api/gateway/users/{username}/role", response_model=UserOut)
async def set_user_role(
    body: RoleIn,
    request: Request,
    username: str = Path(max_length=63),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    """Another role for an employee; their open sessions end."""
    try:
        row = await security.change_role(conn, username, body.role, actor(request))
    except security.UserError as exc:
        return _refused(exc)
    return UserOut(**{k: row[k] for k in UserOut.model_fields})


class DisabledIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disabled: bool


@router.put("/api/gateway/users/{username}/disabled", response_model=UserOut)
async def set_user_disabled(
    body: DisabledIn,
    request: Request,
    username: str = Path(max_length=63),
    conn: asyncpg.Connection = Depends(db_conn),
) -> Any:
    """Disable an employee (no sign-in; their open sessions end at once) or enable them."""
    try:
        row = await security.set_disabled(conn, username, body.disabled, actor(request))
    except security.UserError as exc:
        return _refused(exc)
    return UserOut(**{k: row[k] for k in UserOut.model_fields})


def _refused(exc: security.UserError) -> JSONResponse:
    """An unknown user is not found; the last admin or oneself cannot be changed (conflict)."""
    if exc.key == "no_user":
        return JSONResponse({"detail": "no such user"}, status_code=404)
    return JSONResponse({"detail": str(exc)}, status_code=409)


# --- operations ----------------------------------------------------------------------------


@router.get("/api/gateway/operations")
async def get_operations() -> dict[str, Any]:
    return await operations.overview(settings)


# --- forwarding ----------------------------------------------------------------------------

FORWARD_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def _forwarder(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def forward(request: Request) -> Response:
        return await proxy.forward(request, name, settings)

    forward.__name__ = f"forward_{name}"
    return forward


for _name in domain.FORWARDED:
    router.add_api_route(
        f"/api/{_name}/{{path:path}}",
        _forwarder(_name),
        methods=FORWARD_METHODS,
        include_in_schema=False,
    )
