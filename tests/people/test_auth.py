"""Logging in, API tokens, and access that stops at once."""

import pytest
from django.urls import reverse

from people.services import access_revoke
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_good_credentials_and_opens_the_api(client, rep):
    response = client.post(
        "/api/auth/token/", {"username": rep.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/employees/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert [e["username"] for e in me.json()["results"]] == [rep.user.username]


def test_bad_credentials_get_400(client, rep):
    response = client.post("/api/auth/token/", {"username": rep.user.username, "password": "wrong"})
    assert response.status_code == 400


@pytest.mark.parametrize("header", [None, "Token not-a-real-token"])
def test_missing_or_invalid_token_is_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/employees/", **extra)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_a_deactivated_users_token_stops_working_at_once(api_as, rep, hr):
    client = api_as(rep)
    assert client.get("/api/employees/").status_code == 200
    rep.user.is_active = False
    rep.user.save()
    assert client.get("/api/employees/").status_code == 401


def test_revoking_access_deletes_tokens_and_ends_sessions(api_as, client, rep, hr):
    api = api_as(rep)
    client.force_login(rep.user)
    assert client.get(reverse("home")).status_code == 200
    access_revoke(actor=hr.user, user=rep.user)
    assert api.get("/api/employees/").status_code == 401
    assert client.get(reverse("home")).status_code == 302


def test_browser_login_and_logout(client, rep):
    response = client.post(
        reverse("login"), {"username": rep.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_login_is_throttled_after_repeated_failures(client, rep, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            reverse("login"), {"username": rep.user.username, "password": "nope"}
        )
        assert response.status_code == 200
    # Even the right password is refused while the account is throttled.
    response = client.post(
        reverse("login"), {"username": rep.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_unknown_and_known_usernames_get_the_same_answer(client, rep):
    known = client.post(reverse("login"), {"username": rep.user.username, "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody-here", "password": "nope"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_the_token_endpoint_throttles_failed_attempts_only(client, rep, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    good = {"username": rep.user.username, "password": TEST_PASSWORD}
    # Scripts fetch tokens for several users in a row: successes are never limited.
    successes = [client.post("/api/auth/token/", good).status_code for _ in range(15)]
    failures = [
        client.post(
            "/api/auth/token/", {"username": rep.user.username, "password": "x"}
        ).status_code
        for _ in range(4)
    ]
    blocked = client.post("/api/auth/token/", good)

    assert successes == [200] * 15
    assert failures == [400, 400, 400, 429]
    assert blocked.status_code == 429  # even with the right password, until the window ends
    assert blocked.json()["code"] == "throttled"


def test_login_forms_carry_csrf_protection(rep):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("login"), {"username": rep.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
