"""More edges of the withdrawal deadline (RULES 23) and of the customer period (RULES 18)."""

import datetime

import pytest

from deals.rules import (
    customer_kept_until,
    customer_last_event,
    is_extended,
    withdrawal_deadline,
)

D = datetime.date


# One row per edge, kept on one line each so the table reads as a table.
# fmt: off
@pytest.mark.parametrize(
    ("supply", "concluded", "delivered", "informed", "deadline", "extended", "why"),
    [
        # L221-20: information given during the 12-month extension → 14 days from receipt.
        ("services", D(2026, 3, 2), None, D(2026, 3, 17), D(2026, 3, 31), True, "day after initial"),
        ("services", D(2026, 3, 2), None, D(2027, 3, 16), D(2027, 3, 30), True, "extension's last day"),
        ("services", D(2026, 3, 2), None, D(2027, 3, 17), D(2027, 3, 16), True, "after it: never given"),
        # Public holidays and weekends (L221-19: to the next working day).
        ("services", D(2026, 6, 30), None, D(2026, 6, 30), D(2026, 7, 15), False, "14 July"),
        ("services", D(2026, 4, 30), None, D(2026, 4, 30), D(2026, 5, 15), False, "Ascension"),
        ("services", D(2026, 12, 11), None, D(2026, 12, 1), D(2026, 12, 28), False, "Christmas, Fri"),
        ("services", D(2026, 12, 18), None, D(2026, 12, 18), D(2027, 1, 4), False, "1 Jan, Friday"),
        ("services", D(2027, 4, 17), None, D(2027, 4, 1), D(2027, 5, 3), False, "1 May, Saturday"),
        # Month ends and leap days.
        ("services", D(2026, 1, 31), None, D(2026, 1, 31), D(2026, 2, 16), False, "31 Jan → Sat"),
        ("goods", D(2028, 2, 1), D(2028, 2, 15), D(2028, 2, 1), D(2028, 2, 29), False, "leap day"),
        ("services", D(2026, 2, 14), None, None, D(2027, 3, 1), True, "28 Feb 2027 is a Sunday"),
        # Rows stored before the date bounds existed: no 5xx, no made-up deadline.
        ("services", D(9999, 12, 25), None, None, None, True, "year 9999 conclusion"),
        ("goods", D(2026, 3, 2), D(9999, 12, 31), D(2026, 3, 1), None, False, "year 9999 delivery"),
        ("services", D(9998, 12, 1), None, None, D(9999, 12, 15), True, "extension into 9999"),
    ],
)
# fmt: on
def test_withdrawal_deadline_edges(supply, concluded, delivered, informed, deadline, extended, why):
    dates = {
        "supply": supply,
        "concluded_on": concluded,
        "delivered_on": delivered,
        "withdrawal_info_on": informed,
    }
    assert withdrawal_deadline(**dates) == deadline, why
    assert is_extended(**dates) is extended, why


TODAY = D(2026, 12, 7)


@pytest.mark.parametrize(
    ("status", "concluded", "delivered", "confirmed", "last_event", "why"),
    [
        ("open", None, None, None, TODAY, "kept while open: it may close today"),
        ("open", D(2020, 1, 1), None, None, TODAY, "an open deal's old dates do not count"),
        ("won", D(2026, 11, 30), None, None, D(2026, 11, 30), "signed last week"),
        ("won", D(2026, 11, 30), D(2027, 1, 15), None, D(2027, 1, 15), "delivered later"),
        ("won", D(2026, 11, 30), None, D(2026, 12, 2), D(2026, 12, 2), "confirmation last"),
        ("lost", D(2026, 11, 30), None, None, None, "a lost deal makes no customer"),
    ],
)
def test_the_last_event_of_a_deal(status, concluded, delivered, confirmed, last_event, why):
    assert (
        customer_last_event(
            status=status,
            concluded_on=concluded,
            delivery_on=delivered,
            durable_medium_on=confirmed,
            today=TODAY,
        )
        == last_event
    ), why


@pytest.mark.parametrize(
    ("last_event", "until"),
    [
        (D(2026, 12, 7), D(2029, 12, 6)),  # across the 29 Feb 2028
        (D(2027, 3, 1), D(2030, 2, 28)),
        (D(9999, 12, 31), D.max),  # a legacy year-9999 delivery: kept, never an overflow
    ],
)
def test_a_customer_is_kept_three_years_after_the_last_event(last_event, until):
    assert customer_kept_until(last_event, days=1095) == until
