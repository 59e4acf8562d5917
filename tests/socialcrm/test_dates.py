"""Legal deadlines count in calendar months, clamped at month ends."""

import datetime

import pytest

from socialcrm.lib.dates import PARIS, add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),  # leap year
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 12, 31), 1, datetime.date(2027, 1, 31)),
        (datetime.date(2026, 5, 15), 1, datetime.date(2026, 6, 15)),
        (datetime.date(2026, 1, 31), 3, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 30), 2, datetime.date(2027, 1, 30)),
    ],
)
def test_dates(start, months, expected):
    assert add_months(start, months) == expected


def test_aware_datetimes_keep_the_paris_wall_clock_across_summer_time():
    winter = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=PARIS)
    assert add_months(winter, 1) == datetime.datetime(2026, 4, 15, 10, 0, tzinfo=PARIS)
    assert add_months(winter, 1).utcoffset() == datetime.timedelta(hours=2)
