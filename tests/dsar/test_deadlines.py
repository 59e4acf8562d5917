import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dsar.rules import due_at_for
from dsar.selectors import dsar_deadline_counts
from tests.dsar.factories import DsarFactory

PARIS = ZoneInfo("Europe/Paris")


def _at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=PARIS)


MIN30 = datetime.timedelta(minutes=30)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (_at(2025, 1, 31), _at(2025, 2, 28)),
        (_at(2024, 1, 31), _at(2024, 2, 29)),  # leap year
        (_at(2024, 1, 30), _at(2024, 2, 29)),
        (_at(2025, 1, 15), _at(2025, 2, 15)),
        (_at(2025, 3, 31), _at(2025, 4, 30)),
        (_at(2025, 12, 31), _at(2026, 1, 31)),  # across the year
        (_at(2025, 2, 28), _at(2025, 3, 28)),
    ],
)
def test_due_date_is_one_calendar_month_after_receipt(received, due):
    assert due_at_for(received) == due


def test_deadline_keeps_the_paris_wall_clock_across_daylight_saving():
    received = _at(2025, 3, 15, 23)  # winter time; due date in summer time
    due = due_at_for(received)
    assert (due.day, due.hour) == (15, 23)
    assert due.astimezone(PARIS).utcoffset() == datetime.timedelta(hours=2)


UTC = datetime.UTC


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Late in the evening in Paris is already the next day in neither zone...
        (_at(2025, 1, 31, 23), _at(2025, 2, 28, 23)),
        # ...but just after midnight in Paris is still the day before in UTC: Paris counts.
        (datetime.datetime(2025, 3, 30, 22, 30, tzinfo=UTC), _at(2025, 4, 30, 0) + MIN30),
        (datetime.datetime(2025, 1, 15, 23, 30, tzinfo=UTC), _at(2025, 2, 16, 0) + MIN30),
        # 31 January 2028 (leap year) → 29 February 2028.
        (_at(2028, 1, 31), _at(2028, 2, 29)),
        (_at(2028, 2, 29), _at(2028, 3, 29)),
        (_at(2027, 1, 29), _at(2027, 2, 28)),
    ],
)
def test_due_date_counts_on_the_paris_calendar(received, due):
    assert due_at_for(received) == due


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        # RULES 20: the extension runs from the first deadline (28 February), not from receipt.
        (_at(2025, 1, 31), 2, _at(2025, 4, 28)),
        (_at(2025, 1, 31), 1, _at(2025, 3, 28)),
        (_at(2028, 1, 31), 2, _at(2028, 4, 29)),  # leap year: 29 February → 29 April
        (_at(2024, 1, 31), 2, _at(2024, 4, 29)),
        (_at(2023, 11, 30), 2, _at(2024, 2, 29)),  # 30 December → 29 February (leap)
        (_at(2025, 11, 30), 2, _at(2026, 2, 28)),
        (_at(2025, 12, 31), 2, _at(2026, 3, 31)),  # across the year: 31 January → 31 March
        (_at(2025, 1, 15), 2, _at(2025, 4, 15)),
    ],
)
def test_extension_runs_from_the_first_deadline(received, months, due):
    assert due_at_for(received, extension_months=months) == due


@pytest.mark.parametrize(
    ("received", "months", "day", "offset_hours"),
    [
        (_at(2025, 2, 20, 9), 0, (2025, 3, 20, 9), 1),  # before the spring change
        (_at(2025, 3, 1, 9), 0, (2025, 4, 1, 9), 2),  # across it: same wall clock
        (_at(2025, 9, 30, 9), 0, (2025, 10, 30, 9), 1),  # across the autumn change
        (_at(2024, 12, 30, 9), 2, (2025, 3, 30, 9), 2),  # extension lands on the change day
    ],
)
def test_deadlines_keep_the_wall_clock_across_daylight_saving(received, months, day, offset_hours):
    due = due_at_for(received, extension_months=months).astimezone(PARIS)
    assert (due.year, due.month, due.day, due.hour) == day
    assert due.utcoffset() == datetime.timedelta(hours=offset_hours)


@pytest.mark.django_db
def test_deadline_counts_in_one_query(django_assert_num_queries):
    now = timezone.now()
    DsarFactory(due_at=now - datetime.timedelta(days=1))  # overdue
    DsarFactory(due_at=now + datetime.timedelta(days=2))  # due soon
    DsarFactory(due_at=now + datetime.timedelta(days=6, hours=23))  # due soon
    DsarFactory(due_at=now + datetime.timedelta(days=20))  # open only
    DsarFactory(due_at=now - datetime.timedelta(days=3), status="completed")
    DsarFactory(due_at=now + datetime.timedelta(days=1), status="rejected")
    with django_assert_num_queries(1):
        counts = dsar_deadline_counts(now=now)
    assert counts == {"open": 4, "due_soon": 2, "overdue": 1}


@pytest.mark.django_db
def test_deadline_counts_when_there_is_nothing():
    assert dsar_deadline_counts() == {"open": 0, "due_soon": 0, "overdue": 0}
