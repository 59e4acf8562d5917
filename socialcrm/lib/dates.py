"""Calendar arithmetic for legal deadlines, which count in months, not in 30-day blocks."""

import calendar
import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def add_months(moment, months: int):
    """The same day ``months`` later, or the month's last day when it has no such day.

    31 January + 1 month is 28 February (29 in a leap year). Aware datetimes are
    counted on the Paris wall clock, so a deadline does not drift by an hour
    across a daylight-saving change.
    """
    local = moment.astimezone(PARIS) if isinstance(moment, datetime.datetime) else moment
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)
