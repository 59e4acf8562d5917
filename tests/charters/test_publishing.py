"""Publishing charter versions (HR, DPO): the labour-law precondition, scheduling, and staleness."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from charters import selectors
from charters.models import CharterVersion
from prospects import services as prospect_services

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous écris au sujet de votre projet de CRM."


def version_body(**overrides):
    today = timezone.localdate()
    body = {
        "title_en": "Social selling charter",
        "title_fr": "Charte du social selling",
        "text_en": "Revised: your accounts stay yours.",
        "text_fr": "Révisée : vos comptes restent les vôtres.",
        "effective_date": today.isoformat(),
        "required": True,
        "staff_consulted_on": (today - datetime.timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


def publish(client, kind="social_selling", **overrides):
    return client.post(f"/api/charters/{kind}/versions/", version_body(**overrides), format="json")


def codes(decision):
    return [r["code"] for r in decision["reasons"]]


def test_hr_and_the_dpo_publish_the_next_version_and_it_is_audited(api_as, hr, dpo):
    response = publish(api_as(hr))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 2 and body["status"] == "current" and body["required"] is True
    assert body["acknowledgements"] == 0
    assert AuditEvent.objects.filter(
        action="created", object_type="charters.charterversion", object_id=str(body["id"])
    ).exists()
    assert publish(api_as(dpo), kind="disconnection", required=False).json()["version"] == 2


@pytest.mark.parametrize("role", ["rep", "manager", "admin_employee"])
def test_nobody_else_publishes_a_charter(api_as, role, request):
    employee = request.getfixturevalue(role)
    assert publish(api_as(employee)).status_code == 403
    assert not CharterVersion.objects.filter(version=2).exists()


def test_a_required_charter_needs_the_staff_representatives_consultation_date(api_as, hr):
    client = api_as(hr)
    response = publish(client, staff_consulted_on=None)
    assert response.status_code == 400
    assert "staff_consulted_on" in response.json()
    assert (
        "staff_consulted_on"
        in publish(client, required=True, **{"staff_consulted_on": None}).json()
    )
    without = version_body()
    del without["staff_consulted_on"]
    missing = client.post("/api/charters/social_selling/versions/", without, format="json")
    assert missing.status_code == 400 and "staff_consulted_on" in missing.json()
    assert not CharterVersion.objects.filter(charter__kind="social_selling", version=2).exists()
    # An optional charter binds nobody's prospecting: it may go out without the date.
    optional = publish(client, kind="disconnection", required=False, staff_consulted_on=None)
    assert optional.status_code == 201


def test_dates_that_cannot_hold_are_refused_by_name(api_as, hr):
    client = api_as(hr)
    today = timezone.localdate()
    past = publish(client, effective_date=(today - datetime.timedelta(days=1)).isoformat())
    assert past.status_code == 400 and "effective_date" in past.json()
    later = publish(client, staff_consulted_on=(today + datetime.timedelta(days=1)).isoformat())
    assert later.status_code == 400 and "staff_consulted_on" in later.json()
    assert publish(client, kind="no_such_charter").status_code == 404
    blank = publish(client, title_fr="", text_en="")
    assert blank.status_code == 400 and {"title_fr", "text_en"} <= set(blank.json())


def test_a_version_effective_later_is_scheduled_not_current(api_as, hr, rep):
    today = timezone.localdate()
    next_month = today + datetime.timedelta(days=30)
    response = publish(api_as(hr), effective_date=next_month.isoformat())
    assert response.status_code == 201
    assert response.json()["status"] == "scheduled"
    client = api_as(rep)
    listed = next(c for c in client.get("/api/charters/").json() if c["kind"] == "social_selling")
    assert listed["version"] == 1
    # Nobody can acknowledge a text that is not in force yet, and nobody is blocked by it.
    assert client.post(f"/api/charters/{response.json()['id']}/acknowledge/").status_code == 400
    assert client.get(f"/api/employees/{rep.pk}/compliance/").json()["can_prospect"] is True
    on_the_day = selectors.current_versions(today=next_month).get(charter__kind="social_selling")
    assert on_the_day.pk == response.json()["id"]
    # A newer version cannot take effect before a scheduled one.
    earlier = publish(api_as(hr), effective_date=today.isoformat())
    assert earlier.status_code == 400 and "effective_date" in earlier.json()


def test_a_charters_versions_are_listed_newest_first_with_their_status(api_as, hr, rep):
    publish(api_as(hr))
    response = api_as(rep).get("/api/charters/social_selling/versions/")
    assert response.status_code == 200
    body = response.json()
    assert [(v["version"], v["status"]) for v in body] == [(2, "current"), (1, "superseded")]
    assert body[1]["acknowledgements"] == 1  # the compliant rep's
    assert api_as(rep).get("/api/charters/nothing/versions/").status_code == 404


def test_publishing_a_required_version_blocks_the_gate_until_acknowledged_again(api_as, hr, rep):
    client = api_as(rep)
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Dominique Leroy",
            "kind": "b2b",
            "company": "Leroy SAS",
            "email": "d.leroy@leroy.example",
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
        },
    )

    def check():
        return client.post(
            "/api/outreach/check/",
            {"prospect": str(prospect.pk), "channel": "email", "content": DM},
            format="json",
        ).json()

    assert check()["decision"] == "allow"
    published = publish(api_as(hr), kind="gdpr_code_of_conduct")
    assert published.status_code == 201
    blocked = check()
    assert blocked["decision"] == "deny" and "charter_missing" in codes(blocked)
    assert client.post(f"/api/charters/{published.json()['id']}/acknowledge/").status_code == 201
    assert check()["decision"] == "allow"


def test_acknowledging_the_superseded_version_after_publishing_is_refused(api_as, hr, new_rep):
    client = api_as(new_rep)
    old = next(c for c in client.get("/api/charters/").json() if c["kind"] == "social_selling")
    publish(api_as(hr))
    response = client.post(f"/api/charters/{old['id']}/acknowledge/")
    assert response.status_code == 400 and "version" in response.json()


def test_hr_publishes_from_the_charters_page_after_confirming(client, hr):
    client.force_login(hr.user)
    page = client.get("/charters/")
    assert page.status_code == 200
    assert "Social selling charter" in page.content.decode()
    form = {
        "kind": "social_selling",
        "title_en": "Social selling charter",
        "title_fr": "Charte du social selling",
        "text_en": "Revised.",
        "text_fr": "Révisée.",
        "effective_date": timezone.localdate().isoformat(),
        "required_for_prospecting": "on",
        "staff_consulted_on": timezone.localdate().isoformat(),
    }
    unconfirmed = client.post("/charters/", form)
    assert unconfirmed.status_code == 200
    assert "acknowledge it again" in unconfirmed.content.decode()
    assert not CharterVersion.objects.filter(version=2).exists()
    no_date = client.post("/charters/", {**form, "confirm": "on", "staff_consulted_on": ""})
    assert no_date.status_code == 200 and "staff representatives" in no_date.content.decode()
    done = client.post("/charters/", {**form, "confirm": "on"}, follow=True)
    assert "Version 2 published." in done.content.decode()
    assert (
        CharterVersion.objects.get(charter__kind="social_selling", version=2).text_fr == "Révisée."
    )


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_only_hr_and_the_dpo_open_the_charters_page(client, role, request, dpo):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get("/charters/").status_code == 403
    client.force_login(dpo.user)
    assert client.get("/charters/").status_code == 200
