"""CSRF on everything a logged-in browser can post to, read from the URL configuration.

Every page route (forms, buttons, the language switch) refuses a POST without the
token from a logged-in session; the same POST with the token gets past the check,
so the refusal is the token's doing. The API, reached with the session cookie
instead of a token, refuses writes without CSRF too.
"""

import uuid

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import get_resolver

from prospects.models import Prospect
from tests.security.test_matrix import _routes
from tests.security.test_roles import BODIES, MULTIPART, ROLE_MATRIX, url_for

pytestmark = pytest.mark.django_db

# Not the project's pages: Django's admin (its own CSRF-protected forms) and the
# development static file server (GET only, absent in production).
NOT_OURS = ("api/", "admin/", "^static/")
# Browsers post CSP violation reports without a token; the endpoint only counts them. Mail
# clients post the one-click objection (RFC 8058) without cookies: the unguessable link is
# the capability, and it can only ever object (tests/consent/test_objection_link.py).
CSRF_EXEMPT = ("csp-report/", "o/<str:token>/")

SAMPLE_ARGUMENTS = {
    "<uuid:pk>": str(uuid.UUID(int=7)),
    "<uuid:attempt_pk>": str(uuid.UUID(int=8)),
    "<uuid:prospect_pk>": str(uuid.UUID(int=9)),
    "<uuid:follow_up_pk>": str(uuid.UUID(int=10)),
    "<int:pk>": "7",
    "<int:employee_id>": "7",
    "<int:employee_pk>": "7",
    "<str:token>": "not-a-signed-token",
    "<str:fmt>": "json",
    "<str:action>": "verify",
}


def page_routes() -> list[str]:
    return sorted(
        route
        for route, _callback in _routes(get_resolver().url_patterns)
        if not route.startswith(NOT_OURS) and route not in CSRF_EXEMPT
    )


def page_url(route: str) -> str:
    for placeholder, value in SAMPLE_ARGUMENTS.items():
        route = route.replace(placeholder, value)
    assert "<" not in route, f"add a sample argument for {route}"
    return "/" + route


def _is_csrf_refusal(answer) -> bool:
    return answer.status_code == 403 and b"CSRF verification failed" in answer.content


@pytest.fixture
def browser(company):
    """A logged-in browser that checks CSRF like a real one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(company.people["manager"].user)
    return client


def _token_for(client: Client) -> str:
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    return token


def test_there_are_pages_to_protect():
    assert {"prospects/new/", "login/", "logout/", "dsar/new/"} <= set(page_routes())


@pytest.mark.parametrize("route", page_routes())
def test_a_page_post_without_the_token_is_refused(browser, route):
    url = page_url(route)
    assert _is_csrf_refusal(browser.post(url, {}))
    with_token = browser.post(url, {"csrfmiddlewaretoken": _token_for(browser)})
    assert not _is_csrf_refusal(with_token), f"{url}: refused even with the token"


API_WRITES = sorted(
    (route, method) for route, method in ROLE_MATRIX if method in ("POST", "PUT", "PATCH", "DELETE")
)


@pytest.mark.parametrize(("route", "method"), API_WRITES)
def test_an_api_write_with_the_session_cookie_needs_the_token(company, route, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(company.people["owner"].user)
    body = BODIES.get((route, method), lambda c: {})(company)
    send = getattr(client, method.lower())
    url = url_for(company, route)
    if (route, method) in MULTIPART:
        answer = send(url, body)
    else:
        answer = send(url, body, content_type="application/json")
    assert answer.status_code == 403, answer.content
    assert "CSRF" in answer.json()["detail"]


def test_the_same_api_write_with_the_token_goes_through(company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(company.people["owner"].user)
    before = Prospect.objects.count()
    answer = client.post(
        "/api/prospects/",
        {"full_name": "Token Holder"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_token_for(client),
    )
    assert answer.status_code == 201, answer.content
    assert Prospect.objects.count() == before + 1
