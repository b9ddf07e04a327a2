"""Intake's pure rules: what a registration is, how it is screened, what an upload really is.

No I/O here, so every rule is unit-tested without the stack (tests/intake/test_screening.py).
"""

import datetime
import io
import re
import zipfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.common.mail import safe_name

# The first privacy statement ("begin mei 2018"). A registration consents to the version in
# force (statement.is_current); this one counts until privacy has named another.
PRIVACY_STATEMENT_VERSION = "2018-05"
CRITERIA_FILE = Path(__file__).parent / "criteria.yaml"

CV_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"

# --- the registration ----------------------------------------------------------------------

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{1,59}$")]
Language = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z]{2}$")]
EducationLevel = Literal["basisonderwijs", "vmbo", "havo", "mbo", "vwo", "hbo", "wo", "other"]
Gender = Literal["female", "male", "non_binary", "other", "unspecified"]

_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{6,24}$")
_NL_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def check_phone(value: str) -> str:
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.match(value) or not 9 <= digits <= 15:
        raise ValueError("not a valid phone number (9 to 15 digits, optionally starting with +)")
    return value


def check_date(value: date | None) -> date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValueError("date is out of range")
    return value


Phone = Annotated[str, StringConstraints(max_length=30)]


class Strict(BaseModel):
    # Unknown fields are refused: a typo must not silently drop data the candidate entered.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Period(Strict):
    start: date
    end: date | None = None

    _dates = field_validator("start", "end")(check_date)

    @model_validator(mode="after")
    def ordered(self) -> "Period":
        if self.end is not None and self.end < self.start:
            raise ValueError("end lies before start")
        return self


class Address(Strict):
    street: Name
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "NL"  # ISO 3166
    postcode: Annotated[str, StringConstraints(max_length=12)]
    city: Short

    @field_validator("postcode")
    @classmethod
    def postcode_fits_country(cls, value: str, info: ValidationInfo) -> str:
        code = value.upper()
        if info.data.get("country", "NL") == "NL":
            match = _NL_POSTCODE.match(code)
            if not match:
                raise ValueError("not a Dutch postcode (like 1234 AB)")
            return f"{match[1]} {match[2]}"
        if not _POSTCODE.match(code):
            raise ValueError("not a valid postcode")
        return code


class Education(Period):
    level: EducationLevel
    institution: Name
    programme: Name | None = None
    completed: bool = False


class Internship(Period):
    organisation: Name
    role: Name | None = None


class Job(Period):
    employer: Name
    role: Name
    description: Text | None = None


class Training(Strict):
    name: Name
    provider: Name | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class CompletedTest(Strict):
    name: Name
    result: Short | None = None
    date: datetime.date | None = None

    _date = field_validator("date")(check_date)


class Availability(Strict):
    available_from: date
    hours_per_week: int = Field(ge=1, le=60)
    regions: list[Short] = Field(default_factory=list, max_length=20)

    _date = field_validator("available_from")(check_date)


class Reference(Strict):
    name: Name
    organisation: Name | None = None
    relation: Short | None = None
    email: EmailStr | None = None
    phone: Phone | None = None

    _phone = field_validator("phone")(lambda v: v if v is None else check_phone(v))


class Testimonial(Strict):
    author: Name
    organisation: Name | None = None
    text: Text


class Consent(Strict):
    # Whether it is the version in force is asked of privacy (statement.is_current).
    privacy_statement_version: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", max_length=20)
    accepted: Literal[True]


class Registration(Strict):
    """Everything the privacy statement says we ask at registration, and nothing more."""

    first_name: Short
    last_name: Short
    email: EmailStr
    phone: Phone
    address: Address
    birth_date: date
    birth_place: Short
    gender: Gender = "unspecified"
    functions_sought: list[Code] = Field(min_length=1, max_length=10)
    education: list[Education] = Field(default_factory=list, max_length=20)
    internships: list[Internship] = Field(default_factory=list, max_length=20)
    work_experience: list[Job] = Field(default_factory=list, max_length=40)
    trainings: list[Training] = Field(default_factory=list, max_length=40)
    tests: list[CompletedTest] = Field(default_factory=list, max_length=40)
    languages: list[Language] = Field(default_factory=list, max_length=20)
    work_permit_nl: bool
    availability: Availability
    leave: list[Period] = Field(default_factory=list, max_length=20)
    references: list[Reference] = Field(default_factory=list, max_length=10)
    testimonials: list[Testimonial] = Field(default_factory=list, max_length=10)
    consent: Consent

    _phone = field_validator("phone")(check_phone)

    @field_validator("birth_date")
    @classmethod
    def born_in_the_past(cls, value: date) -> date:
        if not EARLIEST <= value < date.today():
            raise ValueError("birth date must lie in the past (after 1900)")
        return value


# --- the criteria --------------------------------------------------------------------------


class Criterion(BaseModel):
    model_config = ConfigDict(extra="allow")  # each criterion has its own parameters
    label_nl: str
    requirement_nl: str
    on_fail: Literal["reject", "review"]


class Criteria(BaseModel):
    version: str
    criteria: dict[str, Criterion]

    def param(self, name: str, key: str) -> Any:
        return (self.criteria[name].model_extra or {})[key]


@lru_cache
def load_criteria(path: Path = CRITERIA_FILE) -> Criteria:
    return Criteria.model_validate(yaml.safe_load(path.read_text()))


# --- screening -----------------------------------------------------------------------------

Outcome = Literal["accepted", "rejected", "needs_review"]


class Reason(BaseModel):
    criterion: str
    value: Any  # what the registration said, so a recruiter (and the candidate) sees why
    result: Literal["met", "unmet", "review"]


class Screening(BaseModel):
    outcome: Outcome
    criteria_version: str
    reasons: list[Reason]

    def failing(self) -> list[Reason]:
        return [r for r in self.reasons if r.result != "met"]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def relevant_experience_years(jobs: list[Job], keywords: list[str], today: date) -> float:
    """Years in relevant roles, overlapping jobs counted once, ongoing jobs up to today."""
    spans = sorted(
        (job.start, min(job.end or today, today))
        for job in jobs
        if any(word in job.role.lower() for word in keywords) and job.start <= today
    )
    days, cursor = 0, date.min
    for start, end in spans:
        start = max(start, cursor)
        if end > start:
            days += (end - start).days
            cursor = end
    return round(days / 365.25, 1)


def highest_education(education: list[Education], levels: list[str]) -> str | None:
    completed = [e.level for e in education if e.completed and e.level in levels]
    return max(completed, key=levels.index) if completed else None


def screen(reg: Registration, criteria: Criteria, today: date) -> Screening:
    """Check a registration against every criterion; the outcome is the strictest result."""
    c = criteria
    reasons: list[Reason] = []

    def check(name: str, value: Any, met: bool) -> None:
        if name not in c.criteria:  # a criterion removed from the file no longer applies
            return
        fail: Literal["unmet", "review"] = (
            "unmet" if c.criteria[name].on_fail == "reject" else "review"
        )
        reasons.append(Reason(criterion=name, value=value, result="met" if met else fail))

    if "function" in c.criteria:
        served = set(c.param("function", "served"))
        check("function", reg.functions_sought, bool(served & set(reg.functions_sought)))
    if "age" in c.criteria:
        age = age_on(reg.birth_date, today)
        check("age", age, age >= c.param("age", "minimum_years"))
    check("work_permit", reg.work_permit_nl, reg.work_permit_nl)
    if "dutch_language" in c.criteria:
        language = c.param("dutch_language", "language")
        check("dutch_language", reg.languages, language in reg.languages)
    if "experience" in c.criteria:
        keywords = [k.lower() for k in c.param("experience", "relevant_roles")]
        years = relevant_experience_years(reg.work_experience, keywords, today)
        check("experience", years, years >= c.param("experience", "minimum_years"))
    if "education" in c.criteria:
        levels = c.param("education", "levels")
        level = highest_education(reg.education, levels)
        minimum = levels.index(c.param("education", "minimum_level"))
        check("education", level, level is not None and levels.index(level) >= minimum)

    results = {r.result for r in reasons}
    outcome: Outcome = (
        "rejected" if "unmet" in results else "needs_review" if "review" in results else "accepted"
    )
    return Screening(outcome=outcome, criteria_version=c.version, reasons=reasons)


# Not a published criterion: a phone another person gave (a candidate, a registration in
# progress, someone suppressed) cannot be proven by mail, so a recruiter looks before this
# registration becomes a person of its own.
KNOWN_PHONE = "known_phone"


def flag_known_phone(screening: Screening) -> Screening:
    """The screening with the known phone as a reason for review (a rejection stays one)."""
    reasons = [*screening.reasons, Reason(criterion=KNOWN_PHONE, value=None, result="review")]
    outcome: Outcome = "rejected" if screening.outcome == "rejected" else "needs_review"
    return screening.model_copy(update={"outcome": outcome, "reasons": reasons})


def confirmation_mail(link: str, hours: int) -> tuple[str, str]:
    """Subject and Dutch body of the mail asking the address's owner to confirm a registration.
    Nothing the registrant typed goes in it (not even a name): whoever registered may not be
    the owner, and the mail must not carry their words into the owner's mailbox."""
    body = "\n".join(
        [
            "Beste,",
            "",
            "Er is bij Allegro Talent een inschrijving gedaan met dit e-mailadres. Dit adres is",
            "al bij ons bekend. Daarom wijzigen wij niets aan je gegevens voordat je bevestigt",
            "dat de inschrijving van jou is:",
            "",
            link,
            "",
            f"De link is {hours} uur geldig. Bevestig je niet, dan vernietigen wij de",
            "inschrijving en blijft alles zoals het was.",
            "",
            "Heb je je niet zelf ingeschreven? Dan hoef je niets te doen. Vragen? Mail naar",
            "info@allegrotalent.nl of bel 085 773 1907.",
            "",
            "Met vriendelijke groet,",
            "Allegro Talent",
        ]
    )
    return "Bevestig je inschrijving bij Allegro Talent", body


def rejection_mail(first_name: str, criteria: Criteria, unmet: list[str]) -> tuple[str, str]:
    """Subject and Dutch body of the notice to a candidate whose registration was declined."""
    lines = [
        f"- {c.label_nl}: {c.requirement_nl}"
        for name in unmet
        if (c := criteria.criteria.get(name)) is not None
    ]
    body = "\n".join(
        [
            f"Beste {safe_name(first_name) or 'kandidaat'},",
            "",
            "Dank je wel voor je inschrijving bij Allegro Talent. Wij hebben je inschrijving",
            "vergeleken met onze inschrijvingscriteria. Helaas voldoet je inschrijving niet aan",
            "de volgende criteria:",
            "",
            *lines,
            "",
            "Daarom kunnen wij je op dit moment niet inschrijven. Zoals beschreven in onze",
            "privacyverklaring hebben wij alle persoonsgegevens en bestanden van je inschrijving",
            "vernietigd. Wij bewaren alleen anonieme aantallen, zonder gegevens over jou.",
            "",
            "Heb je vragen? Mail naar info@allegrotalent.nl of bel 085 773 1907.",
            "",
            "Met vriendelijke groet,",
            "Allegro Talent",
        ]
    )
    return "Je inschrijving bij Allegro Talent", body


# The acknowledgement of a registration that was kept: the first name for the greeting and the
# reference the page showed, nothing else of what was entered.
ACKNOWLEDGEMENTS = {
    "accepted": (
        "Welkom bij Allegro Talent",
        [
            "Dank je wel voor je inschrijving bij Allegro Talent. Je inschrijving voldoet aan",
            "onze inschrijvingscriteria: je staat nu bij ons ingeschreven. Een van onze",
            "intercedenten neemt contact met je op zodra er een opdracht is die bij je past.",
        ],
    ),
    "in_review": (
        "We bekijken je inschrijving",
        [
            "Dank je wel voor je inschrijving bij Allegro Talent. Een van onze medewerkers",
            "bekijkt je inschrijving persoonlijk aan de hand van onze inschrijvingscriteria.",
            "Je hoort zo snel mogelijk van ons of we je kunnen inschrijven.",
        ],
    ),
}


def acknowledgement_mail(first_name: str, kind: str, reference: str | None) -> tuple[str, str]:
    """Subject and Dutch body of the mail to a candidate whose registration was accepted or
    waits for a recruiter's review."""
    subject, lines = ACKNOWLEDGEMENTS[kind]
    body = "\n".join(
        [
            f"Beste {first_name},",
            "",
            *lines,
            "",
            *([f"Kenmerk: {reference}", ""] if reference else []),
            "Hoe we met je gegevens omgaan, lees je in onze privacyverklaring. Je kunt ze altijd",
            "inzien, laten wijzigen of laten verwijderen via de privacypagina op onze website.",
            "",
            "Heb je vragen? Mail naar info@allegrotalent.nl of bel 085 773 1907.",
            "",
            "Met vriendelijke groet,",
            "Allegro Talent",
        ]
    )
    return subject, body


# --- uploads -------------------------------------------------------------------------------


def sniff_cv(data: bytes) -> str | None:
    """The CV's real type from its bytes (PDF or DOCX), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            # Only the directory is read, never decompressed: a zip bomb costs nothing here.
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    return None


def sniff_photo(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None
