"""Forwarding /api/<service>/... to the services, with the service credential and the acting
employee's identity; bodies stream both ways. Also the small client the pages use."""

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from services.common import audit

from . import domain
from .bootstrap import GatewaySettings, service
from .security import Session

log = logging.getLogger(__name__)

# Only what a service needs to understand the request; never the employee's cookies.
REQUEST_HEADERS = ("content-type", "content-length", "accept", "accept-language")
RESPONSE_HEADERS = (
    "content-type",
    "content-length",
    "content-disposition",
    "cache-control",
    "etag",
    "last-modified",
    "retry-after",
    # A file served inline says itself what may run and who may frame it (documents, intake).
    "content-security-policy",
    "x-frame-options",
)


_client: httpx.AsyncClient | None = None


def client(settings: GatewaySettings) -> httpx.AsyncClient:
    global _client
    if _client is None:
        t = settings.upstream_timeout_seconds
        _client = httpx.AsyncClient(
            timeout=httpx.Timeout(t, connect=5.0, pool=5.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=False,
        )
    return _client


def base_url(settings: GatewaySettings, name: str) -> str:
    return str(getattr(settings, f"{name}_url")).rstrip("/")


def identity(settings: GatewaySettings, who: Session | None) -> dict[str, str]:
    """The service credential, plus the employee on whose behalf we call (none when public)."""
    headers = {"X-Service-Token": settings.service_token}
    if who is not None:
        headers |= {"X-Actor-Id": who.user_id, "X-Actor-Role": who.role}
    return headers


def client_address(request: Request) -> dict[str, str]:
    """The caller's address for the services' rate limits. The gateway is the edge: whatever
    X-Forwarded-For the caller sent is replaced, never passed on."""
    return {"X-Forwarded-For": request.client.host if request.client else "unknown"}


async def record_read(who: Session, path: str, subject: str | None, action: str = "read") -> None:
    """An ops.audit event: who read what of whom; ids only, through the outbox."""
    async with service.pool.acquire() as conn, conn.transaction():
        await audit.record_read(conn, "gateway", who.user_id, who.role, action, path, subject)


def _unavailable(name: str, exc: Exception) -> JSONResponse:
    if isinstance(exc, httpx.TimeoutException):
        log.warning("upstream timeout", extra={"upstream": name})
        return JSONResponse(
            {"detail": f"the {name} service did not answer in time; please try again"},
            status_code=504,
        )
    log.warning("upstream unreachable", extra={"upstream": name, "error": type(exc).__name__})
    return JSONResponse(
        {"detail": f"the {name} service is not reachable at the moment"}, status_code=502
    )


async def forward(request: Request, name: str, settings: GatewaySettings) -> Response:
    """The route behind /api/<service>/...: the guard has already applied the matrix."""
    who: Session | None = request.state.session
    rule = domain.rule_for(request.method, request.url.path)
    if rule is not None and rule.public:
        who = None  # public routes are served anonymously, whoever is signed in
    raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    url = base_url(settings, name) + raw_path
    query = request.url.query
    headers = {h: request.headers[h] for h in REQUEST_HEADERS if h in request.headers}
    headers |= identity(settings, who) | client_address(request)
    has_body = request.method in ("POST", "PUT", "PATCH", "DELETE")
    http = client(settings)
    upstream = http.build_request(
        request.method,
        url,
        params=httpx.QueryParams(query) if query else None,
        headers=headers,
        # Size-limited while it streams by the BodyLimit in front of every route (main.py).
        content=request.stream() if has_body else None,
    )
    try:
        resp = await http.send(upstream, stream=True)
    except httpx.HTTPError as exc:
        return _unavailable(name, exc)
    if who is not None and resp.status_code < 300:
        action, subject = domain.audited_read(request.method, request.url.path)
        if action:
            await record_read(who, request.url.path, subject, action)
    out = {h: resp.headers[h] for h in RESPONSE_HEADERS if h in resp.headers}
    return StreamingResponse(
        resp.aiter_raw(),
        status_code=resp.status_code,
        headers=out,
        background=BackgroundTask(resp.aclose),
    )


@dataclass
class Reply:
    """What a service answered a page's call: status and JSON (or None)."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def missing(self) -> bool:
        """The route does not exist (yet), or the service is down: the page says so."""
        return self.status in (404, 405, 501, 502, 503, 504) and not self.detail_is_item()

    def detail_is_item(self) -> bool:
        return isinstance(self.body, dict) and str(self.body.get("detail", "")).startswith("no ")

    @property
    def errors(self) -> list[dict[str, str]]:
        if isinstance(self.body, dict) and isinstance(self.body.get("errors"), list):
            return [e for e in self.body["errors"] if isinstance(e, dict)]
        return []

    @property
    def detail(self) -> str:
        if isinstance(self.body, dict) and isinstance(self.body.get("detail"), str):
            return self.body["detail"]
        return ""


async def call(
    request: Request,
    name: str,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    params: dict[str, Any] | None = None,
    files: Any = None,
    data: Any = None,
    anonymous: bool = False,
) -> Reply:
    """A page's call to a service, on behalf of the signed-in employee, audited like a
    forwarded one; transport failures become a Reply the page can show."""
    settings: GatewaySettings = request.app.state.settings
    who: Session | None = None if anonymous else request.state.session
    try:
        resp = await client(settings).request(
            method,
            base_url(settings, name) + path,
            json=json_body,
            params=params,
            files=files,
            data=data,
            headers=identity(settings, who) | client_address(request),
        )
    except httpx.HTTPError as exc:
        failed = _unavailable(name, exc)
        return Reply(failed.status_code, json.loads(bytes(failed.body)))
    try:
        body = resp.json() if resp.content else None
    except ValueError:
        body = None
    if who is not None and resp.is_success:
        action, subject = domain.audited_read(method, path)
        if action:
            await record_read(who, path, subject, action)
    return Reply(resp.status_code, body)
