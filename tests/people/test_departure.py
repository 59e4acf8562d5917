"""RULES 12: an employee is inactive from their departure date, whether or not a case was started.

The departure date is a Paris calendar date: the day it names starts at midnight
in Paris, winter and summer alike. From that day the gate says
``employee_inactive``, API tokens answer 401 and sign-in is refused, unless an
offboarding case leaves them their attestation page.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from offboarding import services as offboarding_services
from people.models import Employee, EmployeeStatus, paris_today
from people.selectors import active_employees, has_left
from tests.factories import TEST_PASSWORD, EmployeeFactory

DAY = datetime.timedelta(days=1)


def _employee(*, status="active", departure_date=None, user_active=True) -> Employee:
    user = get_user_model()(username="someone", is_active=user_active)
    return Employee(
        user=user, status=status, hire_date=datetime.date(2024, 3, 1), departure_date=departure_date
    )


def _at(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


TODAY = datetime.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("status", "departure_date", "user_active", "active"),
    [
        ("active", None, True, True),
        ("active", TODAY + DAY, True, True),  # the day before: still at work
        ("active", TODAY, True, False),  # the day itself, no case started
        ("active", TODAY - DAY, True, False),  # the day after
        ("active", datetime.date(1970, 1, 1), True, False),
        ("offboarding", TODAY + 10 * DAY, True, False),  # offboarding started earlier
        ("departed", None, True, False),
        ("departed", TODAY + DAY, True, False),
        ("active", None, False, False),  # a deactivated login
    ],
    ids=[
        "no-date",
        "day-before",
        "the-day",
        "day-after",
        "1970",
        "offboarding-before-the-date",
        "departed-no-date",
        "departed-future-date",
        "login-deactivated",
    ],
)
def test_who_is_an_active_employee(monkeypatch, status, departure_date, user_active, active):
    _at(monkeypatch, datetime.datetime(2026, 12, 7, 11, 0, tzinfo=datetime.UTC))
    employee = _employee(status=status, departure_date=departure_date, user_active=user_active)

    assert employee.is_active_employee is active


@pytest.mark.parametrize(
    ("moment", "departure_date", "active"),
    [
        # Winter (UTC+1): the departure day starts at 23:00 UTC the evening before.
        (datetime.datetime(2026, 12, 6, 22, 59, 59, tzinfo=datetime.UTC), TODAY, True),
        (datetime.datetime(2026, 12, 6, 23, 0, 0, tzinfo=datetime.UTC), TODAY, False),
        # Summer (UTC+2): at 22:00 UTC the evening before.
        (
            datetime.datetime(2026, 6, 30, 21, 59, tzinfo=datetime.UTC),
            datetime.date(2026, 7, 1),
            True,
        ),
        (
            datetime.datetime(2026, 6, 30, 22, 0, tzinfo=datetime.UTC),
            datetime.date(2026, 7, 1),
            False,
        ),
        # The night of the change to summer time, and a month end.
        (
            datetime.datetime(2026, 3, 28, 22, 59, tzinfo=datetime.UTC),
            datetime.date(2026, 3, 29),
            True,
        ),
        (
            datetime.datetime(2026, 3, 28, 23, 0, tzinfo=datetime.UTC),
            datetime.date(2026, 3, 29),
            False,
        ),
        (
            datetime.datetime(2026, 10, 31, 22, 59, tzinfo=datetime.UTC),
            datetime.date(2026, 11, 1),
            True,
        ),
        (
            datetime.datetime(2026, 10, 31, 23, 0, tzinfo=datetime.UTC),
            datetime.date(2026, 11, 1),
            False,
        ),
        # A leap day.
        (
            datetime.datetime(2028, 2, 28, 22, 59, tzinfo=datetime.UTC),
            datetime.date(2028, 2, 29),
            True,
        ),
        (
            datetime.datetime(2028, 2, 28, 23, 0, tzinfo=datetime.UTC),
            datetime.date(2028, 2, 29),
            False,
        ),
        (
            datetime.datetime(2028, 3, 1, 10, 0, tzinfo=datetime.UTC),
            datetime.date(2028, 2, 29),
            False,
        ),
    ],
)
def test_the_departure_date_is_a_paris_date(monkeypatch, settings, moment, departure_date, active):
    # Whatever the server's zone: the departure date names a day in Paris.
    settings.TIME_ZONE = "UTC"
    _at(monkeypatch, moment)
    employee = _employee(departure_date=departure_date)

    assert employee.is_active_employee is active
    assert has_left(employee) is not active


@pytest.mark.django_db
def test_the_gate_says_employee_inactive_from_the_departure_date_without_a_case():
    from consent.facts import gather_facts
    from consent.gate import decide
    from prospects.selectors import prospects_visible_to
    from tests.factories import ProspectFactory

    employee = EmployeeFactory(role="rep", compliant=True)
    prospect = ProspectFactory(owner=employee)
    codes = {}
    for label, departure_date in [
        ("tomorrow", paris_today() + DAY),
        ("today", paris_today()),
    ]:
        Employee.objects.filter(pk=employee.pk).update(departure_date=departure_date)
        fresh = Employee.objects.select_related("user").get(pk=employee.pk)
        facts, _row = gather_facts(
            employee=fresh,
            prospects=prospects_visible_to(fresh.user),
            prospect_id=prospect.pk,
            channel="phone",
            now=timezone.now(),
        )
        codes[label] = {reason.code for reason in decide(facts).reasons}

    assert "employee_inactive" not in codes["tomorrow"]
    assert "employee_inactive" in codes["today"]


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "expected"), [(1, 200), (0, 401), (-1, 401)])
def test_tokens_answer_401_from_the_departure_date_without_a_case(api_as, offset, expected):
    employee = EmployeeFactory(role="rep")
    client = api_as(employee)
    Employee.objects.filter(pk=employee.pk).update(
        departure_date=paris_today() + datetime.timedelta(days=offset)
    )

    response = client.get("/api/employees/")

    assert response.status_code == expected
    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.ACTIVE


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "signed_in"), [(1, True), (0, False), (-1, False)])
def test_sign_in_is_refused_from_the_departure_date_without_a_case(client, offset, signed_in):
    employee = EmployeeFactory(role="rep")
    Employee.objects.filter(pk=employee.pk).update(
        departure_date=paris_today() + datetime.timedelta(days=offset)
    )

    response = client.post(
        reverse("login"), {"username": employee.user.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert (home.status_code == 200) is signed_in
    if not signed_in:
        assert response["Location"] == reverse("login")
        page = client.get(response["Location"]).content.decode()
        assert "Your access to SocialCRM has ended." in page


@pytest.mark.django_db
def test_a_session_opened_before_the_departure_date_ends_on_that_day(client):
    employee = EmployeeFactory(role="rep")
    client.force_login(employee.user)
    assert client.get(reverse("home")).status_code == 200

    Employee.objects.filter(pk=employee.pk).update(departure_date=paris_today())

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/api/employees/").status_code in (401, 403)


@pytest.mark.django_db
def test_hr_records_a_departure_late_and_it_takes_effect_at_once(api_as, hr):
    leaver = EmployeeFactory(role="rep", compliant=True)
    successor = EmployeeFactory(role="rep", compliant=True)
    leaver_api = api_as(leaver)
    assert leaver_api.get("/api/employees/").status_code == 200
    past = paris_today() - 3 * DAY

    response = api_as(hr).post(
        "/api/offboardings/",
        {"employee": leaver.pk, "departure_date": past.isoformat(), "successor": successor.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    leaver.refresh_from_db()
    assert leaver.departure_date == past
    assert not leaver.is_active_employee
    assert leaver_api.get("/api/employees/").status_code == 401
    assert not AuthToken.objects.filter(user=leaver.user).exists()


@pytest.mark.django_db
def test_a_future_departure_recorded_by_hr_changes_nothing_until_the_day(api_as, hr):
    leaver = EmployeeFactory(role="rep", compliant=True)
    successor = EmployeeFactory(role="rep", compliant=True)
    offboarding_services.offboarding_create(
        actor=hr.user, employee=leaver, departure_date=paris_today() + DAY, successor=successor
    )

    leaver.refresh_from_db()
    assert leaver.departure_date == paris_today() + DAY
    assert leaver.is_active_employee
    assert api_as(leaver).get("/api/employees/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("departure_date", "field_ok"),
    [
        ("1969-12-31", False),
        ("1970-01-01", True),
        ("not-a-date", False),
        ("99999-01-01", False),
    ],
)
def test_the_departure_date_is_bounded(api_as, hr, departure_date, field_ok):
    leaver = EmployeeFactory(role="rep", hire_date=datetime.date(1970, 1, 1))
    successor = EmployeeFactory(role="rep", compliant=True)

    response = api_as(hr).post(
        "/api/offboardings/",
        {"employee": leaver.pk, "departure_date": departure_date, "successor": successor.pk},
        format="json",
    )

    if field_ok:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400
        assert "departure_date" in response.json()
        assert not leaver.offboardings.exists()


@pytest.mark.django_db
def test_the_departure_date_may_be_ten_years_ahead_not_more(api_as, hr):
    from core.dates import latest_date

    successor = EmployeeFactory(role="rep", compliant=True)
    results = []
    for day in (latest_date(), latest_date() + DAY):
        leaver = EmployeeFactory(role="rep")
        response = api_as(hr).post(
            "/api/offboardings/",
            {"employee": leaver.pk, "departure_date": day.isoformat(), "successor": successor.pk},
            format="json",
        )
        results.append(response.status_code)
        if response.status_code == 400:
            assert "departure_date" in response.json()

    assert results == [201, 400]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hire_date", "status"),
    [("1969-12-31", 400), ("1970-01-01", 201), ("2039-01-01", 400), ("0001-01-01", 400)],
)
def test_the_hire_date_is_bounded(api_as, hr, hire_date, status):
    response = api_as(hr).post(
        "/api/employees/",
        {"username": "newhire", "role": "rep", "hire_date": hire_date},
        format="json",
    )

    assert response.status_code == status, response.content
    if status == 400:
        assert "hire_date" in response.json()
        assert not get_user_model().objects.filter(username="newhire").exists()


@pytest.mark.django_db
def test_hr_form_refuses_a_hire_date_out_of_bounds(client, hr):
    client.force_login(hr.user)

    response = client.post(
        "/hr/employees/new/",
        {
            "username": "newhire",
            "role": "rep",
            "hire_date": "1969-12-31",
            "password": "a-long-enough-passphrase-2026",
        },
    )

    assert response.status_code == 400
    assert "hire_date" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="newhire").exists()


@pytest.mark.django_db
def test_an_employee_past_their_departure_date_is_no_successor_nor_manager(api_as, hr):
    leaver = EmployeeFactory(role="rep")
    gone = EmployeeFactory(role="rep", departure_date=paris_today())
    staying = EmployeeFactory(role="manager", departure_date=paris_today() + DAY)

    assert set(active_employees()) >= {leaver, staying}
    assert gone not in set(active_employees())
    response = api_as(hr).post(
        "/api/offboardings/",
        {
            "employee": leaver.pk,
            "departure_date": (paris_today() + 5 * DAY).isoformat(),
            "successor": gone.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "successor" in response.json()
