"""No stored value can take a page down: the largest date each column holds, on every page.

A legacy row (written before the date bounds, or by hand) may carry 9999-12-31. One
such row once made ``GET /api/deals/`` answer 500 for every role. Here every date and
date-time column of every row of the company gets the largest value its column can
hold; then every page and every API read is opened as every person of the company.
None may answer 5xx: a page shows the rest and logs the row it could not show.
"""

import datetime
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import get_resolver

from socialcrm.management.commands.find_out_of_range_dates import OUR_APPS
from tests.security.conftest import ROLES
from tests.security.test_matrix import _routes, api_operations
from tests.security.test_roles import BODIES, MULTIPART, ROLE_MATRIX, url_for

pytestmark = pytest.mark.django_db

LARGEST_DATE = datetime.date(9999, 12, 31)
LARGEST_MOMENT = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
# Evidence tables refuse updates by construction (ORM guard and, on PostgreSQL, a trigger):
# a legacy value there can only have been inserted, so one more row is inserted instead.
APPEND_ONLY = {"consent.consentevent", "audit.auditevent", "content.contentversion"}

# The object each page route's placeholder points at.
PAGE_TARGETS = {
    "<uuid:pk>": {
        "prospects/": lambda c: c.objects["prospects"]["owner"],
        "dsar/attestations/": None,  # no attestation in the company: a 404 is fine
        "dsar/": lambda c: c.objects["dsar"],
    },
    "<int:pk>": {
        "me/compliance/": lambda c: c.objects["charter_version"],
        "content/": lambda c: c.objects["content"],
        "deals/": lambda c: c.objects["deals"]["owner"],
        "register/": None,
        "offboarding/": lambda c: c.objects["offboarding"],
    },
}


def _page_url(company, route: str) -> str | None:
    url = route
    for placeholder, targets in PAGE_TARGETS.items():
        if placeholder in url:
            target = next(
                (get for prefix, get in targets.items() if route.startswith(prefix)), None
            )
            url = url.replace(placeholder, str(target(company).pk) if target else "1")
    url = url.replace("<uuid:prospect_pk>", str(company.objects["prospects"]["owner"].pk))
    url = url.replace("<uuid:attempt_pk>", str(company.objects["outreach"]["owner"].pk))
    url = url.replace("<int:employee_pk>", str(company.people["owner"].pk))
    url = url.replace("<int:employee_id>", str(company.people["teammate"].pk))
    url = url.replace("<str:token>", "not-a-token").replace("<str:fmt>", "json")
    url = url.replace("<str:action>", "verify")
    return None if "<" in url else "/" + url


def _page_routes() -> list[str]:
    return sorted(
        route
        for route, _callback in _routes(get_resolver().url_patterns)
        if not route.startswith(("api/", "admin/", "^static/", "i18n/", "logout/"))
    )


def _largest_values_everywhere():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.proxy:
            continue
        columns = {
            field.name: LARGEST_MOMENT if isinstance(field, models.DateTimeField) else LARGEST_DATE
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateField)
        }
        if not columns or model._meta.label_lower in ("audit.auditevent", "audit.auditcheckpoint"):
            continue  # the audit chain hashes its timestamps, checkpoints sign theirs
        if model._meta.label_lower in APPEND_ONLY:
            for row in list(model.objects.all()[:5]):
                # A fresh row with the same plaintext values: encrypted ones are sealed
                # again under the new row's id.
                values = {
                    field.attname: getattr(row, field.attname)
                    for field in model._meta.concrete_fields
                    if not field.primary_key
                }
                if model._meta.label_lower == "content.contentversion":
                    # Approved versions never change: a newer one carries the dates.
                    values["number"] += 1000
                model.objects.bulk_create([model(**{**values, **columns})])
            continue
        # queryset.update skips auto_now: every column gets the largest value.
        models.QuerySet(model).update(**columns)


@pytest.fixture
def extreme_company(company):
    _largest_values_everywhere()
    return company


def _get(client: Client, url: str):
    answer = client.get(url)
    assert answer.status_code < 500, f"{url} → {answer.status_code}"
    return answer


PERSONS = ("owner", "manager", "dpo", "hr", "admin", "leaver")


@pytest.mark.parametrize("person", PERSONS)
def test_every_page_opens_with_the_largest_dates_stored(extreme_company, person):
    client = Client(raise_request_exception=False)
    client.force_login(extreme_company.people[person].user)
    opened = 0
    for route in _page_routes():
        url = _page_url(extreme_company, route)
        if url is None:
            continue
        _get(client, url)
        opened += 1
    assert opened > 40


@pytest.mark.parametrize("person", PERSONS)
def test_every_api_read_answers_with_the_largest_dates_stored(extreme_company, person):
    client = extreme_company.client(person)
    client.raise_request_exception = False
    reads = sorted({route for route, method in api_operations() if method == "GET"})
    for route in reads:
        _get(client, url_for(extreme_company, route))
    assert len(reads) > 20


# --- no date outside 1970 … today + 10 years gets in ------------------------------------------

OUT_OF_RANGE = {
    "date": ["9999-12-31", "1969-12-31"],
    "date-time": ["9999-12-31T23:59:59Z", "1969-12-31T12:00:00Z"],
}


def _schema_path(route: str) -> str:
    path = re.sub(r"<\w+:(\w+)>", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", route)
    return "/" + path


def _date_inputs():
    """Every date or date-time a caller writes, read from the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    inputs = []
    for route, method in ROLE_MATRIX:
        if method not in ("POST", "PATCH", "PUT"):
            continue
        operation = schema["paths"].get(_schema_path(route), {}).get(method.lower(), {})
        content = operation.get("requestBody", {}).get("content", {})
        body = content.get("application/json") or content.get("multipart/form-data")
        if not body:
            continue
        for name, prop in resolve(body["schema"]).get("properties", {}).items():
            prop = resolve(prop)
            if prop.get("format") in OUT_OF_RANGE and not prop.get("readOnly"):
                inputs.append((route, method, name, prop["format"]))
    return inputs


def _permitted_role(route: str, method: str) -> str:
    expected = ROLE_MATRIX[(route, method)]
    return next(
        role for role, status in zip(ROLES, expected, strict=True) if status in (200, 201, 202, 400)
    )


def test_the_schema_names_date_inputs_to_check():
    fields = {name for _route, _method, name, _format in _date_inputs()}
    assert {"collected_at", "occurred_at", "concluded_on", "departure_date"} <= fields


@pytest.mark.parametrize(("route", "method", "name", "kind"), _date_inputs())
def test_a_date_out_of_range_is_a_400_naming_the_field_and_stores_nothing(
    company, route, method, name, kind
):
    role = _permitted_role(route, method)
    for value in OUT_OF_RANGE[kind]:
        body = {**BODIES.get((route, method), lambda c: {})(company), name: value}
        send = getattr(company.client(role), method.lower())
        form = "multipart" if (route, method) in MULTIPART else "json"
        answer = send(url_for(company, route), body, format=form)
        assert answer.status_code == 400, (route, method, name, value, answer.content[:300])
        assert name in answer.json(), (route, method, name, value, answer.json())
