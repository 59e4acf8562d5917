"""No personal data in logs or error pages.

Every logger is captured at DEBUG while prospects with distinctive names and
addresses go through the API: created, refused as duplicates and as invalid,
imported from a LinkedIn file (a bad row included), checked at the gate, put on
the suppression list, named in a public data request and in a failed login. Not
one log record carries them. Error pages with DEBUG off do not echo them either.
"""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imports.models import ImportJob
from prospects import selectors as prospect_selectors
from socialcrm.celery import app
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

NAME = "Zéphyrine Quasimodo"
EMAIL = "zephyrine.quasimodo@example.org"
PROFILE = "https://www.linkedin.com/in/zephyrine-quasimodo"
IMPORTED_EMAIL = "aurelien.vexillaire@example.org"
BAD_ROW_NAME = "Ondine Ferrandou"
# What must never be written to a log, in every case a formatter might print it.
SECRETS = (
    "Zéphyrine",
    "zephyrine",
    "Quasimodo",
    "quasimodo",
    "Vexillaire",
    "vexillaire",
    "Ferrandou",
    "ferrandou",
)

CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    f"Aurélien,Vexillaire,https://www.linkedin.com/in/aurelien-vexillaire,{IMPORTED_EMAIL},"
    "Acme,Buyer,15 Jan 2024\n"
    "Ondine,Ferrandou,https://www.linkedin.com/in/ondine-ferrandou,ondine@@ferrandou,"
    "Acme,Buyer,not a date\n"
).encode()


@pytest.fixture
def tasks_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


def _printed(record: logging.LogRecord) -> str:
    """The record as any handler could print it: message, arguments, traceback."""
    text = logging.Formatter("%(name)s %(message)s").format(record)
    return f"{text} {record.args!r} {getattr(record, 'request', '')!r}"


def test_no_log_record_carries_a_prospects_personal_data(
    caplog, rep, dpo, tasks_in_process, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    api = api_client_for(rep)
    person = {"full_name": NAME, "email": EMAIL, "profile_url": PROFILE}

    created = api.post("/api/prospects/", person, format="json")
    assert created.status_code == 201, created.content
    prospect_id = created.json()["id"]
    assert api.post("/api/prospects/", person, format="json").status_code == 409
    invalid = api.patch(
        f"/api/prospects/{prospect_id}/",
        {"provenance": "pre_hire", "notes": f"{NAME} prefers e-mail"},
        format="json",
    )
    assert invalid.status_code == 400
    gate = api.post(
        "/api/outreach/",
        {"prospect": prospect_id, "channel": "email", "content": f"Bonjour {NAME}"},
        format="json",
    )
    assert gate.status_code in (201, 403)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("Connections.csv", CONNECTIONS, content_type="text/csv")
        started = api.post("/api/imports/linkedin/", {"file": upload}, format="multipart")
    assert started.status_code == 202, started.content
    job = ImportJob.objects.get(pk=started.json()["id"])
    assert (job.status, job.created, job.rejected_count) == ("done", 1, 1)
    opposition = {"identifier_type": "email", "value": EMAIL}
    assert (
        api_client_for(dpo).post("/api/oppositions/", opposition, format="json").status_code == 201
    )
    public = {"type": "access", "email": EMAIL, "full_name": NAME}
    assert (
        Client().post("/api/dsar/public/", public, content_type="application/json").status_code
        == 202
    )
    token = Client().post("/api/auth/token/", {"username": EMAIL, "password": NAME})
    assert token.status_code == 400

    records = caplog.records
    assert any(r.name == "django.request" for r in records), "nothing captured: check the setup"
    leaks = [_printed(r) for r in records if any(s in _printed(r) for s in SECRETS)]
    assert leaks == []


def test_error_pages_do_not_echo_what_was_asked(client, rep, settings):
    settings.DEBUG = False
    client.force_login(rep.user)
    for url in (f"/prospects/{EMAIL}/", f"/api/nowhere/{EMAIL}/", f"/nowhere/?q={EMAIL}"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert b"zephyrine" not in answer.content.lower(), url


def test_a_server_error_page_does_not_show_the_data_being_handled(rep, settings, monkeypatch):
    settings.DEBUG = False
    api = api_client_for(rep)
    created = api.post("/api/prospects/", {"full_name": NAME, "email": EMAIL}, format="json")
    assert created.status_code == 201

    def broken(*, user, pk):
        raise RuntimeError(f"could not read {NAME} <{EMAIL}>")

    monkeypatch.setattr(prospect_selectors, "prospect_get", broken)
    api.raise_request_exception = False
    answer = api.get(f"/api/prospects/{created.json()['id']}/")
    assert answer.status_code == 500
    assert b"zephyrine" not in answer.content.lower()
    assert b"quasimodo" not in answer.content.lower()
