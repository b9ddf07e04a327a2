"""The crm's pure rules (statistics, periods, redaction) on hand-made data, without I/O."""

import re
from datetime import date

from services.crm.domain import (
    AssignmentFacts,
    placement_statistics,
    redaction_patterns,
    within,
)


def facts(id_, org, function, opened, placed, proposals) -> AssignmentFacts:
    return AssignmentFacts(id_, org, f"name-{org}", function, opened, placed, proposals)


def test_statistics_count_only_the_chosen_period():
    history = [
        facts("a1", "o1", "office_manager", date(2024, 1, 1), date(2024, 1, 11), 3),
        facts("a2", "o1", "office_manager", date(2024, 1, 5), date(2024, 3, 5), 1),  # after
        facts("a3", "o2", "personal_assistant", date(2023, 12, 1), date(2024, 1, 31), 2),
        facts("a4", "o2", "personal_assistant", date(2024, 1, 20), None, 4),
        facts("a5", "o3", "other", date(2023, 6, 1), None, 0),  # outside entirely
    ]
    stats = placement_statistics(history, date(2024, 1, 1), date(2024, 1, 31))
    assert stats["placements"] == 2
    assert stats["per_client"] == [
        {"organisation_id": "o1", "name": "name-o1", "placements": 1},
        {"organisation_id": "o2", "name": "name-o2", "placements": 1},
    ]
    assert stats["per_function_type"] == {"office_manager": 1, "personal_assistant": 1}
    assert stats["time_to_fill_days"] == {"average": 35.5, "median": 35.5, "min": 10, "max": 61}
    # Opened in January: a1, a2, a4; filled by 31 January: a1 only.
    assert stats["fill_rate"] == {"opened": 3, "filled": 1, "rate": 0.3333}
    assert stats["proposals_per_placement"] == 2.5


def test_statistics_of_an_empty_period_say_so_without_dividing_by_zero():
    stats = placement_statistics([], date(2024, 1, 1), date(2024, 12, 31))
    assert stats["placements"] == 0
    assert stats["time_to_fill_days"] is None
    assert stats["fill_rate"] == {"opened": 0, "filled": 0, "rate": None}
    assert stats["proposals_per_placement"] is None


def test_a_placement_must_lie_within_the_assignment_period():
    assert within(date(2024, 2, 1), date(2024, 3, 1), date(2024, 1, 1), None)
    assert not within(date(2024, 2, 1), None, None, date(2024, 12, 31))


def test_an_erased_contacts_identifiers_are_found_in_any_spelling_and_nothing_else():
    patterns = redaction_patterns(
        "Wilhelmina Oosterhuis-Kramer", "w.ok@klant.example.nl", "+31 6 1234 5678"
    )
    text = (
        "Belde wilhelmina oosterhuis-kramer op 06-12345678 en 0031 6 12 34 56 78,"
        " mail W.OK@klant.example.nl; niet 0612345678999, niet Wilhelmina Oosterhuis-Kramers."
    )
    for pattern in patterns:
        text = re.sub(pattern, "[verwijderd]", text, flags=re.IGNORECASE)
    assert text == (
        "Belde [verwijderd] op [verwijderd] en [verwijderd], mail [verwijderd];"
        " niet 0612345678999, niet Wilhelmina Oosterhuis-Kramers."
    )
    assert redaction_patterns("Jo", None, "112") == []  # too short to identify anyone
