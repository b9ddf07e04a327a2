"""The privacy rules without I/O: Dutch working days, alerts, codes, the breach clock."""

from datetime import UTC, date, datetime, timedelta

from services.privacy import domain
from services.privacy.scan import contains, needles


def test_deadline_skips_kings_day_and_weekends():
    # Friday 24 April 2026; Monday 27 April is King's Day.
    assert domain.due_on(date(2026, 4, 24)) == date(2026, 5, 11)
    assert not domain.is_working_day(date(2026, 4, 27))


def test_deadline_skips_christmas_and_new_year():
    # Friday 18 December 2026: 25 and 26 December and 1 January are not working days.
    assert domain.due_on(date(2026, 12, 18)) == date(2027, 1, 5)
    assert not domain.is_working_day(date(2026, 12, 25))
    assert not domain.is_working_day(date(2027, 1, 1))


def test_deadline_skips_easter_and_ascension():
    # Thursday 2 April 2026: the holidays library counts Good Friday (3 April) and Easter
    # Monday (6 April) as days off.
    assert domain.due_on(date(2026, 4, 2)) == date(2026, 4, 20)
    # Wednesday 13 May 2026: Ascension Day (14 May) and Whit Monday (25 May) follow.
    assert domain.due_on(date(2026, 5, 13)) == date(2026, 5, 29)


def test_days_left_counts_working_days_and_goes_negative_when_overdue():
    due = date(2027, 1, 5)
    assert domain.working_days_left(date(2026, 12, 18), due) == 10
    assert domain.working_days_left(date(2026, 12, 31), due) == 2
    assert domain.working_days_left(due, due) == 0
    assert domain.working_days_left(date(2027, 1, 7), due) == -2


def test_reminder_at_two_working_days_left_then_overdue():
    assert domain.deadline_alert(3) is None
    assert domain.deadline_alert(2) == "request.due_soon"
    assert domain.deadline_alert(0) == "request.due_soon"
    assert domain.deadline_alert(-1) == "request.overdue"


def test_an_erasure_in_progress_cannot_be_cancelled():
    assert domain.can_cancel("received", "erasure")
    assert not domain.can_cancel("in_progress", "erasure")
    assert domain.can_cancel("in_progress", "access")
    assert not domain.can_cancel("complete", "access")


def test_codes_are_bound_to_their_request():
    key = "a2V5LWZvci10ZXN0cy1vbmx5LTAwMDAwMDAwMDAwMDA="
    code = domain.new_code()
    assert len(code) == 6 and code.isdigit()
    stored = domain.code_hash(key, "r1", code)
    assert domain.code_matches(key, "r1", f" {code} ", stored)
    assert not domain.code_matches(key, "r2", code, stored)
    assert not domain.code_matches(key, "r1", code, None)


def test_breach_clock_runs_72_hours_from_discovery():
    found = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert domain.notify_ap_by(found) == found + timedelta(hours=72)
    assert domain.breach_alert(found, found + timedelta(hours=10), False) is None
    assert domain.breach_alert(found, found + timedelta(hours=50), False) == "breach.due_soon"
    assert domain.breach_alert(found, found + timedelta(hours=73), False) == "breach.overdue"
    assert domain.breach_alert(found, found + timedelta(hours=73), True) is None


def test_scan_looks_for_every_written_form_of_a_phone_number():
    wanted = needles("Sanne.DeVries@Example.nl", "+31 6 12345678")
    assert contains(b'{"email": "sanne.devries@example.nl"}', wanted)
    assert contains(b"bel 0612345678", wanted)
    assert contains(b"tel 06 12345678", wanted)
    assert contains(b"+31 6 12345678", wanted)
    assert not contains(b"nothing personal here", wanted)
