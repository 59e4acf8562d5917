"""The 403, 404 and 500 pages: the site's look, what happened, and the way back home.

With DEBUG off, as in production. The API keeps answering JSON.
"""

import uuid

import pytest
from django.urls import include, path

from socialcrm import urls as site_urls
from tests.factories import EmployeeFactory, ProspectFactory


class DeliberateFailure(Exception):
    pass


def _failing_view(request):
    raise DeliberateFailure("the view broke")


# This module is also the URLconf of the 500 tests: the site, plus a page that always fails.
urlpatterns = [path("failing/", _failing_view), path("", include(site_urls))]
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.fixture
def rep(db):
    return EmployeeFactory(role="rep", user__username="alice")


def test_a_prospect_that_does_not_exist_is_a_styled_404_with_the_navigation(client, rep):
    client.force_login(rep.user)

    page = client.get(f"/prospects/{uuid.uuid4()}/")

    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert '<h1 id="error-title">Page not found</h1>' in html
    assert 'aria-label="Main"' in html and "My prospects" in html  # the rep's navigation
    assert 'class="button" href="/">Back to home</a>' in html
    assert 'href="/static/css/app.css"' in html


def test_a_colleagues_prospect_is_the_same_404_as_one_that_never_existed(client, rep):
    other = ProspectFactory(owner=EmployeeFactory(role="rep"))
    client.force_login(rep.user)

    page = client.get(f"/prospects/{other.pk}/")

    assert page.status_code == 404
    assert "Page not found" in page.content.decode()


def test_an_unknown_address_is_the_404_page_without_repeating_the_address(client, rep):
    client.force_login(rep.user)

    page = client.get("/nowhere/camille.morel@example.com/")

    assert page.status_code == 404
    assert "Page not found" in page.content.decode()
    assert "camille.morel" not in page.content.decode()


def test_a_visitor_signed_out_gets_the_404_with_a_way_to_log_in(client, db):
    page = client.get("/nowhere/")

    html = page.content.decode()
    assert page.status_code == 404
    assert 'href="/login/">Log in</a>' in html
    assert "Log out" not in html


def test_a_page_of_another_role_is_a_styled_403(client, db):
    hr = EmployeeFactory(role="hr")
    client.force_login(hr.user)

    page = client.get("/prospects/")

    html = page.content.decode()
    assert page.status_code == 403
    assert '<h1 id="error-title">Access denied</h1>' in html
    assert "Your role does not give access" in html
    assert ">Offboarding</a>" in html  # HR's own navigation is still there
    assert 'class="button" href="/">Back to home</a>' in html


def test_the_error_pages_speak_french(client, rep):
    client.force_login(rep.user)

    missing = client.get(f"/prospects/{uuid.uuid4()}/", HTTP_ACCEPT_LANGUAGE="fr")
    hr = EmployeeFactory(role="hr")
    client.force_login(hr.user)
    forbidden = client.get("/prospects/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Page introuvable" in missing.content.decode()
    assert "Retour à l’accueil" in missing.content.decode()
    assert "Mes prospects" in missing.content.decode()
    assert "Accès refusé" in forbidden.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "title", "home"),
    [
        ("en", "Something went wrong", "Back to home"),
        ("fr", "Une erreur est survenue", "Retour à l’accueil"),
    ],
)
def test_a_view_that_fails_is_a_styled_500_in_the_users_language(
    client, rep, language, title, home
):
    client.force_login(rep.user)
    client.raise_request_exception = False

    page = client.get("/failing/", HTTP_ACCEPT_LANGUAGE=language)

    html = page.content.decode()
    assert page.status_code == 500
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert f'href="/">{home}</a>' in html
    assert 'href="/static/css/app.css"' in html
    assert "DeliberateFailure" not in html and "the view broke" not in html


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        # A fixed id: parameters must be the same in every xdist process.
        ("/api/prospects/00000000-0000-4000-8000-000000000000/", 404, "not_found"),
        ("/api/nowhere/", 404, "not_found"),
    ],
)
def test_the_api_keeps_its_json_errors(client, rep, url, status, code):
    client.force_login(rep.user)

    answer = client.get(url)

    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == code


@pytest.mark.parametrize(
    ("handler", "status", "code"),
    [
        ("page_not_found", 404, "not_found"),
        ("permission_denied", 403, "permission_denied"),
    ],
)
def test_an_error_raised_outside_drf_under_api_still_answers_json(rf, handler, status, code):
    from socialcrm import views

    answer = getattr(views, handler)(rf.get("/api/somewhere/"), Exception("raised by Django"))

    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json"
    assert b'"code": "' + code.encode() + b'"' in answer.content
