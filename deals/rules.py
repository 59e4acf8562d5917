"""The consumer's withdrawal deadline (RULES 23): pure calendar arithmetic, no database, no clock.

C. consom. L221-18: 14 days from the conclusion of the contract for services, from
the consumer's receipt of the goods for sales of goods. L221-19: the starting day is
not counted, and a period ending on a Saturday, Sunday or public holiday runs to the
next working day. L221-20: when the withdrawal information was not given, the period
is extended by 12 months from the end of the initial one; when it is given during
that extension, the period ends 14 days after the consumer received it.
"""

import datetime

from core.dates import add_months
from core.holidays import is_french_public_holiday

WITHDRAWAL_DAYS = 14
EXTENSION_MONTHS = 12

GOODS, SERVICES = "goods", "services"


def _next_working_day(day: datetime.date) -> datetime.date:
    while day.isoweekday() > 5 or is_french_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day


def withdrawal_start(
    *, supply: str, concluded_on: datetime.date | None, delivered_on: datetime.date | None
) -> datetime.date | None:
    """The day the period runs from: delivery for goods, conclusion for services."""
    return delivered_on if supply == GOODS else concluded_on


def withdrawal_deadline(
    *,
    supply: str,
    concluded_on: datetime.date | None,
    delivered_on: datetime.date | None,
    withdrawal_info_on: datetime.date | None,
) -> datetime.date | None:
    """The last day the consumer may withdraw, or None while the period has not started.

    None too when the period would end beyond the calendar (year 9999): the validators
    refuse such dates, but a legacy row holding one must not break a page or the API.
    """
    start = withdrawal_start(supply=supply, concluded_on=concluded_on, delivered_on=delivered_on)
    if start is None:
        return None
    try:
        initial_end = start + datetime.timedelta(days=WITHDRAWAL_DAYS)
        if withdrawal_info_on is not None and withdrawal_info_on <= initial_end:
            return _next_working_day(initial_end)
        extended_end = add_months(initial_end, EXTENSION_MONTHS)
        if withdrawal_info_on is not None and withdrawal_info_on <= extended_end:
            return _next_working_day(withdrawal_info_on + datetime.timedelta(days=WITHDRAWAL_DAYS))
        return _next_working_day(extended_end)
    except (OverflowError, ValueError):
        return None


def is_extended(*, supply: str, concluded_on, delivered_on, withdrawal_info_on) -> bool:
    """The withdrawal information was missing when the initial period ended (L221-20)."""
    start = withdrawal_start(supply=supply, concluded_on=concluded_on, delivered_on=delivered_on)
    if start is None:
        return withdrawal_info_on is None
    try:
        initial_end = start + datetime.timedelta(days=WITHDRAWAL_DAYS)
    except OverflowError:
        return withdrawal_info_on is None
    return withdrawal_info_on is None or withdrawal_info_on > initial_end


# RULES 18: a customer is kept while a deal is open, then CUSTOMER_RETENTION_DAYS after the
# deal's last event. The last event of a won deal is the latest of its conclusion, the
# delivery and the confirmation on a durable medium: the dates of the contract's life the
# customer takes part in. Not ``updated_at``: our own edits of a deal (a typo, a note) are
# no event of the relationship and must not keep the person another three years. An open
# deal's last event is today at the earliest (it may close today). A lost deal makes no
# customer; it was open until it was lost, which the deal services count at that moment.
OPEN, WON = "open", "won"


def customer_last_event(
    *,
    status: str,
    concluded_on: datetime.date | None,
    delivery_on: datetime.date | None,
    durable_medium_on: datetime.date | None,
    today: datetime.date,
) -> datetime.date | None:
    if status == OPEN:
        return today
    if status == WON:
        return max(filter(None, (concluded_on, delivery_on, durable_medium_on)), default=today)
    return None


def customer_kept_until(last_event: datetime.date, *, days: int) -> datetime.date:
    """The retention date of a customer whose deal's last event is ``last_event``."""
    try:
        return last_event + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max
