"""A weak password is refused on every path that sets one, naming the field.

The attack: HR (or a script) gives a new employee ``password123`` through the API,
which used to accept anything ten characters long. Every path runs Django's
password validators (AUTH_PASSWORD_VALIDATORS): the API, HR's page, the operator's
``add_employee`` command and the admin site.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import api_client_for
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db

USERNAME = "weak.hire"
WEAK = [
    "password123",  # a common password
    "8402719365",  # digits only
    "xk3!q",  # too short
    "weak.hire.2026",  # the username again
]
SOUND = "a-sound-passphrase-2026"


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = QUICK_HASHING


def nobody_created() -> bool:
    return not get_user_model().objects.filter(username=USERNAME).exists()


@pytest.mark.parametrize("password", WEAK)
def test_the_api_refuses_a_weak_password_naming_it(hr, password):
    answer = api_client_for(hr).post(
        "/api/employees/",
        {"username": USERNAME, "role": "rep", "password": password},
        format="json",
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["password"]
    assert nobody_created()


def test_the_api_accepts_a_sound_password_that_then_opens_a_session(client, hr):
    answer = api_client_for(hr).post(
        "/api/employees/", {"username": USERNAME, "role": "rep", "password": SOUND}, format="json"
    )
    assert answer.status_code == 201
    signed_in = client.post(reverse("login"), {"username": USERNAME, "password": SOUND})
    assert signed_in.status_code == 302


@pytest.mark.parametrize("password", WEAK)
def test_hrs_page_refuses_a_weak_password_naming_it(client, hr, password):
    client.force_login(hr.user)
    answer = client.post(
        reverse("employee-new"),
        {"username": USERNAME, "role": "rep", "hire_date": "2026-01-05", "password": password},
    )
    assert answer.status_code == 400
    assert list(answer.context["form"].errors) == ["password"]
    assert nobody_created()


@pytest.mark.parametrize("password", WEAK)
def test_the_command_refuses_a_weak_password_and_exits_non_zero(password):
    with pytest.raises(CommandError, match="^password: ") as refused:
        call_command("add_employee", USERNAME, role="dpo", password=password)
    assert refused.value.returncode != 0
    assert password not in str(refused.value)
    assert nobody_created()


def test_the_command_changing_a_password_to_a_weak_one_keeps_the_old_one():
    call_command("add_employee", USERNAME, role="rep", password=SOUND)
    with pytest.raises(CommandError, match="password"):
        call_command("add_employee", USERNAME, role="rep", password="password123")
    assert get_user_model().objects.get(username=USERNAME).check_password(SOUND)


def test_the_admin_refuses_a_weak_password_for_a_new_or_an_existing_login(client, admin_employee):
    client.force_login(admin_employee.user)
    added = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": USERNAME,
            "usable_password": "true",
            "password1": "password123",
            "password2": "password123",
        },
    )
    assert added.status_code == 200
    assert "password2" in added.context["adminform"].form.errors
    assert nobody_created()

    target = admin_employee.user
    changed = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"usable_password": "true", "password1": "password123", "password2": "password123"},
    )
    assert changed.status_code == 200
    assert "password2" in changed.context["form"].errors
    target.refresh_from_db()
    assert not target.check_password("password123")
