"""Legal deadlines count in calendar months, clamped at month ends."""

import datetime

import pytest

from core.dates import PARIS, add_months


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


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (datetime.date(1969, 12, 31), False),
        (datetime.date(1970, 1, 1), True),
        (datetime.datetime(1969, 12, 31, 23, 30, tzinfo=datetime.UTC), False),
        (datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.UTC), True),
        (datetime.date(9999, 12, 31), False),
        ("ten years ahead", True),
        ("ten years and a day ahead", False),
    ],
)
def test_dates_are_bounded_between_1970_and_ten_years_ahead(value, valid):
    from django.core.exceptions import ValidationError

    from core.dates import in_range, latest_date

    if value == "ten years ahead":
        value = latest_date()
    elif value == "ten years and a day ahead":
        value = latest_date() + datetime.timedelta(days=1)
    if valid:
        in_range(value)
    else:
        with pytest.raises(ValidationError):
            in_range(value)


def test_a_date_of_the_past_may_run_five_minutes_ahead_not_more():
    from django.core.exceptions import ValidationError

    from core.dates import in_past

    now = datetime.datetime.now(datetime.UTC)
    in_past(now + datetime.timedelta(minutes=4))
    with pytest.raises(ValidationError):
        in_past(now + datetime.timedelta(minutes=6))
    with pytest.raises(ValidationError):
        in_past(now.astimezone(PARIS).date() + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_a_stored_date_beyond_the_readable_limit_is_read_at_the_limit_logged_and_listed(
    rep, caplog
):
    from io import StringIO

    from django.core.management import call_command

    from core.fields import READABLE_LATEST_DATE
    from prospects.models import Prospect
    from tests.factories import ProspectFactory

    prospect = ProspectFactory(owner=rep)
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=datetime.date(9999, 12, 31))

    read = Prospect.objects.get(pk=prospect.pk)
    assert read.retention_until == READABLE_LATEST_DATE
    assert str(prospect.pk) in caplog.text  # the row is named in the log
    out = StringIO()
    call_command("find_out_of_range_dates", stdout=out)
    assert f"prospects_prospect.retention_until: 1 row(s): {prospect.pk}" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrating_the_database_reports_the_out_of_range_rows_it_holds(rep, capsys):
    """An administrator upgrading a database written before the bounds sees which rows to fix."""
    from django.core.management import call_command

    from prospects.models import Prospect
    from tests.factories import ProspectFactory

    prospect = ProspectFactory(owner=rep, full_name="Camille Legacy")
    Prospect.objects.filter(pk=prospect.pk).update(retention_until=datetime.date(9999, 12, 31))

    call_command("migrate", "socialcrm", "zero", verbosity=0)
    capsys.readouterr()
    call_command("migrate", "socialcrm", verbosity=0)

    printed = capsys.readouterr().out
    assert f"prospects_prospect.retention_until: 1 row(s): {prospect.pk}" in printed
    assert "Camille" not in printed and "9999" not in printed  # ids, never values
    assert Prospect.objects.get(pk=prospect.pk).retention_until is not None  # nothing changed
