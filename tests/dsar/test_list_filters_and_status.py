"""The DPO's request list filtered as the dashboard links to it, and the request page that
follows its job while it runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo.user)
    return client


@pytest.fixture
def requests_by_deadline():
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return {
        "overdue": DsarFactory(status="received", due_at=now - day),
        "soon": DsarFactory(status="verifying", due_at=now + 3 * day),
        "later": DsarFactory(status="in_progress", due_at=now + 20 * day),
        "closed_late": DsarFactory(status="completed", due_at=now - 5 * day),
    }


def listed(client, query: str) -> set:
    page = client.get(reverse("dsar-list") + query).context["page"]
    return {dsar.pk for dsar in page.object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=open", {"overdue", "soon", "later"}),
        ("?due=overdue", {"overdue"}),  # a closed request past its date is not overdue
        ("?due=soon", {"soon"}),
        ("?status=completed", {"closed_late"}),
        ("?due=nonsense", {"overdue", "soon", "later", "closed_late"}),
    ],
)
def test_the_list_filters_match_the_dashboard_counts(
    dpo_client, requests_by_deadline, query, expected
):
    assert listed(dpo_client, query) == {requests_by_deadline[name].pk for name in expected}


def test_the_counts_above_the_list_are_links(dpo_client, requests_by_deadline):
    page = dpo_client.get(reverse("dsar-list")).content.decode()

    assert '<a href="/dsar/?status=open">3 open</a>' in page
    assert '<a href="/dsar/?due=overdue">1 overdue</a>' in page
    assert '<a href="/dsar/?due=soon">1 due soon</a>' in page


def test_the_page_polls_its_status_while_the_job_runs(dpo_client):
    dsar = DsarFactory(status="in_progress", execution="running")
    status_url = reverse("dsar-status", args=[dsar.pk])

    page = dpo_client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()

    assert f'hx-get="{status_url}" hx-trigger="every 3s"' in page
    assert "being carried out" in page


def test_the_status_stops_polling_and_reloads_the_page_once_the_job_ends(dpo_client):
    dsar = DsarFactory(status="in_progress", execution="running")
    status_url = reverse("dsar-status", args=[dsar.pk])
    still = dpo_client.get(status_url, HTTP_HX_REQUEST="true")
    assert "hx-get" in still.content.decode()
    assert "HX-Refresh" not in still.headers

    dsar.execution = "done"
    dsar.status = "completed"
    dsar.save()
    ended = dpo_client.get(status_url, HTTP_HX_REQUEST="true")

    assert ended.headers["HX-Refresh"] == "true"
    assert "hx-get" not in ended.content.decode()
    detail = dpo_client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert "hx-trigger" not in detail.split('id="dsar-status"')[1].split("</dd>")[0]


def test_someone_else_cannot_poll_a_request(client):
    dsar = DsarFactory(status="in_progress", execution="running")
    client.force_login(EmployeeFactory(role="rep").user)

    assert client.get(reverse("dsar-status", args=[dsar.pk])).status_code == 404
