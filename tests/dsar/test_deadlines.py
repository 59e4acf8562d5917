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


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (_at(2025, 1, 31), 2, _at(2025, 4, 30)),
        (_at(2025, 1, 31), 1, _at(2025, 3, 31)),
        (_at(2023, 11, 30), 2, _at(2024, 2, 29)),  # leap year reached by the extension
        (_at(2025, 11, 30), 2, _at(2026, 2, 28)),
    ],
)
def test_extension_counts_from_receipt(received, months, due):
    assert due_at_for(received, extension_months=months) == due


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
