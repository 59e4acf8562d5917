"""RULES 13 (2026.12): the four charters are required by default; training and
acknowledgement dates cannot be in the future; charter dates stay within bounds."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from charters import selectors, services
from charters.models import Acknowledgement, Charter, CharterVersion, Training
from core.dates import latest_date
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
FOUR = ["disconnection", "gdpr_code_of_conduct", "information_systems", "social_selling"]


def test_a_new_rep_must_acknowledge_all_four_charters_to_prospect():
    rep = EmployeeFactory(role="rep")
    services.training_record(actor="hr", employee=rep, completed_at=timezone.localdate())
    assert selectors.compliance_of(rep)["charters_missing"] == FOUR

    for version in selectors.current_versions():
        assert selectors.compliance_of(rep)["can_prospect"] is False
        services.charter_acknowledge(employee=rep, version=version, via="api")

    assert selectors.compliance_of(rep) | {"training_valid_until": None} == {
        "charters_missing": [],
        "training_valid_until": None,
        "training_valid": True,
        "can_prospect": True,
    }


def test_the_migration_makes_the_current_versions_required_and_leaves_the_rest():
    migration = importlib.import_module(
        "charters.migrations.0004_dates_bounded_and_charters_required_by_default"
    )
    today = timezone.localdate()
    CharterVersion.objects.update(required_for_prospecting=False)
    disconnection = Charter.objects.get(kind="disconnection")
    superseded = CharterVersion.objects.get(charter=disconnection, version=1)
    current = CharterVersion.objects.create(
        charter=disconnection,
        version=2,
        title_en="t",
        title_fr="t",
        text_en="x",
        text_fr="x",
        effective_date=today,
        required_for_prospecting=False,
    )
    scheduled = CharterVersion.objects.create(
        charter=disconnection,
        version=3,
        title_en="t",
        title_fr="t",
        text_en="x",
        text_fr="x",
        effective_date=today + DAY,
        required_for_prospecting=False,
    )

    migration.require_current_versions(apps, None)

    required = sorted(
        v.charter.kind for v in selectors.current_versions() if v.required_for_prospecting
    )
    assert required == FOUR
    for version, flag in ((superseded, False), (current, True), (scheduled, False)):
        version.refresh_from_db()
        assert version.required_for_prospecting is flag, version


@pytest.mark.parametrize(
    ("completed_at", "status"),
    [
        (lambda today: today + DAY, 400),  # tomorrow
        (lambda today: today + 400 * DAY, 400),
        (lambda today: today, 201),
        (lambda today: today - DAY, 201),
        (lambda today: datetime.date(1970, 1, 1), 201),
        (lambda today: datetime.date(1969, 12, 31), 400),
        (lambda today: datetime.date(2024, 2, 29), 201),  # a leap day
    ],
    ids=["tomorrow", "next-year", "today", "yesterday", "1970", "1969", "leap-day"],
)
def test_training_cannot_be_completed_in_the_future(api_as, hr, rep, completed_at, status):
    day = completed_at(timezone.localdate())

    response = api_as(hr).post(
        "/api/trainings/",
        {"employee": rep.pk, "completed_at": day.isoformat()},
        format="json",
    )

    assert response.status_code == status, response.content
    if status == 400:
        assert "completed_at" in response.json()
        assert not Training.objects.filter(employee=rep, completed_at=day).exists()


def test_training_validity_is_bounded(api_as, hr, rep):
    today = timezone.localdate()
    body = {"employee": rep.pk, "completed_at": today.isoformat()}

    far = api_as(hr).post(
        "/api/trainings/", {**body, "valid_until": (latest_date() + DAY).isoformat()}, format="json"
    )
    edge = api_as(hr).post(
        "/api/trainings/", {**body, "valid_until": latest_date().isoformat()}, format="json"
    )

    assert far.status_code == 400 and "valid_until" in far.json()
    assert edge.status_code == 201


def test_the_training_form_refuses_a_future_completion(client, hr, rep):
    client.force_login(hr.user)
    tomorrow = timezone.localdate() + DAY

    response = client.post(
        "/hr/compliance/", {"employee": rep.pk, "completed_at": tomorrow.isoformat()}
    )

    assert response.status_code == 200
    assert "completed_at" in response.context["form"].errors
    assert not Training.objects.filter(employee=rep, completed_at=tomorrow).exists()


def test_the_training_service_refuses_a_future_completion(rep):
    with pytest.raises(ValidationError) as excinfo:
        services.training_record(actor="hr", employee=rep, completed_at=timezone.localdate() + DAY)
    assert "completed_at" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("ahead", "valid"),
    [
        (datetime.timedelta(minutes=4), True),  # clock skew
        (datetime.timedelta(minutes=6), False),
        (datetime.timedelta(days=1), False),
        (-datetime.timedelta(days=1), True),
    ],
)
def test_an_acknowledgement_is_never_dated_ahead(ahead, valid):
    rep = EmployeeFactory(role="rep")
    version = selectors.current_versions().first()
    acknowledgement = Acknowledgement(
        employee=rep, version=version, at=timezone.now() + ahead, via="api"
    )

    if valid:
        acknowledgement.full_clean()
    else:
        with pytest.raises(ValidationError) as excinfo:
            acknowledgement.full_clean()
        assert "at" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("effective_date", "2999-01-01"),
        ("effective_date", "1969-12-31"),
        ("staff_consulted_on", "2999-01-01"),
    ],
)
def test_charter_dates_stay_within_bounds(api_as, dpo, field, value):
    today = timezone.localdate()
    body = {
        "title_en": "Social selling charter",
        "title_fr": "Charte du social selling",
        "text_en": "Text",
        "text_fr": "Texte",
        "effective_date": today.isoformat(),
        "required": True,
        "staff_consulted_on": today.isoformat(),
        field: value,
    }

    response = api_as(dpo).post("/api/charters/social_selling/versions/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not CharterVersion.objects.filter(charter__kind="social_selling", version=2).exists()


def test_the_publish_form_offers_required_by_default(client, dpo):
    client.force_login(dpo.user)

    page = client.get("/charters/")

    assert page.context["form"]["required_for_prospecting"].value() is True
