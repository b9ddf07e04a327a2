"""The candidates service's word on consent: crm never takes the caller's."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import httpx


class ConsentUnknown(Exception):
    """The candidates service could not be asked; the proposal must wait, not pass."""


@dataclass(frozen=True)
class Consent:
    given: bool
    checked_at: datetime | None


async def check(
    http: httpx.AsyncClient, candidates_url: str, candidate_id: UUID, assignment_id: UUID
) -> Consent:
    """Consent recorded by the candidates service for this candidate and this assignment.

    404 (no such candidate) and 410 (erased) mean: no consent.
    """
    url = f"{candidates_url}/internal/candidates/{candidate_id}/consent/{assignment_id}"
    try:
        resp = await http.get(url, timeout=5.0)  # the service's client: carries its token
    except httpx.HTTPError as exc:
        raise ConsentUnknown(type(exc).__name__) from exc
    if resp.status_code in (404, 410):
        return Consent(False, None)
    if resp.status_code != 200:
        raise ConsentUnknown(f"candidates answered {resp.status_code}")
    try:
        body = resp.json()
        checked = body.get("checked_at")
        return Consent(
            body.get("consent") is True, datetime.fromisoformat(checked) if checked else None
        )
    except (ValueError, AttributeError, TypeError) as exc:
        raise ConsentUnknown("unreadable consent answer") from exc
