"""Candidate rules without I/O: the profile's shape, what search indexes, experience and
education for the filters, rectification of one field, what a client export may show, and
retention (what counts as activity, when consent is asked again, when a profile lapses)."""

import copy
import datetime as dt
import hashlib
import itertools
import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError

from services.common.keys import blind_index
from services.common.mail import safe_name

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5_000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Items = 100  # longest list a profile section may hold


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Address(_Part):
    street: Short | None = None
    house_number: Short | None = None
    postcode: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] | None = None
    city: Short | None = None
    country: Short | None = None


class Education(_Part):
    level: Short | None = None
    institution: Short | None = None
    programme: Short | None = None
    start: date | None = None
    end: date | None = None
    completed: bool | None = None


class Internship(_Part):
    organisation: Short | None = None
    role: Short | None = None
    start: date | None = None
    end: date | None = None
    description: Text | None = None


class WorkExperience(_Part):
    employer: Short | None = None
    role: Short | None = None
    start: date | None = None
    end: date | None = None
    description: Text | None = None


class Training(_Part):
    name: Short
    provider: Short | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class TestResult(_Part):
    name: Short
    result: Short | None = None
    date: dt.date | None = None


class Availability(_Part):
    available_from: date | None = None
    hours_per_week: int | None = Field(default=None, ge=0, le=80)
    regions: list[Short] = Field(default_factory=list, max_length=20)


class Leave(_Part):
    start: date
    end: date | None = None
    reason: Short | None = None


class Reference(_Part):
    name: Short | None = None
    organisation: Short | None = None
    relation: Short | None = None
    email: EmailStr | None = None
    phone: Short | None = None


class Testimonial(_Part):
    author: Short | None = None
    organisation: Short | None = None
    date: dt.date | None = None
    text: Text


class Profile(BaseModel):
    """Every field the privacy statement lists. Extra fields from the registration form are
    kept (intake may add fields), so nothing the candidate entered is silently dropped."""

    model_config = ConfigDict(extra="allow")

    first_name: Name
    last_name: Name
    email: EmailStr
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    address: Address | None = None
    birth_date: date | None = None
    birth_place: Short | None = None
    gender: Short | None = None
    functions_sought: list[Code] = Field(default_factory=list, max_length=20)
    education: list[Education] = Field(default_factory=list, max_length=Items)
    internships: list[Internship] = Field(default_factory=list, max_length=Items)
    work_experience: list[WorkExperience] = Field(default_factory=list, max_length=Items)
    trainings: list[Training] = Field(default_factory=list, max_length=Items)
    tests: list[TestResult] = Field(default_factory=list, max_length=Items)
    languages: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=30
    )
    work_permit_nl: bool | None = None
    availability: Availability | None = None
    leave: list[Leave] = Field(default_factory=list, max_length=Items)
    references: list[Reference] = Field(default_factory=list, max_length=Items)
    testimonials: list[Testimonial] = Field(default_factory=list, max_length=Items)
    consent: dict[str, Any] | None = None  # the registration's privacy-statement consent


# Fields of the hand-off that are not profile data: identifiers' hashes travel as columns,
# original file names belong to documents.
HANDOFF_ONLY = ("email_hash", "phone_hash", "original_names")
# Fields a recruiter may not change: consent is the candidate's own statement.
NOT_EDITABLE = ("consent",)


def loads(raw: str | dict[str, Any]) -> dict[str, Any]:
    """A stored profile (jsonb arrives as text) as a dict."""
    return json.loads(raw) if isinstance(raw, str) else raw


def profile_from_registration(fields: dict[str, Any]) -> dict[str, Any]:
    """The profile as stored (JSON-ready) from the sealed fields of `registration.accepted`."""
    data = {k: v for k, v in fields.items() if k not in HANDOFF_ONLY}
    return Profile.model_validate(data).model_dump(mode="json", exclude_unset=True)


def validate_profile(profile: dict[str, Any]) -> dict[str, Any]:
    return Profile.model_validate(profile).model_dump(mode="json", exclude_unset=True)


# --- search -------------------------------------------------------------------------------

# Dutch labels of function types, so "directiesecretaresse" finds executive_secretary.
FUNCTION_LABELS: dict[str, str] = {
    "personal_assistant": "personal assistant persoonlijk assistent assistente",
    "office_manager": "office manager officemanager kantoormanager",
    "executive_secretary": "directiesecretaresse directiesecretaris executive secretary"
    " secretaresse",
    "management_assistant": "management assistant managementassistent managementassistente"
    " assistente",
    "management_support": "management ondersteuner managementondersteuning ondersteuning",
    "secretary": "secretaresse secretaris secretary",
}

EDUCATION_RANK: dict[str, int] = {
    "vmbo": 1,
    "mbo": 2,
    "havo": 2,
    "vwo": 3,
    "hbo": 4,
    "bachelor": 4,
    "wo": 5,
    "master": 5,
}
EducationLevel = Literal["vmbo", "mbo", "havo", "vwo", "hbo", "bachelor", "wo", "master"]
LEVEL_LABEL = {1: "vmbo", 2: "mbo", 3: "vwo", 4: "hbo", 5: "wo"}

CV_TEXT_LIMIT = 200_000  # characters; a tsvector must stay under 1 MB


def search_texts(profile: dict[str, Any]) -> tuple[str, str]:
    """(weight A, weight B) text for the Dutch full-text index.

    A: what a recruiter searches for first: names, functions sought, roles held.
    B: the rest of the career: descriptions, education, trainings, tests, place, regions.
    CV text is indexed separately (weight C) as it arrives from documents.
    """
    a = [profile.get("first_name") or "", profile.get("last_name") or ""]
    for code in profile.get("functions_sought") or []:
        a.append(FUNCTION_LABELS.get(code) or code.replace("_", " "))
    for job in profile.get("work_experience") or []:
        a.append(job.get("role") or "")
    b: list[str] = []
    for job in profile.get("work_experience") or []:
        b += [job.get("employer") or "", job.get("description") or ""]
    for stage in profile.get("internships") or []:
        b += [stage.get(k) or "" for k in ("organisation", "role", "description")]
    for edu in profile.get("education") or []:
        b += [edu.get(k) or "" for k in ("level", "institution", "programme")]
    for item in (profile.get("trainings") or []) + (profile.get("tests") or []):
        b += [item.get("name") or "", item.get("provider") or ""]
    address = profile.get("address") or {}
    b.append(address.get("city") or "")
    b += (profile.get("availability") or {}).get("regions") or []
    return " ".join(x for x in a if x), " ".join(x for x in b if x)


# A tsquery operand as PostgreSQL prints it: a quoted lexeme, optionally negated; and a
# negated group (websearch syntax makes one of a quoted phrase: -"raad van bestuur").
_OPERAND = re.compile(r"(!?)('(?:[^'\\]|''|\\.)*')")
_NEGATED_GROUP = re.compile(r"!\s*\([^()]*\)")
# A level "at least k of the words" is an OR of every k words; a level that would need more
# combinations than this is left out (its candidates fall to the next level down).
LEVEL_COMBINATIONS = 10


def query_words(tsquery: str) -> list[str]:
    """The distinct words (quoted lexemes as printed) a query asks for, negated ones left out."""
    asked = _NEGATED_GROUP.sub("", tsquery)
    return list(dict.fromkeys(m[2] for m in _OPERAND.finditer(asked) if not m[1]))


def relevance_levels(tsquery: str) -> list[tuple[str | None, str | None, float]]:
    """Search relevance, best first: (the rank vector holds at least these words, but not
    those of the level above, rank) per level, as tsquery texts. A candidate's rank is the
    share of the query's words found in their names, functions and roles (weight A); the
    last level (rank 0) has the candidates who match only elsewhere (descriptions,
    education, CV)."""
    words = query_words(tsquery)
    n = len(words)
    out: list[tuple[str | None, str | None, float]] = []
    above = None
    for k in range(n, 0, -1):
        if k not in (1, n) and math.comb(n, k) > LEVEL_COMBINATIONS:
            continue
        holds = " | ".join(f"( {' & '.join(c)} )" for c in itertools.combinations(words, k))
        out.append((holds, above, k / n))
        above = holds
    out.append((None, above, 0.0))
    return out


@dataclass(frozen=True)
class Derived:
    """Columns computed from the profile for lookups, filters and search."""

    email_hash: str
    phone_hash: str | None
    function_types: list[str]
    regions: list[str]
    postcode_area: str | None
    available_from: date | None
    experience_months: int
    experience_running: date | None
    education_rank: int
    text_a: str
    text_b: str


def derive(profile: dict[str, Any], index_key: str, today: date) -> Derived:
    """Blind indexes (keyed hashes, never the plaintext) and the search columns."""
    phone = profile.get("phone")
    months, running = experience(profile, today)
    text_a, text_b = search_texts(profile)
    availability = profile.get("availability") or {}
    return Derived(
        email_hash=blind_index(index_key, "email", profile["email"]),
        phone_hash=blind_index(index_key, "phone", phone) if phone else None,
        function_types=list(profile.get("functions_sought") or []),
        regions=sorted({r.strip().lower() for r in availability.get("regions") or []}),
        postcode_area=postcode_area(profile),
        available_from=_as_date(availability.get("available_from")),
        experience_months=months,
        experience_running=running,
        education_rank=education_rank(profile),
        text_a=text_a,
        text_b=text_b,
    )


def postcode_area(profile: dict[str, Any]) -> str | None:
    """The four digits of a Dutch postcode ("1015 CJ" -> "1015"), None if there are none."""
    raw = ((profile.get("address") or {}).get("postcode") or "").replace(" ", "")
    return raw[:4] if len(raw) >= 4 and raw[:4].isdigit() else None


def education_rank(profile: dict[str, Any]) -> int:
    """Highest level completed (or in progress when 'completed' is not said to be false)."""
    ranks = [
        EDUCATION_RANK.get(str(e.get("level") or "").strip().lower(), 0)
        for e in profile.get("education") or []
        if e.get("completed") is not False
    ]
    return max(ranks, default=0)


def experience(profile: dict[str, Any], today: date) -> tuple[int, date | None]:
    """(months in finished periods, start of the period still running) with overlaps merged,
    so years of experience stay right as time passes without rewriting the row."""
    periods: list[tuple[date, date | None]] = []
    for job in profile.get("work_experience") or []:
        start = _as_date(job.get("start"))
        end = _as_date(job.get("end"))
        if start is None or start > today or (end is not None and end < start):
            continue
        periods.append((start, None if end is None or end >= today else end))
    periods.sort(key=lambda p: p[0])
    merged: list[list[date | None]] = []
    for start, end in periods:
        if merged:
            last_end = merged[-1][1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1][1] = end
                continue
        merged.append([start, end])
    months, running = 0, None
    for start, end in merged:
        assert start is not None
        if end is None:
            running = start
        else:
            months += months_between(start, end)
    return months, running


def months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def years_of_experience(months: int, running_since: date | None, today: date) -> int:
    if running_since is not None:
        months += months_between(running_since, today)
    return months // 12


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# --- rectification ------------------------------------------------------------------------


class Rejected(Exception):
    """A correction that names no field of the profile or gives an invalid value."""


def rectify(profile: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the profile with one field (dotted path, list items by index) corrected.

    The result is validated as a whole; the caller stores it in place, so the old value
    is gone rather than kept in a history.
    """
    parts = path.split(".")
    if not path or parts[0] not in Profile.model_fields or parts[0] in NOT_EDITABLE:
        raise Rejected(path)
    updated = copy.deepcopy(profile)
    node: Any = updated
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise Rejected(path)
            key: Any = int(part)
        elif isinstance(node, dict):
            key = part
            if not last and node.get(key) is None:
                node[key] = {}
        else:
            raise Rejected(path)
        if last:
            node[key] = value
        else:
            node = node[key]
    try:
        return validate_profile(updated)
    except ValidationError as exc:
        raise Rejected(path) from exc


# --- client export ------------------------------------------------------------------------

# What a candidate can agree to share with a client, and the profile fields behind each.
SHAREABLE: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "last_name"),
    "contact": ("email", "phone"),
    "address": ("address",),
    "birth": ("birth_date", "birth_place", "gender"),
    "education": ("education",),
    "internships": ("internships",),
    "work_experience": ("work_experience",),
    "trainings": ("trainings", "tests"),
    "languages": ("languages",),
    "availability": ("availability", "leave"),
    "references": ("references", "testimonials"),
}
ShareSection = Literal[
    "name",
    "contact",
    "address",
    "birth",
    "education",
    "internships",
    "work_experience",
    "trainings",
    "languages",
    "availability",
    "references",
]


def client_export(
    candidate_id: str, profile: dict[str, Any], sections: list[str]
) -> dict[str, Any]:
    """Only the sections the candidate agreed to share; nothing else leaves the agency."""
    out: dict[str, Any] = {"candidate_ref": candidate_id}
    for section in sections:
        for field in SHAREABLE.get(section, ()):
            if profile.get(field) is not None:
                out[field] = profile[field]
    return out


# --- retention ------------------------------------------------------------------------------

# Activity: the candidate's own acts (registering, renewing consent, having data corrected) and
# contact made on their behalf (a profile change, a conversation note, a placement step or
# check, sharing with a client, a new CV). Reads and searches by recruiters are not activity.
ACTIVITY = frozenset(
    {
        "profile.created",
        "profile.updated",
        "profile.rectified",
        "profile.reactivated",
        "note.added",
        "placement.updated",
        "placement.checked",
        "profile.shared",
        "cv.indexed",
        "consent.renewed",
    }
)


# crm's events about a candidate (subject = candidate id) that are activity too.
CRM_ACTIVITY = frozenset({"proposal.recorded", "placement.recorded"})


def is_activity(event_type: str) -> bool:
    return event_type in ACTIVITY


@dataclass(frozen=True)
class RetentionPolicy:
    inactive: timedelta  # no activity this long: ask to renew consent
    grace: timedelta  # no renewal this long after asking: erase
    reminder: timedelta = timedelta(0)  # remind this long before the erasure; 0: never

    def asked_if_inactive_since(self, now: datetime) -> datetime:
        """Candidates whose last activity lies before this moment are asked to renew."""
        return now - self.inactive

    def lapsed_if_asked_before(self, now: datetime) -> datetime:
        """A renewal cycle that started before this moment has lapsed."""
        return now - self.grace

    def erasure_on(self, renewal_started_at: datetime) -> datetime:
        return renewal_started_at + self.grace

    def remind_if_asked_before(self, now: datetime) -> datetime | None:
        """A running cycle that started before this moment is due for its reminder."""
        if not timedelta(0) < self.reminder < self.grace:
            return None
        return now - (self.grace - self.reminder)


TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def new_renewal_token() -> tuple[str, str]:
    """(token for the link, hash to store): the token itself is never stored."""
    token = secrets.token_urlsafe(32)
    return token, renewal_token_hash(token)


def renewal_token_hash(token: str) -> str:
    return hashlib.sha256(b"renewal:" + token.encode()).hexdigest()


def token_problem(
    used_at: datetime | None, expires_at: datetime, closed: bool, now: datetime
) -> tuple[int, str] | None:
    """Why a renewal link cannot be used now, as (HTTP status, message for the candidate)."""
    if used_at is not None:
        return 409, "Deze link is al gebruikt. Elke link werkt maar één keer."
    if closed:
        return 410, "Deze link werkt niet meer: je gegevens worden verwijderd."
    if expires_at <= now:
        return 410, "Deze link is verlopen."
    return None


def renewal_mail(first_name: str | None, link: str, erasure_on: date) -> tuple[str, str]:
    """(subject, body) of the consent-renewal mail; Dutch, as candidates read it."""
    when = erasure_on.strftime("%d-%m-%Y")
    greeting = f"Beste {safe_name(first_name) or 'kandidaat'},"
    body = (
        f"{greeting}\n\n"
        "Je staat ingeschreven bij Allegro Talent, maar we hebben al lange tijd geen contact\n"
        "met je gehad. We bewaren je gegevens alleen zolang je bemiddeld wilt worden.\n\n"
        f"Wil je ingeschreven blijven? Bevestig dat dan vóór {when} via deze link:\n\n"
        f"{link}\n\n"
        "Op dezelfde pagina kun je ons ook vragen al je gegevens meteen te verwijderen.\n\n"
        f"Horen we vóór {when} niets van je, dan verwijderen we al je gegevens en benaderen\n"
        "we je niet meer. De link werkt één keer en is geldig tot die datum.\n\n"
        "Met vriendelijke groet,\nAllegro Talent"
    )
    return "Wil je ingeschreven blijven bij Allegro Talent?", body


def reminder_mail(first_name: str | None, link: str, erasure_on: date) -> tuple[str, str]:
    """(subject, body) of the one reminder during the grace period; Dutch."""
    when = erasure_on.strftime("%d-%m-%Y")
    greeting = f"Beste {safe_name(first_name) or 'kandidaat'},"
    body = (
        f"{greeting}\n\n"
        "Enige tijd geleden vroegen we je of je ingeschreven wilt blijven bij Allegro Talent.\n"
        "We hebben nog niets van je gehoord.\n\n"
        f"Wil je ingeschreven blijven? Bevestig dat dan vóór {when} via deze link:\n\n"
        f"{link}\n\n"
        "Op dezelfde pagina kun je ons ook vragen al je gegevens meteen te verwijderen.\n\n"
        f"Horen we vóór {when} niets van je, dan verwijderen we al je gegevens en benaderen\n"
        "we je niet meer. Dit is de laatste keer dat we je hierover mailen.\n\n"
        "Met vriendelijke groet,\nAllegro Talent"
    )
    return "Herinnering: wil je ingeschreven blijven bij Allegro Talent?", body


def renewed_consent(
    consent: dict[str, Any] | None, statement_version: str, now: datetime
) -> dict[str, Any]:
    """The profile's consent after a renewal: the version agreed to now, and when."""
    return {
        **(consent or {}),
        "privacy_statement_version": statement_version,
        "accepted": True,
        "renewed_at": now.isoformat(),
    }
