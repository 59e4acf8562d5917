"""The access matrix, generated from the URL configuration.

Every API route × method has a row saying what a caller without credentials
and a departed employee (their token still stored, their user deactivated) get.
A new endpoint without a row fails the suite, so nobody ships an operation
whose access nobody wrote down. Everything else answers 401 to both: only the
health check, the schema pages, the token exchange and the public DSAR intake
are open.
"""

import uuid

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.conftest import api_client_for
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
CLOSED = (401, 401)

# (route, method): (anonymous, departed employee). CLOSED unless it is open on purpose.
MATRIX = {
    ("api/auth/token/", "POST"): (400, 401),  # empty credentials; a dead token is refused first
    ("api/auth/token/", "DELETE"): CLOSED,  # revoking takes the token itself
    ("api/health/", "GET"): (200, 200),  # load balancers ask without credentials
    ("api/schema/", "GET"): (200, 401),
    ("api/docs/", "GET"): (200, 401),
    ("api/dsar/public/", "POST"): (400, 400),  # anyone may ask about their data: empty form
    ("api/employees/", "GET"): CLOSED,
    ("api/employees/", "POST"): CLOSED,
    ("api/employees/<int:pk>/", "GET"): CLOSED,
    ("api/employees/<int:pk>/compliance/", "GET"): CLOSED,
    ("api/employees/<int:pk>/onboarding/", "GET"): CLOSED,
    ("api/social-accounts/", "GET"): CLOSED,
    ("api/social-accounts/", "POST"): CLOSED,
    ("api/audit/", "GET"): CLOSED,
    ("api/prospects/", "GET"): CLOSED,
    ("api/prospects/", "POST"): CLOSED,
    ("api/prospects/<uuid:pk>/", "GET"): CLOSED,
    ("api/prospects/<uuid:pk>/", "PATCH"): CLOSED,
    ("api/prospects/<uuid:pk>/", "DELETE"): CLOSED,
    ("api/prospects/<uuid:pk>/history/", "GET"): CLOSED,
    ("api/prospects/<uuid:pk>/shares/", "GET"): CLOSED,
    ("api/prospects/<uuid:pk>/shares/", "POST"): CLOSED,
    ("api/prospects/<uuid:pk>/shares/", "DELETE"): CLOSED,
    ("api/prospects/<uuid:pk>/consents/", "GET"): CLOSED,
    ("api/prospects/contribution/", "GET"): CLOSED,
    ("api/prospects/contribution/", "POST"): CLOSED,
    ("api/consents/", "GET"): CLOSED,
    ("api/consents/", "POST"): CLOSED,
    ("api/consents/<uuid:pk>/", "GET"): CLOSED,
    ("api/oppositions/", "GET"): CLOSED,
    ("api/oppositions/", "POST"): CLOSED,
    ("api/oppositions/check/", "POST"): CLOSED,
    ("api/outreach/", "GET"): CLOSED,
    ("api/outreach/", "POST"): CLOSED,
    ("api/outreach/check/", "POST"): CLOSED,
    ("api/outreach/<uuid:pk>/reply/", "POST"): CLOSED,
    ("api/imports/linkedin/", "POST"): CLOSED,
    ("api/imports/<uuid:pk>/", "GET"): CLOSED,
    ("api/charters/", "GET"): CLOSED,
    ("api/charters/<int:pk>/acknowledge/", "POST"): CLOSED,
    ("api/charters/<str:kind>/versions/", "GET"): CLOSED,
    ("api/charters/<str:kind>/versions/", "POST"): CLOSED,
    ("api/trainings/", "POST"): CLOSED,
    ("api/content/", "GET"): CLOSED,
    ("api/content/", "POST"): CLOSED,
    ("api/content/pending/", "GET"): CLOSED,
    ("api/content/<int:pk>/", "GET"): CLOSED,
    ("api/content/<int:pk>/versions/", "POST"): CLOSED,
    ("api/content/<int:pk>/approve/", "POST"): CLOSED,
    ("api/content/<int:pk>/withdraw/", "POST"): CLOSED,
    ("api/deals/", "GET"): CLOSED,
    ("api/deals/", "POST"): CLOSED,
    ("api/deals/<int:pk>/", "GET"): CLOSED,
    ("api/deals/<int:pk>/", "PATCH"): CLOSED,
    ("api/deals/<int:pk>/win/", "POST"): CLOSED,
    ("api/register/", "GET"): CLOSED,
    ("api/register/export/", "GET"): CLOSED,
    ("api/dashboard/provenance/", "GET"): CLOSED,
    ("api/dsar/", "GET"): CLOSED,
    ("api/dsar/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/", "GET"): CLOSED,
    ("api/dsar/<uuid:pk>/extend/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/verify/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/identifiers/verify/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/matches/", "GET"): CLOSED,
    ("api/dsar/<uuid:pk>/matches/confirm/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/execute/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/reject/", "POST"): CLOSED,
    ("api/dsar/<uuid:pk>/export/", "GET"): CLOSED,
    ("api/offboardings/", "POST"): CLOSED,
    ("api/offboardings/<int:pk>/", "GET"): CLOSED,
    ("api/offboardings/<int:pk>/start/", "POST"): CLOSED,
    ("api/offboardings/<int:pk>/attestation/", "GET"): CLOSED,
    ("api/offboardings/<int:pk>/attestation/", "POST"): CLOSED,
    ("api/offboardings/<int:pk>/sign-off/", "POST"): CLOSED,
    ("api/offboardings/<int:pk>/export/", "GET"): CLOSED,
    ("api/webhooks/", "GET"): CLOSED,
    ("api/webhooks/", "POST"): CLOSED,
    ("api/webhooks/<uuid:pk>/", "GET"): CLOSED,
    ("api/webhooks/<uuid:pk>/", "PATCH"): CLOSED,
    ("api/webhooks/<uuid:pk>/", "DELETE"): CLOSED,
    ("api/webhooks/<uuid:pk>/deliveries/", "GET"): CLOSED,
    ("api/webhooks/<uuid:pk>/ping/", "POST"): CLOSED,
}

SAMPLE_ARGUMENTS = {
    "<uuid:pk>": str(uuid.UUID(int=7)),
    "<int:pk>": "7",
    "<str:kind>": "social_selling",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def api_operations() -> list[tuple[str, str]]:
    """Every (route, method) the API serves, read from the URL configuration."""
    operations = []
    for route, callback in _routes(get_resolver().url_patterns):
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if not route.startswith("api/") or view is None:
            continue  # the JSON 404 catch-all is a function, and answers 404 to everyone
        operations += [(route, m.upper()) for m in METHODS if hasattr(view, m)]
    return operations


def url_of(route: str) -> str:
    for placeholder, value in SAMPLE_ARGUMENTS.items():
        route = route.replace(placeholder, value)
    assert "<" not in route, f"add a sample argument for {route}"
    return "/" + route


def test_every_api_operation_has_a_row_and_every_row_an_operation():
    served = set(api_operations())
    assert sorted(served - MATRIX.keys()) == [], "write down who may call these"
    assert sorted(MATRIX.keys() - served) == [], "these rows name operations that no longer exist"


@pytest.fixture
def departed_client():
    """A departed employee whose token was left behind: deactivation alone must lock it."""
    employee = EmployeeFactory(role="rep", status="departed")
    client = api_client_for(employee)
    employee.user.is_active = False
    employee.user.save()
    return client


@pytest.fixture
def past_departure_client():
    """Past their departure date, nobody started the case: the date alone locks the token."""
    from people.models import paris_today

    employee = EmployeeFactory(role="rep", compliant=True)
    client = api_client_for(employee)
    employee.departure_date = paris_today()
    employee.save(update_fields=["departure_date"])
    return client


@pytest.mark.parametrize(("route", "method"), sorted(MATRIX))
def test_callers_without_a_live_account_get_what_the_matrix_says(
    route, method, departed_client, past_departure_client
):
    anonymous, departed = MATRIX[(route, method)]
    url = url_of(route)
    for persona, client, expected in (
        ("anonymous", APIClient(), anonymous),
        ("departed employee", departed_client, departed),
        ("employee past their departure date", past_departure_client, departed),
    ):
        answer = getattr(client, method.lower())(url, {}, format="json")
        assert answer.status_code == expected, f"{persona}: {method} {url}"
        if route not in ("api/docs/",):
            assert answer["Content-Type"].startswith(("application/json", "application/vnd.oai")), (
                f"{persona}: {method} {url} answered {answer['Content-Type']}"
            )
