"""The guard in front of every route: session, role matrix, CSRF for API writes, headers.

It runs before routing, so a route cannot be added without the matrix governing it: a path
the matrix does not know is answered 404 before any route code runs.
"""

import hmac
import logging
import secrets

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import domain, security
from .bootstrap import GatewaySettings

log = logging.getLogger(__name__)

SESSION_COOKIE = "session"
PRE_CSRF_COOKIE = "csrf"  # anonymous forms (login, register, privacy): double-submit token
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
DENIED = "your role does not allow this"

# Inline SVG charts need no script; every style and script comes from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def secure_cookies(settings: GatewaySettings) -> bool:
    return settings.environment != "local"


def set_session_cookie(response: Response, settings: GatewaySettings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
        path="/",
    )


def clear_session_cookie(response: Response, settings: GatewaySettings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(settings), path="/"
    )


def session(request: Request) -> security.Session | None:
    return getattr(request.state, "session", None)


def form_csrf_token(request: Request) -> str:
    """The token a form must carry: the session's, or the anonymous double-submit cookie's."""
    current = session(request)
    if current is not None:
        return current.csrf_token
    token = request.cookies.get(PRE_CSRF_COOKIE, "")
    if not token or len(token) > 128:
        token = getattr(request.state, "new_pre_csrf", "") or secrets.token_urlsafe(24)
        request.state.new_pre_csrf = token  # the guard sets the cookie on the way out
    return token


def csrf_ok(request: Request, submitted: str) -> bool:
    current = session(request)
    expected = current.csrf_token if current else request.cookies.get(PRE_CSRF_COOKIE, "")
    return bool(expected and submitted) and hmac.compare_digest(
        submitted.encode(), expected.encode()
    )


def _problem(request: Request, status: int, detail: str) -> Response:
    if is_api(request.url.path) or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": detail}, status_code=status)
    from .pages import render_problem  # pages import this module; resolve at call time

    return render_problem(request, status, detail)


def metrics_allowed(request: Request, settings: GatewaySettings) -> bool:
    """Local runs: anyone. Production: the bearer of METRICS_TOKEN (Prometheus), else nobody;
    the front door need not tell the world its traffic and error rates."""
    if not settings.production:
        return True
    offered = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
    expected = settings.metrics_token.encode()
    return bool(expected) and hmac.compare_digest(offered, expected)


def install(app: FastAPI, settings: GatewaySettings) -> None:
    app.add_middleware(Guard, settings=settings)


class Guard:
    """Plain ASGI middleware (Starlette's BaseHTTPMiddleware costs a task group and memory
    streams per request, a good part of the gateway's CPU for each proxied upload)."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        refused = await _decide(request, self.settings)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._headers(request, MutableHeaders(scope=message))
            await send(message)

        await (refused or self.app)(scope, receive, with_headers)

    def _headers(self, request: Request, headers: MutableHeaders) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if session(request) is not None or is_api(request.url.path):
            headers.setdefault("Cache-Control", "no-store")
        if secure_cookies(self.settings):  # served over TLS outside local runs
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        pre = getattr(request.state, "new_pre_csrf", "")
        if pre:  # a page form made an anonymous CSRF token: it goes out as a cookie
            cookie = Response()
            cookie.set_cookie(
                PRE_CSRF_COOKIE,
                pre,
                httponly=True,
                samesite="strict",
                secure=secure_cookies(self.settings),
                path="/",
            )
            headers.append("set-cookie", cookie.headers["set-cookie"])


async def _decide(request: Request, settings: GatewaySettings) -> Response | None:
    """The answer that stops this request here, or None to let it through."""
    path, method = request.url.path, request.method
    request.state.session = None
    if not domain.safe_path(path):
        return _problem(request, 400, "this path is not allowed")
    rule = domain.rule_for(method, path)
    if rule is None or (path == "/metrics" and not metrics_allowed(request, settings)):
        return _problem(request, 404, "not found")
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        async with request.app.state.pool.acquire() as conn:
            request.state.session = await security.session_for(
                conn, token, settings.session_idle_minutes
            )
    current = session(request)
    if rule.public:
        return None
    if current is None:
        if not is_api(path) and method == "GET":
            return RedirectResponse("/login", status_code=303)
        return _problem(request, 401, "please sign in first")
    if not domain.allows(rule, current.role):
        log.info("access denied", extra={"user": current.user_id, "role": current.role})
        return _problem(request, 403, DENIED)
    # Page forms check their token in the route (it is in the form body); API writes here.
    if is_api(path) and method not in domain.SAFE_METHODS:
        if not csrf_ok(request, request.headers.get(CSRF_HEADER, "")):
            return _problem(request, 403, "the CSRF token is missing or wrong")
    return None
