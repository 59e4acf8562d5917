"""The withdrawal deadline (C. consom. L221-18 to L221-20), table-tested on calendar edges."""

import datetime

import pytest

from deals.rules import is_extended, withdrawal_deadline

D = datetime.date


@pytest.mark.parametrize(
    ("supply", "concluded", "delivered", "informed", "deadline", "why"),
    [
        # Services run from the conclusion; the starting day is not counted.
        ("services", D(2026, 3, 2), None, D(2026, 3, 1), D(2026, 3, 16), "Mon + 14 = Mon"),
        # Goods run from the delivery, whatever the conclusion date.
        ("goods", D(2026, 3, 2), D(2026, 3, 10), D(2026, 3, 1), D(2026, 3, 24), "delivery"),
        ("goods", D(2026, 3, 2), None, D(2026, 3, 1), None, "not delivered yet"),
        ("services", None, None, None, None, "not concluded yet"),
        # Ending on a Saturday, it runs to Monday (L221-19).
        ("services", D(2026, 3, 7), None, D(2026, 3, 7), D(2026, 3, 23), "Sat → Mon"),
        # Across a month end and into a leap-year February.
        ("services", D(2028, 2, 15), None, D(2028, 2, 15), D(2028, 2, 29), "leap day"),
        ("services", D(2027, 2, 15), None, D(2027, 2, 15), D(2027, 3, 1), "no leap day"),
        ("services", D(2026, 12, 20), None, D(2026, 12, 20), D(2027, 1, 4), "year end, Sun"),
        # Ending on a public holiday (Easter Monday 2026 is 6 April): the next working day.
        ("services", D(2026, 3, 23), None, D(2026, 3, 23), D(2026, 4, 7), "Easter Monday"),
        # Information missing: 12 months more, from the end of the initial period.
        ("services", D(2026, 3, 2), None, None, D(2027, 3, 16), "missing → +12 months"),
        # The initial period ends on 29 Feb 2028: a year later there is no 29 Feb.
        ("services", D(2028, 2, 15), None, None, D(2029, 2, 28), "29 Feb + 12 months"),
        # 31 Jan 2027 + 12 months is a Monday, 31 Jan 2028.
        ("services", D(2027, 1, 17), None, None, D(2028, 1, 31), "month end kept"),
        # Given during the extension: 14 days from the day it was received.
        ("services", D(2026, 3, 2), None, D(2026, 6, 1), D(2026, 6, 15), "late information"),
        # Given on the last day of the initial period: no extension.
        ("services", D(2026, 3, 2), None, D(2026, 3, 16), D(2026, 3, 16), "on time, last day"),
    ],
)
def test_withdrawal_deadline(supply, concluded, delivered, informed, deadline, why):
    assert (
        withdrawal_deadline(
            supply=supply,
            concluded_on=concluded,
            delivered_on=delivered,
            withdrawal_info_on=informed,
        )
        == deadline
    ), why


def test_late_or_missing_information_is_an_extension():
    dates = {"supply": "services", "concluded_on": D(2026, 3, 2), "delivered_on": None}
    assert is_extended(**dates, withdrawal_info_on=None)
    assert is_extended(**dates, withdrawal_info_on=D(2026, 3, 17))
    assert not is_extended(**dates, withdrawal_info_on=D(2026, 3, 16))
