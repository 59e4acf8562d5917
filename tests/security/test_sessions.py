"""A browser session lasts 12 hours by default, not Django's 14 days.

The attack: a session cookie taken from a shared computer or a proxy log still opens
the CRM days later.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, EmployeeFactory
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db

TWELVE_HOURS = 12 * 3600


@pytest.fixture
def rep(settings):
    settings.PASSWORD_HASHERS = QUICK_HASHING
    return EmployeeFactory(role="rep")


def _sign_in(client, employee):
    response = client.post(
        reverse("login"), {"username": employee.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_the_session_cookie_lives_twelve_hours_by_default(client, rep):
    response = _sign_in(client, rep)

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == TWELVE_HOURS
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == TWELVE_HOURS


def test_a_session_cookie_older_than_twelve_hours_opens_nothing(client, rep):
    _sign_in(client, rep)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date <= timezone.now() + datetime.timedelta(seconds=TWELVE_HOURS)

    # Twelve hours later: the server-side expiry is moved rather than waited for.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
