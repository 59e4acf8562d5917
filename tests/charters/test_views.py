"""The "My compliance" page and HR's team compliance page."""

import pytest
from django.utils import timezone

from charters.models import Acknowledgement, Training
from charters.selectors import current_versions
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_my_compliance_shows_each_charter_in_the_users_language_and_acknowledges(client, new_rep):
    client.force_login(new_rep.user)
    page = client.get("/me/compliance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Social selling charter" in html and "never asks to join your personal" in html
    assert "Blocked" in html and "No training recorded yet" in html

    version = current_versions().get(charter__kind="social_selling")
    response = client.post(f"/me/compliance/{version.pk}/acknowledge/")
    assert response.status_code == 302
    ack = Acknowledgement.objects.get(employee=new_rep, version=version)
    assert ack.via == "browser"

    french = client.get("/me/compliance/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Charte du social selling" in french
    assert "ne demande jamais à rejoindre votre réseau personnel" in french


def test_acknowledging_needs_a_post_with_csrf(new_rep):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(new_rep.user)
    version = current_versions().get(charter__kind="social_selling")
    assert client.get(f"/me/compliance/{version.pk}/acknowledge/").status_code == 405
    assert client.post(f"/me/compliance/{version.pk}/acknowledge/").status_code == 403
    assert not Acknowledgement.objects.filter(employee=new_rep).exists()


def test_a_compliant_rep_is_told_they_can_prospect(client, rep):
    client.force_login(rep.user)
    html = client.get("/me/compliance/").content.decode()
    assert "Allowed" in html and "Acknowledged" in html


def test_hr_sees_who_cannot_prospect_and_records_a_training(client, hr, rep, new_rep):
    client.force_login(hr.user)
    assert "/hr/compliance/" in client.get("/").content.decode()
    page = client.get("/hr/compliance/")
    assert page.status_code == 200
    rows = {row["employee"].pk: row for row in page.context["rows"]}
    assert rows[rep.pk]["can_prospect"] is True
    assert rows[new_rep.pk]["can_prospect"] is False
    assert rows[new_rep.pk]["charters_missing"] == [
        "disconnection",
        "gdpr_code_of_conduct",
        "information_systems",
        "social_selling",
    ]

    today = timezone.localdate().isoformat()
    response = client.post("/hr/compliance/", {"employee": new_rep.pk, "completed_at": today})
    assert response.status_code == 302
    assert Training.objects.get(employee=new_rep).recorded_by == hr.user


@pytest.mark.parametrize("role", ["rep", "manager", "dpo"])
def test_only_hr_sees_the_team_compliance_page(client, role):
    client.force_login(EmployeeFactory(role=role).user)
    assert client.get("/hr/compliance/").status_code == 403
