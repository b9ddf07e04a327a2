"""Privacy rules without I/O: deadlines in Dutch working days, codes, the breach clock."""

import base64
import functools
import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

import holidays

RESPONSE_WORKING_DAYS = 10


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


@functools.cache
def dutch_holidays(year: int) -> frozenset[date]:
    """Building the calendar is costly (milliseconds); every deadline shown needs it."""
    return frozenset(holidays.NL(years=year))


def add_working_days(start: date, days: int) -> date:
    """The date `days` Dutch working days after `start` (weekends and public holidays skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def due_on(received: date) -> date:
    return add_working_days(received, RESPONSE_WORKING_DAYS)


def working_days_left(today: date, due: date) -> int:
    """Working days from today until the due date; negative when overdue."""
    if today <= due:
        n, day = 0, today
        while day < due:
            day += timedelta(days=1)
            n += is_working_day(day)
        return n
    n, day = 0, due
    while day < today:
        day += timedelta(days=1)
        n += is_working_day(day)
    return -n


# --- request life cycle -------------------------------------------------------------------

OPEN = ("received", "in_progress", "error")
FINAL = ("complete", "cancelled")
# Who answers which request: erasure and access go to every data-holding service,
# rectification to the service that owns the subject's record.
OWNER = {"candidate": "candidates", "contact": "crm"}
MAX_EXTENSION_DAYS = 40  # the law allows two further months

# What a person may correct through self-service, named as the owning service names it, with
# the Dutch label the page and the mail show. Candidates own a candidate's profile, crm a
# business contact's record; whether the person is either is only known after verification
# (and never told before it), so the form offers both and the owner rejects what is not its
# own (a contact has no birth date); the completion mail says which were not changed.
SELF_CORRECTABLE: dict[str, str] = {
    "first_name": "voornaam",
    "last_name": "achternaam",
    "email": "e-mailadres",
    "phone": "telefoonnummer",
    "address.street": "straat",
    "address.house_number": "huisnummer",
    "address.postcode": "postcode",
    "address.city": "woonplaats",
    "address.country": "land",
    "birth_date": "geboortedatum",
    "birth_place": "geboorteplaats",
    "gender": "geslacht",
    "name": "naam (contactpersoon)",
    "function": "functie (contactpersoon)",
}


# What a self-service code does not prove. The code shows who reads the address asked from,
# nothing about a phone (and we cannot send a code to one): a corrected phone is not applied
# but handed to an employee, who confirms it with the person first (the owner records it as a
# note). A corrected email is confirmed by a second code, mailed to the new address.
CONFIRMED_BY_STAFF = frozenset({"phone"})
LEFT_FOR_STAFF = "phone correction left for an employee to confirm"  # the request's history


def can_cancel(status: str, type_: str) -> bool:
    """An erasure in progress cannot be undone: the key is already shredded."""
    if status in FINAL:
        return False
    return not (type_ == "erasure" and status in ("in_progress", "error"))


def deadline_alert(days_left: int) -> str | None:
    """Which deadline alert is due: a reminder at two working days left, then overdue."""
    if days_left < 0:
        return "request.overdue"
    if days_left <= 2:
        return "request.due_soon"
    return None


# --- self-service identity check ----------------------------------------------------------

CODE_TTL = timedelta(minutes=10)
CODE_ATTEMPTS = 3


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(index_key_b64: str, request_id: str, code: str) -> str:
    """Keyed and bound to the request, so a leaked table does not reveal or reuse codes."""
    mac = hmac.new(base64.b64decode(index_key_b64), digestmod=hashlib.sha256)
    mac.update(f"code:{request_id}:{code.strip()}".encode())
    return mac.hexdigest()


def token_hash(index_key_b64: str, request_id: str, token: str) -> str:
    """The mailed export link's token, kept like a code: keyed and bound to the request."""
    return code_hash(index_key_b64, request_id, "link:" + token)


def code_matches(index_key_b64: str, request_id: str, code: str, stored: str | None) -> bool:
    if not stored:
        return False
    return hmac.compare_digest(code_hash(index_key_b64, request_id, code), stored)


# --- data-breach clock --------------------------------------------------------------------

AP_NOTIFICATION = timedelta(hours=72)


def notify_ap_by(discovered_at: datetime) -> datetime:
    """The Autoriteit Persoonsgegevens must hear within 72 hours of discovery."""
    return discovered_at + AP_NOTIFICATION


def breach_alert(discovered_at: datetime, now: datetime, reported: bool) -> str | None:
    if reported:
        return None
    left = notify_ap_by(discovered_at) - now
    if left <= timedelta(0):
        return "breach.overdue"
    if left <= timedelta(hours=24):
        return "breach.due_soon"
    return None
