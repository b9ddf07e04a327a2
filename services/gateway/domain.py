"""Gateway rules without I/O: the role matrix, lockout, passwords, which reads are audited.

THE ROLE MATRIX lives here and nowhere else. Every request the gateway receives is checked
against it before any route runs (main.py); a path with no rule is not found. Services check
the role again on their side (services.common.auth.role).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

PUBLIC: Final = "public"
RECRUITER, PRIVACY_OFFICER, ADMIN = "recruiter", "privacy_officer", "admin"
ROLES: Final = (RECRUITER, PRIVACY_OFFICER, ADMIN)
EMPLOYEES: Final = ROLES

READ = frozenset({"GET", "HEAD"})
WRITE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANY = READ | WRITE
POST = frozenset({"POST"})
SAFE_METHODS = READ | {"OPTIONS"}

# Services the gateway forwards /api/<name>/... to.
FORWARDED = ("intake", "candidates", "crm", "documents", "privacy")


@dataclass(frozen=True)
class Rule:
    methods: frozenset[str]
    pattern: str  # "/a/{id}/b": {..} is one segment; a trailing "/**" is anything below
    roles: tuple[str, ...]  # or (PUBLIC,)

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and _compile(self.pattern).fullmatch(path) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    tail = pattern.endswith("/**")
    base = pattern[:-3] if tail else pattern
    rx = re.sub(r"\\\{[a-z_]+\\\}", r"[^/]+", re.escape(base))
    return re.compile(rx + ("(?:/.*)?" if tail else "/?"))


def _r(methods: frozenset[str], pattern: str, *roles: str) -> Rule:
    return Rule(methods, pattern, roles)


# First match wins, so specific rules come before the prefix they refine.
MATRIX: tuple[Rule, ...] = (
    # Public: the candidate's side of the front door, and the plumbing.
    _r(READ, "/", PUBLIC),
    _r(READ, "/healthz", PUBLIC),
    _r(READ, "/metrics", PUBLIC),
    _r(READ, "/static/**", PUBLIC),
    _r(READ, "/lang/{code}", PUBLIC),
    _r(READ | POST, "/login", PUBLIC),
    _r(READ | POST, "/register", PUBLIC),
    # The link mailed to a known address to confirm a registration: the token is the credential.
    _r(READ | POST, "/register/confirm/{id}/{token}", PUBLIC),
    _r(READ | POST, "/privacy", PUBLIC),
    _r(READ, "/privacy/versions/**", PUBLIC),  # the statement's versions, earlier ones too
    _r(POST, "/privacy/{form}", PUBLIC),
    # The consent-renewal link from the retention mail: the token is the credential.
    _r(READ | POST, "/privacy/renew/{token}", PUBLIC),
    # The download link from a self-service access request's completion mail, alike.
    _r(READ, "/privacy/export/{id}/{token}", PUBLIC),
    _r(READ | POST, "/api/candidates/renewal/{token}", PUBLIC),
    _r(POST, "/api/auth/login", PUBLIC),
    _r(POST, "/api/intake/registrations", PUBLIC),
    _r(READ, "/api/intake/registrations/{id}", PUBLIC),
    _r(POST, "/api/intake/registrations/{id}/confirm", PUBLIC),
    _r(POST, "/api/intake/registrations/{id}/preview", PUBLIC),
    _r(ANY, "/api/privacy/self-service/**", PUBLIC),
    _r(READ, "/api/privacy/statements/**", PUBLIC),
    _r(READ, "/api/intake/criteria", PUBLIC),
    # Every employee: who am I, sign out, the start page.
    _r(READ, "/home", *EMPLOYEES),
    _r(POST, "/logout", *EMPLOYEES),
    _r(POST, "/api/auth/logout", *EMPLOYEES),
    _r(READ, "/api/auth/me", *EMPLOYEES),
    _r(READ | POST, "/account/password", *EMPLOYEES),
    # Privacy officer: who is asked to renew consent (before the recruiters' /api/candidates).
    _r(READ, "/retention", PRIVACY_OFFICER),
    _r(READ, "/api/candidates/retention", PRIVACY_OFFICER),
    # Recruiters: candidates, documents, the intake review queue, business relations.
    _r(READ | POST, "/candidates/**", RECRUITER),
    _r(READ | POST, "/intake/**", RECRUITER),
    _r(READ | POST, "/crm/**", RECRUITER),
    _r(ANY, "/api/candidates/**", RECRUITER),
    _r(ANY, "/api/documents/**", RECRUITER),
    _r(ANY, "/api/intake/**", RECRUITER),
    _r(ANY, "/api/crm/**", RECRUITER),
    # Privacy officer: requests, certificates, scans, the breach register.
    _r(READ | POST, "/requests/**", PRIVACY_OFFICER),
    _r(READ | POST, "/breaches/**", PRIVACY_OFFICER),
    _r(READ | POST, "/complaints/**", PRIVACY_OFFICER),
    _r(READ | POST, "/registers/**", PRIVACY_OFFICER),
    _r(READ | POST, "/statements/**", PRIVACY_OFFICER),
    _r(ANY, "/api/privacy/**", PRIVACY_OFFICER),
    # Who read what: the admin, and the privacy officer investigating a complaint or breach.
    _r(READ | POST, "/audit", ADMIN, PRIVACY_OFFICER),
    _r(POST, "/audit/export", ADMIN, PRIVACY_OFFICER),
    _r(READ, "/api/gateway/audit", ADMIN, PRIVACY_OFFICER),
    # Admin: users and operations; no access to candidates' personal data.
    _r(READ | POST, "/users/**", ADMIN),
    _r(ANY, "/api/gateway/users/**", ADMIN),
    _r(READ, "/operations", ADMIN),
    _r(POST, "/operations/replay", ADMIN),
    _r(READ, "/api/gateway/operations", ADMIN),
    # Alerts: each role acknowledges and closes its own (gateway/alerts.py).
    _r(POST, "/alerts/{id}/{action}", ADMIN, PRIVACY_OFFICER),
)


def rule_for(method: str, path: str) -> Rule | None:
    """The rule that governs this request; None means the gateway does not serve it."""
    method = "GET" if method == "HEAD" else method
    return next((r for r in MATRIX if r.matches(method, path)), None)


def allows(rule: Rule, role: str | None) -> bool:
    return rule.public or (role is not None and role in rule.roles)


# Where files are sent (up to max_upload_bytes); every other body gets max_body_bytes. An
# entry ending in "/" is a prefix.
UPLOAD_PATHS: Final = (
    "/register",
    "/api/intake/registrations",
    "/api/documents/candidates/",
    "/candidates/files/",
)


def forward_target(path: str) -> str | None:
    """The service behind /api/<service>/..., or None."""
    parts = path.split("/", 3)
    if len(parts) >= 3 and parts[1] == "api" and parts[2] in FORWARDED:
        return parts[2]
    return None


def safe_path(path: str) -> bool:
    """No dot segments or backslashes: what the matrix sees is what the service gets."""
    return "\\" not in path and not any(seg in (".", "..") for seg in path.split("/"))


HOME = {RECRUITER: "/candidates", PRIVACY_OFFICER: "/requests", ADMIN: "/operations"}

# --- Sign-in rules -------------------------------------------------------------------------

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # argon2 hashes anything, but nobody needs a megabyte password
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")


@dataclass(frozen=True)
class Throttle:
    """Limits on failed sign-ins (the gateway's settings). A name is never locked: whoever
    guesses wrong from one address waits there, others sign in as usual."""

    window: timedelta  # a failure counts this long, then decays (and its row is purged)
    free_failures: int  # failures of one name from one address before the back-off begins
    backoff: timedelta  # the first wait, doubled with every further failure ...
    backoff_max: timedelta  # ... up to this
    client_failures: int  # failures from one address (any names) in the window
    global_failures: int  # failures everywhere in the window: a flood from many addresses


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins still in the window, not counting the attempt being decided."""

    pair: int  # this name from this address
    pair_last: datetime | None
    client: int  # any name from this address
    client_oldest: datetime | None
    client_last: datetime | None
    total: int  # any name from anywhere


def sign_in_wait(limits: Throttle, failures: Failures, now: datetime) -> timedelta | None:
    """How long this attempt must wait before its password is even checked; None: go on."""
    waits = []
    if failures.pair >= limits.free_failures and failures.pair_last is not None:
        doublings = min(failures.pair - limits.free_failures, 30)
        step = min(limits.backoff * 2**doublings, limits.backoff_max)
        waits.append(failures.pair_last + step - now)
    if failures.client >= limits.client_failures and failures.client_oldest is not None:
        waits.append(failures.client_oldest + limits.window - now)
    # In a flood, addresses that failed recently wait; those that did not still get in.
    if failures.total >= limits.global_failures and failures.client_last is not None:
        waits.append(failures.client_last + limits.backoff_max - now)
    wait = max(waits, default=timedelta(0))
    return wait if wait > timedelta(0) else None


# Each problem has a key (pages show it in the reader's language, i18n `user_err_<key>`) and
# the English message the API and the command line give.
PASSWORD_PROBLEMS: Final = {
    "password_short": f"the password needs at least {MIN_PASSWORD} characters",
    "password_long": f"the password may have at most {MAX_PASSWORD} characters",
    "password_repetitive": "the password is too repetitive",
}
USERNAME_PROBLEM: Final = "use 2-63 lower-case letters, digits, '.', '_' or '-'"


def password_fault(password: str) -> str | None:
    """The key of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD:
        return "password_short"
    if len(password) > MAX_PASSWORD:
        return "password_long"
    if len(set(password)) < 5:
        return "password_repetitive"
    return None


def password_problem(password: str) -> str | None:
    fault = password_fault(password)
    return PASSWORD_PROBLEMS[fault] if fault else None


def username_problem(name: str) -> str | None:
    if not USERNAME.fullmatch(name):
        return USERNAME_PROBLEM
    return None


# --- Audit ---------------------------------------------------------------------------------

# Forwarded reads of personal data whose service does not record its own audit event
# (candidates and documents do, per docs/contracts.md; crm, privacy exports and intake's
# review queue do not): (pattern, index of the path segment that is the subject id, or None,
# the audit action).
AUDITED_READS: tuple[tuple[str, int | None, str], ...] = (
    ("/api/crm/contacts/{id}", 4, "read"),
    ("/api/crm/contacts/{id}/**", 4, "read"),
    ("/api/crm/organisations/{id}", None, "read"),  # lists the organisation's contact persons
    ("/api/privacy/requests/{id}/export", None, "read"),
    # Registrations waiting for a recruiter, and their CVs and photos.
    ("/api/intake/review", None, "intake.review.read"),
    ("/api/intake/review/**", None, "intake.review.read"),
)


def audited_read(method: str, path: str) -> tuple[str | None, str | None]:
    """The audit action if this is a read of personal data (else None), and whose (subject
    id) if the path says so."""
    if method not in READ:
        return None, None
    for pattern, seg, action in AUDITED_READS:
        if _compile(pattern).fullmatch(path):
            parts = path.split("/")
            return action, (parts[seg] if seg is not None and seg < len(parts) else None)
    return None, None
