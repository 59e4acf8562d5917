"""Charters, acknowledgements, trainings and compliance through the API, and the gate end to end."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from charters.models import Acknowledgement, Charter, CharterVersion
from prospects import services as prospect_services
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous écris au sujet de votre projet de CRM."


def current(client, kind):
    return next(c for c in client.get("/api/charters/").json() if c["kind"] == kind)


def test_the_current_charters_are_listed_with_titles_in_the_callers_language(api_as, rep):
    client = api_as(rep)
    body = client.get("/api/charters/").json()
    assert {c["kind"] for c in body} == {
        "social_selling",
        "information_systems",
        "disconnection",
        "gdpr_code_of_conduct",
    }
    assert set(body[0]) == {"id", "kind", "version", "title", "required"}
    social = current(client, "social_selling")
    assert social["required"] is True and social["title"] == "Social selling charter"
    french = client.get("/api/charters/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert next(c for c in french if c["kind"] == "social_selling")["title"] == (
        "Charte du social selling"
    )


def test_acknowledging_records_the_caller_and_is_audited(api_as, new_rep):
    client = api_as(new_rep)
    version_id = current(client, "social_selling")["id"]
    response = client.post(f"/api/charters/{version_id}/acknowledge/")
    assert response.status_code == 201
    assert response.json()["via"] == "api"
    ack = Acknowledgement.objects.get(pk=response.json()["id"])
    assert ack.employee == new_rep and ack.version_id == version_id
    assert AuditEvent.objects.filter(
        action="created", object_type="charters.acknowledgement", object_id=str(ack.pk)
    ).exists()


def test_acknowledging_a_superseded_or_unknown_version_fails(api_as, rep):
    client = api_as(rep)
    old = CharterVersion.objects.get(charter__kind="social_selling", version=1)
    CharterVersion.objects.create(
        charter=Charter.objects.get(kind="social_selling"),
        version=2,
        title_en="t",
        title_fr="t",
        text_en="x",
        text_fr="x",
        effective_date=timezone.localdate(),
        required_for_prospecting=True,
    )
    assert client.post(f"/api/charters/{old.pk}/acknowledge/").status_code == 400
    assert client.post("/api/charters/999999/acknowledge/").status_code == 404


def test_nobody_acknowledges_for_someone_else(api_as, rep, new_rep, client):
    version_id = current(api_as(rep), "gdpr_code_of_conduct")["id"]
    # The endpoint takes no employee: whatever the body says, the caller is the one recorded.
    response = api_as(rep).post(
        f"/api/charters/{version_id}/acknowledge/", {"employee": new_rep.pk}, format="json"
    )
    assert response.status_code == 201
    assert not Acknowledgement.objects.filter(employee=new_rep).exists()
    assert client.post(f"/api/charters/{version_id}/acknowledge/").status_code in (401, 403)


def test_only_hr_records_training(api_as, hr, rep, manager):
    body = {"employee": rep.pk, "completed_at": "2026-02-01", "valid_until": "2027-02-01"}
    assert api_as(rep).post("/api/trainings/", body, format="json").status_code == 403
    assert api_as(manager).post("/api/trainings/", body, format="json").status_code == 403
    response = api_as(hr).post("/api/trainings/", body, format="json")
    assert response.status_code == 201
    assert response.json()["valid_until"] == "2027-02-01"
    inverted = {**body, "valid_until": "2026-01-01"}
    assert api_as(hr).post("/api/trainings/", inverted, format="json").status_code == 400


def test_compliance_is_visible_to_oneself_the_manager_and_hr_only(api_as, hr, new_rep):
    boss = EmployeeFactory(role="manager", compliant=True)
    new_rep.manager = boss
    new_rep.save()
    stranger = EmployeeFactory(role="rep", compliant=True)
    url = f"/api/employees/{new_rep.pk}/compliance/"
    for viewer in (new_rep, boss, hr):
        response = api_as(viewer).get(url)
        assert response.status_code == 200
        assert response.json() == {
            "charters_missing": [
                "disconnection",
                "gdpr_code_of_conduct",
                "information_systems",
                "social_selling",
            ],
            "training_valid_until": None,
            "can_prospect": False,
        }
    assert api_as(stranger).get(url).status_code == 404
    assert api_as(hr).get("/api/employees/999999/compliance/").status_code == 404


def check(client, prospect):
    return client.post(
        "/api/outreach/check/",
        {"prospect": str(prospect.pk), "channel": "email", "content": DM},
        format="json",
    ).json()


def codes(decision):
    return [r["code"] for r in decision["reasons"]]


def test_a_new_rep_prospects_only_once_charters_are_acknowledged_and_training_recorded(
    api_as, hr, new_rep
):
    client = api_as(new_rep)
    prospect = prospect_services.prospect_create(
        actor=new_rep.user,
        owner=new_rep,
        data={
            "full_name": "Dominique Leroy",
            "kind": "b2b",
            "company": "Leroy SAS",
            "email": "d.leroy@leroy.example",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )
    denied = check(client, prospect)
    assert denied["decision"] == "deny"
    assert {"charter_missing", "training_expired"} <= set(codes(denied))

    for charter in client.get("/api/charters/").json():
        if charter["required"]:
            acknowledged = client.post(f"/api/charters/{charter['id']}/acknowledge/")
            assert acknowledged.status_code == 201
    still = check(client, prospect)
    assert "charter_missing" not in codes(still)
    assert still["decision"] == "deny" and "training_expired" in codes(still)

    today = timezone.localdate()
    recorded = api_as(hr).post(
        "/api/trainings/",
        {"employee": new_rep.pk, "completed_at": today.isoformat()},
        format="json",
    )
    assert recorded.status_code == 201
    assert recorded.json()["valid_until"] == (today + datetime.timedelta(days=365)).isoformat()
    allowed = check(client, prospect)
    assert allowed["decision"] == "allow", allowed
    assert client.get(f"/api/employees/{new_rep.pk}/compliance/").json()["can_prospect"] is True

    CharterVersion.objects.create(
        charter=Charter.objects.get(kind="social_selling"),
        version=2,
        title_en="Social selling charter",
        title_fr="Charte du social selling",
        text_en="Revised text.",
        text_fr="Texte révisé.",
        effective_date=today,
        required_for_prospecting=True,
    )
    blocked = check(client, prospect)
    assert blocked["decision"] == "deny" and "charter_missing" in codes(blocked)
    assert client.get(f"/api/employees/{new_rep.pk}/compliance/").json()["charters_missing"] == [
        "social_selling"
    ]
