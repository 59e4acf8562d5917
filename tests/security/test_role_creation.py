"""Who may make whom: the attack is HR (or anyone below an administrator) minting a DPO.

A DPO reads every prospect and an administrator runs the system, so only an
administrator gives those roles (API.md v2). Each way in is tried: the API (there is
no update route to promote through), HR's page, and the admin site as a staff HR
member. The operator's ``add_employee`` command, which needs the server, gives any
role (tests/security/test_passwords.py and tests/people/test_commands.py).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from people.models import Employee
from tests.conftest import api_client_for
from tests.factories import EmployeeFactory
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db

ROLES = ("rep", "manager", "hr", "dpo", "admin")
CREATED, FORBIDDEN = 201, 403

# caller's role: the answer for each target role, in the order of ROLES.
API_TABLE = {
    "rep": (FORBIDDEN,) * 5,
    "manager": (FORBIDDEN,) * 5,
    "dpo": (FORBIDDEN,) * 5,
    "hr": (CREATED, CREATED, CREATED, FORBIDDEN, FORBIDDEN),
    "admin": (CREATED,) * 5,
}


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = QUICK_HASHING


def persona(role: str) -> Employee:
    if role == "admin":
        return EmployeeFactory(role="admin", user__is_staff=True, user__is_superuser=True)
    return EmployeeFactory(role=role)


@pytest.mark.parametrize(
    ("caller", "target", "expected"),
    [
        (caller, target, expected)
        for caller, answers in API_TABLE.items()
        for target, expected in zip(ROLES, answers, strict=True)
    ],
)
def test_creating_an_employee_of_each_role_through_the_api(caller, target, expected):
    answer = api_client_for(persona(caller)).post(
        "/api/employees/",
        {"username": "new.hire", "role": target, "password": "a-sound-passphrase-2026"},
        format="json",
    )
    assert answer.status_code == expected, answer.content
    created = Employee.objects.filter(user__username="new.hire").first()
    if expected == CREATED:
        assert created.role == target
        assert created.user.is_superuser == (target == "admin")
    else:
        assert created is None
        assert not get_user_model().objects.filter(username="new.hire").exists()


def test_there_is_no_api_route_to_promote_an_existing_employee(hr):
    rep = EmployeeFactory(role="rep", user__username="promote.me")
    api = api_client_for(hr)
    patched = api.patch(f"/api/employees/{rep.pk}/", {"role": "dpo"}, format="json")
    again = api.post("/api/employees/", {"username": "promote.me", "role": "dpo"}, format="json")
    assert patched.status_code == 405
    assert again.status_code in (400, 403)
    rep.refresh_from_db()
    assert rep.role == "rep"


PAGE_FORM = {"username": "new.hire", "hire_date": "2026-01-05", "password": "a-sound-pass-2026"}


@pytest.mark.parametrize(
    ("caller", "target", "created"),
    [
        ("hr", "rep", True),
        ("hr", "manager", True),
        ("hr", "hr", True),
        ("hr", "dpo", False),
        ("hr", "admin", False),
        ("admin", "dpo", True),
        ("admin", "admin", True),
    ],
)
def test_creating_an_employee_of_each_role_on_the_page(client, caller, target, created):
    client.force_login(persona(caller).user)
    offered = client.get(reverse("employee-new")).context["form"].fields["role"].choices
    answer = client.post(reverse("employee-new"), {**PAGE_FORM, "role": target})
    assert (target in dict(offered)) == created
    exists = Employee.objects.filter(user__username="new.hire", role=target).exists()
    assert exists == created
    if not created:
        assert answer.status_code == 400
        assert "role" in answer.context["form"].errors


@pytest.mark.parametrize("caller", ["rep", "manager", "dpo"])
def test_the_page_is_closed_to_roles_that_create_nobody(client, caller):
    client.force_login(persona(caller).user)
    answer = client.post(reverse("employee-new"), {**PAGE_FORM, "role": "rep"})
    assert answer.status_code == 403
    assert not Employee.objects.filter(user__username="new.hire").exists()


# --- the admin site, as an HR member given staff access and every permission on people ---


@pytest.fixture
def staff_hr(client):
    hr = EmployeeFactory(role="hr", user__is_staff=True)
    hr.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=("people", "auth"))
    )
    client.force_login(hr.user)
    return hr


def _employee_form(employee: Employee, **change) -> dict:
    return {
        "role": employee.role,
        "hire_date": employee.hire_date.isoformat(),
        "departure_date": "",
        "manager": "",
        "work_days": "12345",
        "work_start": "09:00",
        "work_end": "19:00",
        "_save": "Save",
        **change,
    }


def _change_url(employee: Employee) -> str:
    return reverse("admin:people_employee_change", args=[employee.pk])


@pytest.mark.parametrize("target", ["dpo", "admin"])
def test_a_staff_hr_member_cannot_promote_to_dpo_or_admin_in_the_admin(client, staff_hr, target):
    rep = EmployeeFactory(role="rep")
    for employee in (rep, staff_hr):
        client.post(_change_url(employee), _employee_form(employee, role=target))
        employee.refresh_from_db()
        employee.user.refresh_from_db()
        assert employee.role != target
        assert not employee.user.is_superuser


def test_a_staff_hr_member_cannot_demote_the_dpo_in_the_admin(client, staff_hr, dpo):
    client.post(_change_url(dpo), _employee_form(dpo, role="rep"))
    dpo.refresh_from_db()
    assert dpo.role == "dpo"


def test_a_staff_hr_member_still_gives_the_everyday_roles_in_the_admin(client, staff_hr):
    rep = EmployeeFactory(role="rep")
    answer = client.post(_change_url(rep), _employee_form(rep, role="manager"))
    assert answer.status_code == 302
    rep.refresh_from_db()
    assert rep.role == "manager"


def test_a_staff_hr_member_cannot_touch_logins_in_the_admin(client, staff_hr, admin_employee):
    own = reverse("admin:auth_user_change", args=[staff_hr.user.pk])
    made_superuser = client.post(
        own,
        {
            "username": staff_hr.user.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    reset_admin = client.post(
        reverse("admin:auth_user_password_change", args=[admin_employee.user.pk]),
        {"password1": "taken-over-2026!", "password2": "taken-over-2026!"},
    )
    assert made_superuser.status_code == reset_admin.status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    staff_hr.user.refresh_from_db()
    assert not staff_hr.user.is_superuser
    admin_employee.user.refresh_from_db()
    assert not admin_employee.user.check_password("taken-over-2026!")


def test_an_administrator_promotes_to_dpo_and_admin_in_the_admin(client, admin_employee):
    client.force_login(admin_employee.user)
    rep, other = EmployeeFactory(role="rep"), EmployeeFactory(role="rep")
    assert client.post(_change_url(rep), _employee_form(rep, role="dpo")).status_code == 302
    assert client.post(_change_url(other), _employee_form(other, role="admin")).status_code == 302
    rep.refresh_from_db()
    other.refresh_from_db()
    assert (rep.role, other.role) == ("dpo", "admin")
    assert other.user.is_superuser
