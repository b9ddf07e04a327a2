"""Who is calling: another service (its own service token) acting for an employee (forwarded
identity).

The gateway authenticates employees and enforces the role matrix; it forwards each call with
its service token and the acting user's id and role, so every service can authorise and audit.
Each service has its own token; a service knows the others' by their SHA-256 only
(SERVICE_TOKEN_HASHES) and lets each call only the routes listed for it below.
"""

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, Request

from .settings import Settings
from .topics import DATA_SERVICES

ROLES = ("recruiter", "privacy_officer", "admin")
# Who may call which service's internal routes (the route's path as declared). Anything else
# under /internal/ is refused; every other route behind the credential is the gateway's, which
# forwards employees' requests. Only the data services may ask privacy for subject keys.
INTERNAL_CALLERS: dict[str, dict[str, tuple[str, ...]]] = {
    "privacy": {
        "/internal/keys": DATA_SERVICES,
        "/internal/suppression/check": ("candidates",),
        "/internal/suppression/lookups": ("intake",),
    },
    "candidates": {
        "/internal/candidates/lookup": ("privacy",),
        "/internal/candidates/lookups": ("intake",),
        "/internal/candidates/{candidate_id}/consent/{assignment_id}": ("crm",),
        "/internal/scan": ("privacy",),
        "/internal/retention/sweep": ("gateway",),  # an operator's "now", through the gateway
    },
    "crm": {
        "/internal/contacts/lookup": ("privacy",),
        "/internal/retention/sweep": ("gateway",),  # an operator's "now", as for candidates
        "/internal/assignments/{assignment_id}": ("candidates",),
        "/internal/scan": ("privacy",),
    },
    "intake": {
        "/internal/registrations/{registration_id}/files/{file_id}": ("documents",),
        "/internal/registrations/lookup": ("privacy",),
        "/internal/scan": ("privacy",),
    },
    "documents": {"/internal/scan": ("privacy",)},
}
ANY_SERVICE = "*"  # one token shared by every service (no SERVICE_TOKEN_HASHES): no allowlist


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calling_service(settings: Settings, token: str) -> str | None:
    """The service whose token this is, or None."""
    if not token:
        return None
    if not settings.service_token_hashes:
        shared = settings.service_token
        return ANY_SERVICE if shared and hmac.compare_digest(token, shared) else None
    digest = token_hash(token)
    found = None
    for name, expected in settings.service_token_hashes.items():  # all of them: constant time
        if hmac.compare_digest(digest, expected):
            found = name
    return found


def allowed_callers(service: str, path: str) -> tuple[str, ...]:
    if path.startswith("/internal/"):
        return INTERNAL_CALLERS.get(service, {}).get(path, ())
    return ("gateway",)


@dataclass(frozen=True)
class Actor:
    user_id: str  # an employee's id, or "service:<name>" for service-to-service calls
    role: str


async def require_service(request: Request, x_service_token: str = Header(default="")) -> str:
    """The calling service, which must be one allowed to call this route."""
    settings: Settings = request.app.state.settings
    caller = calling_service(settings, x_service_token)
    if caller is None:
        raise HTTPException(status_code=401, detail="a valid service credential is required")
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    if caller != ANY_SERVICE and caller not in allowed_callers(settings.service_name, path):
        raise HTTPException(status_code=403, detail="this service may not call this route")
    return caller


async def actor(
    _: str = Depends(require_service),
    x_actor_id: str = Header(default=""),
    x_actor_role: str = Header(default=""),
) -> Actor:
    if not x_actor_id or x_actor_role not in (*ROLES, "service"):
        raise HTTPException(status_code=401, detail="the acting user is not identified")
    return Actor(x_actor_id, x_actor_role)


def role(*allowed: str):
    """Dependency factory: the acting user must have one of these roles."""

    async def check(who: Actor = Depends(actor)) -> Actor:
        if who.role not in allowed:
            raise HTTPException(status_code=403, detail="your role does not allow this")
        return who

    return check
