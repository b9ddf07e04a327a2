"""Privacy rules without I/O: the response deadline in Dutch working days."""

from datetime import date, timedelta

import holidays

RESPONSE_WORKING_DAYS = 10


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.NL(years=day.year)


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
