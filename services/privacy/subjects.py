"""Who a request is about: an email's blind index resolved by the services that hold people."""

import httpx

from .bootstrap import service, settings

# Asked in this order: a person who is both is handled as the candidate first.
LOOKUPS = (
    ("candidate", "candidates_url", "/internal/candidates/lookup", "candidate_id"),
    ("contact", "crm_url", "/internal/contacts/lookup", "contact_id"),
)


class LookupUnavailable(Exception):
    """A service could not answer: we cannot yet tell whether it holds the person."""


async def resolve(email_hash: str) -> tuple[str, str] | None:
    """(kind, subject id) of the person with this email, or None when nobody holds it."""
    for kind, url_setting, path, field in LOOKUPS:
        base = getattr(settings, url_setting)
        try:
            resp = await service.http.post(
                base + path, json={"email_hash": email_hash}, timeout=5.0
            )
        except httpx.HTTPError as exc:
            raise LookupUnavailable(kind) from exc
        if resp.status_code == 404:
            continue
        if resp.status_code != 200:
            raise LookupUnavailable(kind)
        subject = resp.json().get(field)
        if subject:
            return kind, str(subject)
    return None
