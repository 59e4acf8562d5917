"""PostgreSQL lost during a request: a clean 503 that says to retry, and nothing half-written.

The test client runs the view on this test's own database connection, so the
connection the tests terminate is the request's; each test opens a new one
before looking at what was stored.
"""

import contextlib

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import audit.events
from audit.models import AuditEvent
from consent.models import OutreachAttempt
from prospects.models import Prospect, ValueHistory
from tests.factories import ProspectFactory, SocialAccountFactory

pytestmark = pytest.mark.services

NAME = "Élodie Durand"
EMAIL = "elodie.durand@example.com"


def _terminate_request_backend() -> None:
    """Kill this thread's server process from a second connection, and wait until it is gone."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        password=params.get("password"),
        dbname=params["dbname"],
        autocommit=True,
    ) as other:
        (terminated,) = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
    assert terminated, "the request's backend outlived pg_terminate_backend"


@pytest.fixture
def connection_dies_before_the_audit_event(monkeypatch):
    """The audit event is a request's last write: its data rows are already written then."""
    record = audit.events.record
    cuts = []

    def record_after_the_cut(**kwargs):
        if not cuts:
            cuts.append(connection.connection.info.backend_pid)
            _terminate_request_backend()
        return record(**kwargs)

    monkeypatch.setattr(audit.events, "record", record_after_the_cut)
    yield cuts
    # The request's connection is dead: the test (and the flush after it) needs a new one.
    connection.close()


@contextlib.contextmanager
def database_unreachable():
    """The server cannot be reached at all (a closed port) until the block ends."""
    connection.close()
    real_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port


def assert_clean_503(response, *, private=()):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body == {"detail": body["detail"], "code": "unavailable"}
    assert "temporarily unavailable" in body["detail"]
    text = response.content.decode()
    for leak in ("Traceback", "psycopg", "terminating connection", "SELECT", "INSERT", *private):
        assert leak not in text


def test_a_prospect_whose_connection_dies_mid_request_is_a_503_and_not_stored(
    transactional_db, api_as, rep, connection_dies_before_the_audit_event
):
    client = api_as(rep)
    events_before = AuditEvent.objects.count()

    response = client.post(
        "/api/prospects/",
        {"full_name": NAME, "email": EMAIL, "company": "Durand SA", "kind": "b2b"},
        format="json",
    )

    assert connection_dies_before_the_audit_event, "the fault was never injected"
    assert_clean_503(response, private=(NAME, EMAIL))
    connection.close()
    # The prospect row and its value history were written before the cut: both rolled back.
    assert not Prospect.objects.exists()
    assert not ValueHistory.objects.exists()
    assert AuditEvent.objects.count() == events_before
    # Once the database is back, the same request simply works.
    retried = client.post(
        "/api/prospects/",
        {"full_name": NAME, "email": EMAIL, "company": "Durand SA", "kind": "b2b"},
        format="json",
    )
    assert retried.status_code == 201
    assert Prospect.objects.count() == 1


def test_an_outreach_log_whose_connection_dies_mid_request_is_a_503_and_logs_nothing(
    transactional_db, api_as, rep, connection_dies_before_the_audit_event
):
    prospect = ProspectFactory(owner=rep, kind="b2c", full_name=NAME)
    account = SocialAccountFactory(employee=rep, network="linkedin")  # RULES 11
    events_before = AuditEvent.objects.count()

    response = api_as(rep).post(
        "/api/outreach/",
        {
            "prospect": str(prospect.pk),
            "channel": "social_message",
            "social_account": account.pk,
            "content": "Bonjour",
        },
        format="json",
    )

    assert connection_dies_before_the_audit_event, "the fault was never injected"
    assert_clean_503(response, private=(NAME,))
    connection.close()
    assert not OutreachAttempt.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_a_page_whose_connection_dies_mid_request_is_a_503_page_not_a_500(
    transactional_db, client, rep, connection_dies_before_the_audit_event
):
    client.force_login(rep.user)
    form = {
        "full_name": NAME,
        "company": "Durand SA",
        "kind": "b2b",
        "email": EMAIL,
        "collected_at": timezone.localdate().isoformat(),
        "lawful_basis": "legitimate_interest",
        "profile_visibility_at_collection": "public",
        "source": "manual",
    }

    response = client.post(reverse("prospect-new"), form)

    assert connection_dies_before_the_audit_event, "the fault was never injected"
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page
    assert NAME not in page and EMAIL not in page
    connection.close()
    assert not Prospect.objects.exists()


def test_health_answers_503_json_when_the_database_is_unreachable(transactional_db, client):
    with database_unreachable():
        response = client.get("/api/health/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "error", "database": "error"}


def test_an_api_call_answers_503_when_the_database_is_unreachable(transactional_db, api_as, rep):
    client = api_as(rep)  # the token is stored while the database is still there
    with database_unreachable():
        response = client.get("/api/prospects/")

    assert_clean_503(response)


def test_a_signed_in_page_answers_503_when_the_database_is_gone_before_the_view(
    transactional_db, rep
):
    """The session and the user are read by middleware, before any view: still a 503, not a 500."""
    browser = Client(raise_request_exception=False)
    browser.force_login(rep.user)
    with database_unreachable():
        page = browser.get(reverse("prospects"))
        api = browser.get("/api/prospects/")

    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")
    assert int(page["Retry-After"]) > 0
    assert "Temporarily unavailable" in page.content.decode()
    assert_clean_503(api)
