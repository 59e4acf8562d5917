"""Logging in tells nobody which usernames exist, and slows down guessing.

tests/people/test_auth.py covers the browser form's message for a known and an
unknown username, its throttling for a known one, and the token endpoint's
throttling. Here: the token endpoint's answers, inactive accounts, and the
throttle answering the same whether or not the username exists.
"""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, EmployeeFactory
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    # Dozens of password checks here; what is tested is the answer, not the hash's cost.
    settings.PASSWORD_HASHERS = QUICK_HASHING


@pytest.fixture
def known(db):
    return EmployeeFactory(role="rep", user__username="known.user")


@pytest.fixture
def inactive(db):
    employee = EmployeeFactory(role="rep", user__username="gone.user")
    employee.user.is_active = False
    employee.user.save()
    return employee


def test_the_token_endpoint_answers_alike_for_unknown_users_wrong_passwords_and_closed_accounts(
    client, known, inactive
):
    answers = [
        client.post("/api/auth/token/", {"username": username, "password": password})
        for username, password in (
            ("known.user", "wrong-password"),
            ("nobody.here", "wrong-password"),
            ("gone.user", TEST_PASSWORD),  # the right password of a deactivated account
        )
    ]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert answers[0].json() == answers[1].json() == answers[2].json()


def test_the_login_form_answers_a_closed_account_like_a_wrong_password(client, known, inactive):
    wrong = client.post(reverse("login"), {"username": "known.user", "password": "nope"})
    closed = client.post(reverse("login"), {"username": "gone.user", "password": TEST_PASSWORD})
    assert wrong.status_code == closed.status_code == 200
    assert wrong.context["form"].non_field_errors() == closed.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def _fail(client, username: str, times: int) -> list[int]:
    return [
        client.post(reverse("login"), {"username": username, "password": "nope"}).status_code
        for _ in range(times)
    ]


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(client, known, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    known_statuses = _fail(client, "known.user", 4)
    unknown_statuses = _fail(client, "nobody.here", 4)
    assert known_statuses == unknown_statuses == [200, 200, 200, 429]


def test_guessing_across_many_usernames_from_one_address_is_throttled(client, known, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    # Each name stays under its own limit; the address's wider budget (4×) runs out.
    statuses = [
        client.post(reverse("login"), {"username": f"guess{n}", "password": "nope"}).status_code
        for n in range(9)
    ]
    assert statuses == [200] * 8 + [429]
    # The real account is refused from that address too, even with its password.
    blocked = client.post(reverse("login"), {"username": "known.user", "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
