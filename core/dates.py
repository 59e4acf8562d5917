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


# API.md "Changes in v2": the dates the app accepts. Earlier ones are nonsense here (and
# some zones' old offsets cannot be written as RFC 3339); later ones overflow date
# arithmetic (year 9999 + a month) and mean a typo.
EARLIEST = datetime.date(1970, 1, 1)
EARLIEST_MOMENT = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
FUTURE_YEARS = 10
# A date that describes the past may run ahead of our clock by this much (clock skew).
PAST_TOLERANCE = datetime.timedelta(minutes=5)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.astimezone(PARIS).date() if value.tzinfo else value.date()
    return value


def latest_date(today: datetime.date | None = None) -> datetime.date:
    """The last day a date may name: ten years from today."""
    today = today or datetime.datetime.now(PARIS).date()
    return add_months(today, 12 * FUTURE_YEARS)


def in_range(value) -> None:
    """Validator (models, forms, serializers): 1970-01-01 … today + 10 years."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    if value is None:
        return
    day = _as_date(value)
    aware = isinstance(value, datetime.datetime) and value.tzinfo is not None
    if (value < EARLIEST_MOMENT) if aware else (day < EARLIEST):
        raise ValidationError(_("The date cannot be before 1970."), code="date_out_of_range")
    if day > latest_date():
        raise ValidationError(
            _("The date cannot be more than %(years)d years ahead.") % {"years": FUTURE_YEARS},
            code="date_out_of_range",
        )


def in_past(value) -> None:
    """Validator for dates that describe the past (a collection, a consent, a request):
    not before 1970, not more than five minutes ahead of now."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    if value is None:
        return
    in_range(value)
    now = datetime.datetime.now(datetime.UTC)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        ahead = value > now + PAST_TOLERANCE
    else:
        ahead = _as_date(value) > (now + PAST_TOLERANCE).astimezone(PARIS).date()
    if ahead:
        raise ValidationError(_("The date cannot be in the future."), code="date_in_future")
