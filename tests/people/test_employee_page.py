"""HR's page to add an employee: HR only, a valid password, and the checklist opens."""

import pytest
from django.urls import reverse

from onboarding.models import Onboarding
from people.models import Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

FORM = {
    "username": "lea",
    "role": "rep",
    "hire_date": "2026-01-05",
    "password": "lea-first-day-2026",
}


@pytest.mark.parametrize("role", ["rep", "manager", "dpo"])
def test_only_hr_may_add_an_employee(client, role):
    client.force_login(EmployeeFactory(role=role).user)
    assert client.get(reverse("employee-new")).status_code == 403
    assert client.post(reverse("employee-new"), FORM).status_code == 403
    assert not Employee.objects.filter(user__username="lea").exists()


def test_hr_adds_a_rep_who_can_log_in_and_whose_checklist_is_open(client, hr):
    client.force_login(hr.user)
    response = client.post(reverse("employee-new"), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("hr-onboarding")
    lea = Employee.objects.get(user__username="lea")
    assert (lea.role, str(lea.hire_date)) == ("rep", "2026-01-05")
    assert lea.user.check_password("lea-first-day-2026")
    assert Onboarding.objects.filter(employee=lea, opened_by=hr.user).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "password123"}, "password"),
        ({"role": "admin"}, "role"),
        ({"username": "taken"}, "username"),
    ],
)
def test_a_weak_password_an_admin_role_or_a_taken_username_is_refused(client, hr, change, field):
    EmployeeFactory(user__username="taken")
    client.force_login(hr.user)
    response = client.post(reverse("employee-new"), {**FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Employee.objects.filter(user__username="lea").exists()
