"""An imported connection's retention clock starts on import, not on "Connected On" (RULES 18)."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prospects.models import Prospect
from tests.factories import SocialAccountFactory
from tests.imports.conftest import connection_line, connections_csv

pytestmark = pytest.mark.django_db

RETENTION = datetime.timedelta(days=1095)


def import_export(client, lines):
    upload = SimpleUploadedFile("Connections.csv", connections_csv(lines), content_type="text/csv")
    return client.post("/api/imports/linkedin/", {"file": upload}, format="multipart")


def gate_codes(client, prospect, account):
    response = client.post(
        "/api/outreach/check/",
        {
            "prospect": str(prospect.pk),
            "channel": "connection_request",
            "social_account": account.pk,
        },
        format="json",
    )
    assert response.status_code == 200
    return [reason["code"] for reason in response.json()["reasons"]]


def connected_on(day: datetime.date) -> str:
    return day.strftime("%d %b %Y")


def three_years_before(today: datetime.date) -> datetime.date:
    return today - RETENTION


@pytest.mark.parametrize(
    "met_on",
    [
        pytest.param(lambda today: datetime.date(2019, 3, 14), id="connected in 2019"),
        pytest.param(lambda today: datetime.date(2020, 2, 29), id="connected on a leap day"),
        pytest.param(
            lambda today: three_years_before(today) - datetime.timedelta(days=1),
            id="the day before three years ago",
        ),
        pytest.param(three_years_before, id="exactly three years ago"),
        pytest.param(lambda today: today - datetime.timedelta(days=1), id="yesterday"),
    ],
)
def test_an_old_connection_imported_today_is_kept_three_years_from_today(
    api_as, rep, django_capture_on_commit_callbacks, met_on
):
    today = timezone.localdate()
    client = api_as(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = import_export(
            client, [connection_line(1, connected_on=connected_on(met_on(today)))]
        )
    assert response.status_code == 202

    prospect = Prospect.objects.get(owner=rep)
    assert timezone.localdate(prospect.collected_at) == met_on(today), "the meeting is kept"
    assert prospect.retention_until == today + RETENTION
    account = SocialAccountFactory(employee=rep)
    assert "retention_expired" not in gate_codes(client, prospect, account)


@pytest.mark.services
def test_a_2019_connection_imported_by_the_real_job_is_not_born_expired(api_as, rep, celery_worker):
    client = api_as(rep)
    response = import_export(client, [connection_line(1, connected_on="14 Mar 2019")])
    assert response.status_code == 202

    deadline = time.monotonic() + 60
    while (job := client.get(response.json()["status_url"]).json())["status"] not in (
        "done",
        "failed",
    ):
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.2)
    assert (job["status"], job["created"]) == ("done", 1)

    prospect = Prospect.objects.get(owner=rep)
    listed = client.get(f"/api/prospects/{prospect.pk}/").json()
    today = timezone.localdate()
    assert listed["collected_at"].startswith("2019-03-14")
    assert datetime.date.fromisoformat(listed["retention_until"]) - today in (
        RETENTION,
        RETENTION - datetime.timedelta(days=1),  # the job ran just before midnight
    )
    account = SocialAccountFactory(employee=rep)
    assert "retention_expired" not in gate_codes(client, prospect, account)
