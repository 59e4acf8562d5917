"""API tokens: stored hashed, expiring, several per user, revoked with the credentials.

The attacks: a copy of the database (or of one row) that opens the API; a token copied
from a script months ago; a token that survives the password change or the deactivation
meant to shut its holder out; a leaver whose access outlives their departure date
because nobody started the offboarding, or ends too early because HR started it early.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from offboarding import services as offboarding_services
from offboarding.models import STEP_ORDER
from people.models import Employee, EmployeeStatus, paris_today
from tests.factories import TEST_PASSWORD, EmployeeFactory
from tests.offboarding.conftest import step_status, the_departure_day_comes
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    # What is tested is which tokens open the API, not the cost of the hash.
    settings.PASSWORD_HASHERS = QUICK_HASHING


@pytest.fixture
def rep(db):
    return EmployeeFactory(role="rep", compliant=True)


def _token(client, employee, password=TEST_PASSWORD) -> dict:
    response = client.post(
        TOKEN_URL, {"username": employee.user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _get(client, token: str) -> int:
    return client.get("/api/employees/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_a_stolen_copy_of_the_token_table_opens_nothing(client, rep):
    token = _token(client, rep)["token"]

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    # What the row holds, presented as a token, is refused.
    row = AuthToken.objects.get()
    assert _get(client, row.digest) == 401
    assert _get(client, row.token_key) == 401
    assert _get(client, token) == 200


def test_the_token_says_when_it_expires_thirty_days_ahead_by_default(client, rep):
    before = timezone.now()

    body = _token(client, rep)

    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    assert set(body) == {"token", "expires_at"}
    assert before + 30 * DAY <= expires_at <= timezone.now() + 30 * DAY


def test_an_expired_token_answers_401(client, rep):
    token = _token(client, rep)["token"]
    # Thirty days later: the expiry is moved in the database rather than waited for.
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    assert _get(client, token) == 401
    assert not AuthToken.objects.exists()  # and it is gone


def test_using_a_token_does_not_extend_it(client, rep):
    token = _token(client, rep)["token"]
    expiry = AuthToken.objects.get().expiry

    assert _get(client, token) == 200

    assert AuthToken.objects.get().expiry == expiry


def test_each_exchange_issues_a_new_token_and_both_work(client, rep):
    first = _token(client, rep)["token"]
    second = _token(client, rep)["token"]

    assert first != second
    assert AuthToken.objects.filter(user=rep.user).count() == 2
    assert (_get(client, first), _get(client, second)) == (200, 200)


def test_delete_revokes_the_presented_token_only(client, rep):
    laptop = _token(client, rep)["token"]
    script = _token(client, rep)["token"]

    response = client.delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Token {laptop}")

    assert response.status_code == 204
    assert (_get(client, laptop), _get(client, script)) == (401, 200)
    assert client.delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Token {laptop}").status_code == 401


def test_delete_without_a_token_revokes_nothing(client, rep):
    token = _token(client, rep)["token"]
    client.force_login(rep.user)

    assert client.delete(TOKEN_URL).status_code == 401
    assert _get(client, token) == 200


def test_a_password_change_revokes_every_token(client, rep):
    tokens = [_token(client, rep)["token"] for _ in range(2)]

    rep.user.set_password("a-brand-new-passphrase-2026")
    rep.user.save()

    assert [_get(client, t) for t in tokens] == [401, 401]
    assert not AuthToken.objects.filter(user=rep.user).exists()


def test_a_password_changed_in_the_admin_revokes_every_token(client, rep, admin_employee):
    token = _token(client, rep)["token"]
    client.force_login(admin_employee.user)
    new = "a-brand-new-passphrase-2026"

    response = client.post(
        reverse("admin:auth_user_password_change", args=[rep.user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    assert _get(client, token) == 401


def test_a_password_changed_by_the_command_revokes_every_token(client, rep):
    token = _token(client, rep)["token"]

    call_command(
        "add_employee", rep.user.username, "--role", "rep", "--password", "another-passphrase-26"
    )

    assert _get(client, token) == 401


def test_the_rehash_of_an_unchanged_password_at_sign_in_keeps_the_tokens(client, rep, settings):
    token = _token(client, rep)["token"]
    hashed_before = rep.user.password
    # A stronger hasher becomes the default: the next sign-in re-hashes the same password.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    _token(client, rep)

    rep.user.refresh_from_db()
    assert rep.user.password != hashed_before  # re-hashed indeed
    assert _get(client, token) == 200


def test_a_deactivation_revokes_every_token(client, rep):
    token = _token(client, rep)["token"]

    rep.user.is_active = False
    rep.user.save()

    assert not AuthToken.objects.filter(user=rep.user).exists()
    rep.user.is_active = True
    rep.user.save()
    assert _get(client, token) == 401  # reactivating does not bring a token back


def test_past_the_departure_date_without_a_case_the_leaver_is_refused_everywhere(client, rep):
    token = _token(client, rep)["token"]
    Employee.objects.filter(pk=rep.pk).update(departure_date=paris_today() - DAY)

    assert _get(client, token) == 401
    refused = client.post(
        TOKEN_URL, {"username": rep.user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert refused.status_code == 400
    client.post(reverse("login"), {"username": rep.user.username, "password": TEST_PASSWORD})
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_past_the_departure_date_an_administrator_cannot_sign_in_to_the_admin(
    client, admin_employee
):
    user = admin_employee.user
    Employee.objects.filter(pk=admin_employee.pk).update(departure_date=paris_today() - DAY)

    client.post(
        reverse("admin:login"),
        {"username": user.username, "password": TEST_PASSWORD, "next": "/admin/"},
    )

    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_hourly_job_deletes_the_tokens_of_leavers_without_a_case(client, rep):
    _token(client, rep)
    Employee.objects.filter(pk=rep.pk).update(departure_date=paris_today())

    assert offboarding_services.departures_due_apply() == 1
    assert not AuthToken.objects.filter(user=rep.user).exists()


def _run_checklist(case) -> None:
    """Each step in turn, here and now (no worker): what a worker would do."""
    for key in STEP_ORDER:
        offboarding_services.step_run(offboarding_id=case.pk, key=key)


def test_a_case_started_before_a_future_departure_leaves_access_until_the_day(client, rep, hr):
    token = _token(client, rep)["token"]
    browser = Client()
    browser.force_login(rep.user)
    case = offboarding_services.offboarding_create(
        actor=hr.user,
        employee=rep,
        departure_date=paris_today() + 10 * DAY,
        successor=EmployeeFactory(role="rep", compliant=True),
    )

    offboarding_services.offboarding_start(actor=hr.user, offboarding=case)
    _run_checklist(case)

    # Nothing to attest: every step before revoke_access is done; it waits for the day.
    assert step_status(case, "revoke_access") == "waiting"
    assert _get(client, token) == 200
    assert browser.get(reverse("home")).status_code == 200
    assert _token(client, rep)["token"]
    hr_browser = Client()
    hr_browser.force_login(hr.user)
    page = hr_browser.get(reverse("offboarding", args=[case.pk])).content.decode()
    assert 'data-waiting="revoke_access"' in page  # HR is told why, not "attestation"
    assert "keeps their access until the departure date" in page

    the_departure_day_comes(case)
    assert _get(client, token) == 401  # at midnight, before any job runs
    assert browser.get(reverse("home")).status_code == 302
    offboarding_services.departures_due_apply()
    offboarding_services.step_run(offboarding_id=case.pk, key="revoke_access")
    assert step_status(case, "revoke_access") == "done"
    assert Employee.objects.get(pk=rep.pk).status == EmployeeStatus.DEPARTED
    assert not AuthToken.objects.filter(user=rep.user).exists()


def test_the_daily_job_deletes_expired_tokens_only(client, rep):
    from people.tasks import delete_expired_tokens

    expired, valid = _token(client, rep)["token"], _token(client, rep)["token"]
    AuthToken.objects.filter(token_key=expired[:15]).update(expiry=timezone.now() - DAY)

    assert delete_expired_tokens() == 1
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [valid[:15]]
