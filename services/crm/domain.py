"""crm rules without I/O: kinds, channels, assignment states, date checks, placement statistics.

Statistics are computed from non-personal facts only (ids, dates, function types, counts):
no contact or candidate data is needed, so they survive every erasure unchanged.
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

ORGANISATION_KINDS = ("client", "supplier", "vendor", "referee", "other")
CHANNELS = ("phone", "email", "meeting", "video", "letter", "other")
ASSIGNMENT_STATUSES = ("open", "filled", "cancelled")
FUNCTION_TYPES = (
    "personal_assistant",
    "office_manager",
    "executive_secretary",  # directiesecretaresse
    "management_assistant",
    "management_support",
    "other",
)
# A recruiter may reopen a cancelled assignment or cancel an open one; "filled" is reached only
# by recording a placement, so nobody can claim a fill the statistics cannot back.
MANUAL_TRANSITIONS = {("open", "cancelled"), ("cancelled", "open")}
REDACTED = "[verwijderd]"


def reversed_dates(start: date | None, end: date | None) -> bool:
    return start is not None and end is not None and end < start


def within(start: date, end: date | None, outer_start: date | None, outer_end: date | None) -> bool:
    """Whether [start, end] lies inside the (possibly open) outer period."""
    if outer_start is not None and start < outer_start:
        return False
    if outer_end is not None and (end is None or end > outer_end):
        return False
    return True


def redaction_patterns(name: str | None, email: str | None, phone: str | None) -> list[str]:
    """Regular expressions (valid in Python and in PostgreSQL) for an erased contact's
    identifiers as they may appear in free text: whole words, any case, and the phone number
    in any of its usual spellings (06-12345678, +31 6 1234 5678, 0031612345678)."""
    patterns = []
    for text in (name, email):
        text = (text or "").strip()
        if len(text) >= 3:  # shorter is no identifier, and would eat into other words
            patterns.append(rf"(?<!\w){re.escape(text)}(?!\w)")
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0031"):
        digits = digits[4:]
    elif digits.startswith("31") and len(digits) > 9:
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if len(digits) >= 6:
        spaced = "[^0-9]{0,2}".join(digits)
        patterns.append(rf"(?<![0-9])(\+?31|0031|0)?[^0-9]{{0,3}}{spaced}(?![0-9])")
    return patterns


@dataclass(frozen=True)
class AssignmentFacts:
    id: str
    organisation_id: str
    organisation_name: str
    function_type: str
    opened_on: date
    placed_on: date | None  # None while not filled
    proposals: int


def _summary(values: list[int]) -> dict[str, float | int] | None:
    if not values:
        return None
    return {
        "average": round(statistics.fmean(values), 2),
        "median": round(float(statistics.median(values)), 2),
        "min": min(values),
        "max": max(values),
    }


def placement_statistics(facts: list[AssignmentFacts], start: date, end: date) -> dict:
    """Placement statistics over [start, end] (inclusive).

    - placements: assignments whose placement date lies in the period, per client and per
      function type;
    - time to fill: days from opening the assignment to its placement, for those placements;
    - fill rate: of the assignments opened in the period, the share filled by the period's end;
    - proposals per placement: proposals made on the assignments filled in the period, divided
      by the number of those placements.
    """
    placed = [f for f in facts if f.placed_on is not None and start <= f.placed_on <= end]
    per_client: Counter[tuple[str, str]] = Counter(
        (f.organisation_id, f.organisation_name) for f in placed
    )
    per_function = Counter(f.function_type for f in placed)
    opened = [f for f in facts if start <= f.opened_on <= end]
    filled = [f for f in opened if f.placed_on is not None and f.placed_on <= end]
    proposals = sum(f.proposals for f in placed)
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "placements": len(placed),
        "per_client": [
            {"organisation_id": org_id, "name": name, "placements": n}
            for (org_id, name), n in sorted(per_client.items(), key=lambda kv: (-kv[1], kv[0][1]))
        ],
        "per_function_type": dict(sorted(per_function.items())),
        "time_to_fill_days": _summary([(f.placed_on - f.opened_on).days for f in placed]),  # type: ignore[operator]
        "fill_rate": {
            "opened": len(opened),
            "filled": len(filled),
            "rate": round(len(filled) / len(opened), 4) if opened else None,
        },
        "proposals_per_placement": round(proposals / len(placed), 2) if placed else None,
    }
