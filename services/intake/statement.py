"""Which privacy statement a registration may consent to: the version in force, as the
public privacy page shows it (privacy publishes the versions; the gateway's form carries the
version the candidate was shown)."""

import logging
import time
from dataclasses import dataclass

import httpx

from . import domain
from .bootstrap import service, settings

log = logging.getLogger(__name__)
FRESH_SECONDS = 60.0  # a version read this recently is trusted without asking again
RETRY_SECONDS = 1.0  # at most one question a second, however many registrations disagree


@dataclass
class _Read:
    version: str
    at: float


_last = _Read(domain.PRIVACY_STATEMENT_VERSION, -FRESH_SECONDS)


async def _read_current() -> str | None:
    try:
        resp = await service.http.get(
            f"{settings.privacy_url}/api/privacy/statements/current", timeout=3.0
        )
        resp.raise_for_status()
        return str(resp.json()["version"])
    except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        log.warning("statement version unavailable", extra={"error": type(exc).__name__})
        return None


async def is_current(version: str) -> bool:
    """Whether `version` is in force. A version other than the one last read is checked
    afresh (one published a moment ago counts at once). When privacy cannot answer, the last
    version read counts (before any, the bundled first one): registering goes on."""
    now = time.monotonic()
    if version == _last.version and now - _last.at < FRESH_SECONDS:
        return True
    if now - _last.at >= RETRY_SECONDS:
        _last.at = now  # before the wait: registrations arriving meanwhile do not ask
        found = await _read_current()
        if found is not None:
            _last.version = found
    return version == _last.version
