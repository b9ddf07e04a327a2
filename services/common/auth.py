"""Who is calling: another service (service token) acting for an employee (forwarded identity).

The gateway authenticates employees and enforces the role matrix; it forwards each call with
the service token and the acting user's id and role, so every service can authorise and audit.
"""

import hmac
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, Request

ROLES = ("recruiter", "privacy_officer", "admin")


@dataclass(frozen=True)
class Actor:
    user_id: str  # an employee's id, or "service:<name>" for service-to-service calls
    role: str


async def require_service(request: Request, x_service_token: str = Header(default="")) -> None:
    expected = request.app.state.settings.service_token
    if not expected or not hmac.compare_digest(x_service_token, expected):
        raise HTTPException(status_code=401, detail="a valid service credential is required")


async def actor(
    _: None = Depends(require_service),
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
