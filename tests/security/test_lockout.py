"""Password guessing meets one lockout, whatever door, spelling or header the attacker uses.

The attacker guesses dora's password on the login page, the API token endpoint
and the admin's login; spells her name ``ＤＯＲＡ`` or ``Dora ``; writes
``X-Forwarded-For`` to look like a new client each time. All of it counts against
one lockout. Meanwhile sam, behind the same office address, still signs in, and
dora still signs in from her own address.
"""

import pytest
from django.test import Client
from django.urls import reverse

from core.client import client_address
from tests.factories import TEST_PASSWORD, EmployeeFactory
from tests.security.conftest import QUICK_HASHING

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.10"
ATTACKER = "198.51.100.9"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.PASSWORD_HASHERS = QUICK_HASHING
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.LOGIN_WIDE_FAILURE_FACTOR = 4


@pytest.fixture
def dora(db):
    # An administrator: the admin's login is a door she really uses.
    return EmployeeFactory(
        role="admin", user__username="dora", user__is_staff=True, user__is_superuser=True
    )


@pytest.fixture
def sam(db):
    return EmployeeFactory(role="rep", user__username="sam")


def page(username, password, address=OFFICE, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        reverse("login"), {"username": username, "password": password}
    )


def api(username, password, address=OFFICE, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        "/api/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )


def admin(username, password, address=OFFICE, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def signed_in(response) -> bool:
    """The page or the admin redirected to where the user was going: a session is open."""
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_guesses_on_the_page_the_api_and_the_admin_count_against_one_lockout(dora):
    assert page("dora", "guess-1").status_code == 200
    assert api("dora", "guess-2").status_code == 400
    assert admin("dora", "guess-3").status_code == 200

    # Now even the right password is refused at every door, without being checked.
    refused_page = page("dora", TEST_PASSWORD)
    refused_api = api("dora", TEST_PASSWORD)
    refused_admin = admin("dora", TEST_PASSWORD)
    assert refused_page.status_code == 429
    assert "Too many failed attempts" in refused_page.content.decode()
    assert "_auth_user_id" not in refused_page.wsgi_request.session
    assert refused_api.status_code == 429
    assert refused_api.json()["code"] == "throttled"
    assert "token" not in refused_api.json()
    assert refused_admin.status_code == 429
    assert "_auth_user_id" not in refused_admin.wsgi_request.session


def test_before_the_limit_the_right_password_still_works_everywhere(dora):
    assert page("dora", "guess-1").status_code == 200
    assert signed_in(admin("dora", TEST_PASSWORD))
    assert api("dora", TEST_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "spellings",
    [
        ["ＤＯＲＡ", "Dora ", "DORA"],  # full-width look-alikes, a trailing space, capitals
        [" dora", "Ｄｏｒａ", "dOrA\t"],
    ],
)
def test_look_alike_spellings_of_a_username_count_for_that_username(dora, spellings):
    for spelling in spellings:
        assert page(spelling, "guess").status_code == 200
    assert page("dora", TEST_PASSWORD).status_code == 429
    assert api("dora", TEST_PASSWORD).status_code == 429


def test_an_unknown_username_is_locked_out_with_the_same_answer_as_a_known_one(dora):
    for username in ("dora", "nobody"):
        for _ in range(LIMIT):
            assert api(username, "guess").status_code == 400
    known, unknown = api("dora", "guess"), api("nobody", "guess")
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()


def test_a_colleague_behind_the_same_address_signs_in_while_one_account_is_locked(dora, sam):
    for _ in range(LIMIT):
        page("dora", "guess")
    # The attacker keeps hammering the locked account: refused, and not counted again.
    for _ in range(5 * LIMIT * 4):
        assert page("dora", "guess").status_code == 429
    assert page("dora", TEST_PASSWORD).status_code == 429
    assert signed_in(page("sam", TEST_PASSWORD))
    assert api("sam", TEST_PASSWORD).status_code == 200


def test_an_attacker_at_one_address_does_not_lock_dora_out_of_her_own(dora):
    for _ in range(LIMIT):
        page("dora", "guess", address=ATTACKER)
    assert page("dora", TEST_PASSWORD, address=ATTACKER).status_code == 429
    assert signed_in(page("dora", TEST_PASSWORD, address=OFFICE))


def test_guessing_one_account_from_many_addresses_is_locked_out_everywhere(dora):
    # Each address stops at its own limit; the username's wider budget (4×) runs out.
    for n in range(4):
        for _ in range(LIMIT):
            assert page("dora", "guess", address=f"203.0.113.{n}").status_code == 200
    assert page("dora", TEST_PASSWORD, address="203.0.113.99").status_code == 429
    assert page("dora", TEST_PASSWORD, address=OFFICE).status_code == 429


def test_a_forwarded_for_header_does_not_make_a_new_client_without_a_trusted_proxy(dora, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(LIMIT):
        page("dora", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert page("dora", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200").status_code == 429
    # Spraying usernames with a new header each time still spends the address's budget.
    for n in range(LIMIT * 4):
        page(f"guess{n}", "guess", address=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.8.8.{n}")
    refused = page("sam", TEST_PASSWORD, address=ATTACKER, HTTP_X_FORWARDED_FOR="10.8.8.250")
    assert refused.status_code == 429


def test_behind_one_trusted_proxy_the_lockout_follows_the_address_the_proxy_saw(dora, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for n in range(LIMIT):
        # The attacker writes a new first entry each time; the proxy appends the real address.
        page("dora", "guess", address=proxy, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, {ATTACKER}")
    attacker = page("dora", TEST_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert attacker.status_code == 429
    # Dora, behind the same proxy at her own address, is a different client.
    assert signed_in(page("dora", TEST_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OFFICE))


PUBLIC_REQUEST = {"type": "access", "email": "jane@example.com", "full_name": "Jane Doe"}


def _public_api(address, forwarded):
    return Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded).post(
        "/api/dsar/public/", PUBLIC_REQUEST, content_type="application/json"
    )


def _public_page(address, forwarded):
    return Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("dsar-public"), PUBLIC_REQUEST
    )


@pytest.mark.parametrize("send", [_public_api, _public_page], ids=["api", "page"])
def test_a_forwarded_for_header_does_not_lift_the_public_request_throttle(send, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    limit = int(settings.DSAR_PUBLIC_THROTTLE_RATE.partition("/")[0])
    statuses = [send(ATTACKER, f"10.1.{n // 250}.{n % 250}").status_code for n in range(limit + 1)]
    assert statuses[:limit] == [statuses[0]] * limit
    assert statuses[0] in (202, 302)
    assert statuses[limit] == 429


@pytest.mark.parametrize("send", [_public_api, _public_page], ids=["api", "page"])
def test_behind_a_trusted_proxy_the_public_throttle_counts_the_last_hop(send, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit = int(settings.DSAR_PUBLIC_THROTTLE_RATE.partition("/")[0])
    proxy = "127.0.0.1"
    statuses = [send(proxy, f"10.2.0.{n}, {ATTACKER}").status_code for n in range(limit + 1)]
    assert statuses[limit] == 429
    # Another client behind the same proxy has its own budget.
    assert send(proxy, f"10.2.0.1, {OFFICE}").status_code in (202, 302)


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "", "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.5", "192.0.2.1"),  # no proxy: the header is the client's
        (1, "10.0.0.2", "", "10.0.0.2"),  # reached the app without the proxy
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "10.0.0.2", "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies
        (1, "10.0.0.2", "6.6.6.6, not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_is_read_only_as_deep_as_the_trusted_proxies(
    rf, settings, hops, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = hops
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_address(rf.get("/", REMOTE_ADDR=remote, **headers)) == expected
