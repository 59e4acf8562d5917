"""RULES 1 (2026.12): no deletion, re-creation, import, edit or rectification brings back a
person who objected, whichever of their identifiers they objected with."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core import crypto
from dsar.models import DataSubjectRequest
from imports import services as import_services
from imports.models import ImportJob
from prospects.models import Prospect
from suppression.models import Opposition
from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory
from tests.imports.conftest import connections_csv

pytestmark = pytest.mark.django_db

EMAIL = "claire.martin@example.fr"
PHONE = "+33612345678"
PROFILE = "https://www.linkedin.com/in/claire-martin"
IDENTIFIERS = {"email": EMAIL, "phone": PHONE, "profile_url": PROFILE}


def create(client, **values):
    return client.post(
        "/api/prospects/", {"full_name": "Claire Martin", "kind": "b2c", **values}, format="json"
    )


def object_to(client, identifier_type, value, scope="all"):
    response = client.post(
        "/api/oppositions/",
        {"identifier_type": identifier_type, "value": value, "scope": scope},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def objected_then_deleted(api_as, rep):
    """Claire objected by phone; the rep then deleted her record."""
    client = api_as(rep)
    claire = create(client, **IDENTIFIERS).json()
    object_to(client, "phone", PHONE)
    assert client.delete(f"/api/prospects/{claire['id']}/").status_code == 204
    assert not Prospect.objects.exists()
    return client


@pytest.mark.parametrize(
    "values",
    [
        {"email": EMAIL},
        {"email": EMAIL.upper()},
        {"profile_url": PROFILE},
        {"profile_url": PROFILE + "/?trk=public"},
        {"phone": "06 12 34 56 78"},
        {"email": "new.address@example.fr", "phone": PHONE},  # one opposed identifier is enough
    ],
)
def test_delete_then_recreate_with_another_identifier_is_409_opposition(
    objected_then_deleted, values
):
    response = create(objected_then_deleted, **values)

    assert response.status_code == 409
    assert response.json()["code"] == "opposition"
    assert not Prospect.objects.exists()


def test_a_new_address_never_held_on_the_record_may_be_stored(objected_then_deleted):
    # The list holds what the CRM held: an address it never knew is not the objection's.
    response = create(objected_then_deleted, email="someone.else@example.fr")

    assert response.status_code == 201


def test_the_new_prospect_form_refuses_her_too(client, rep, objected_then_deleted):
    client.force_login(rep.user)

    response = client.post(
        reverse("prospect-new"),
        {
            "full_name": "Claire Martin",
            "kind": "b2c",
            "email": EMAIL,
            "lawful_basis": "consent",
            "collected_at": "2026-12-01",
            "profile_visibility_at_collection": "public",
        },
    )

    assert response.status_code == 400  # the form again, with the reason
    assert response.context["rejection"] == "opposition"
    assert not Prospect.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", EMAIL), ("profile_url", PROFILE), ("phone", "+33 6 12 34 56 78")],
)
def test_editing_an_identifier_to_a_suppressed_value_is_409_and_stores_nothing(
    api_as, rep, objected_then_deleted, field, value
):
    client = api_as(rep)
    other = create(client, full_name="Other Person", email="other@example.fr").json()

    response = client.patch(f"/api/prospects/{other['id']}/", {field: value}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "opposition"
    stored = Prospect.objects.get(pk=other["id"])
    assert stored.email == "other@example.fr"
    assert not stored.phone and not stored.profile_url


def test_an_import_skips_her_whatever_identifier_she_objected_with(rep, objected_then_deleted):
    job = ImportJob(owner=rep)
    job.file.save(
        "Connections.csv",
        ContentFile(
            connections_csv(
                [
                    f"Claire,Martin,{PROFILE},,Acme,Buyer,10 Jan 2025",
                    f"Claire,M.,https://www.linkedin.com/in/cm-2,{EMAIL},Acme,Buyer,10 Jan 2025",
                    "Paul,Other,https://www.linkedin.com/in/paul-other,,Acme,CEO,10 Jan 2025",
                ]
            )
        ),
        save=False,
    )
    job.save()

    import_services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.created, job.opposed) == (1, 2)
    assert [p.full_name for p in Prospect.objects.all()] == ["Paul Other"]


def test_a_rectification_to_a_suppressed_value_is_409_opposition(api_as, dpo, rep):
    client = api_as(rep)
    record = create(client, email="claire.old@example.fr").json()
    object_to(client, "phone", PHONE)  # on another record, since deleted
    dsar = DsarFactory(
        type="rectification",
        email="claire.old@example.fr",
        verified_at=timezone.now(),
        verification_method="dpo_decision",
        verified_identifiers=["email"],
        status="in_progress",
    )

    response = api_as(dpo).post(
        f"/api/dsar/{dsar.pk}/execute/", {"corrections": {"phone": PHONE}}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "opposition"
    stored = DataSubjectRequest.objects.get(pk=dsar.pk)
    assert (stored.execution, stored.corrections) == (dsar.execution, "")
    assert not Prospect.objects.get(pk=record["id"]).phone


def test_a_rectification_to_a_free_value_is_accepted(api_as, dpo, rep):
    create(api_as(rep), email="claire.old@example.fr")
    dsar = DsarFactory(
        type="rectification",
        email="claire.old@example.fr",
        verified_at=timezone.now(),
        verification_method="dpo_decision",
        verified_identifiers=["email"],
        status="in_progress",
    )

    response = api_as(dpo).post(
        f"/api/dsar/{dsar.pk}/execute/",
        {"corrections": {"phone": "+33 1 23 45 67 89"}},
        format="json",
    )

    assert response.status_code == 202


def test_objecting_by_phone_after_deleting_the_record_covers_only_the_number(api_as, rep):
    # The order matters: once the record is gone nobody holds the rest (RULES 19 keeps no
    # identifier in clear), so object before deleting.
    client = api_as(rep)
    claire = create(client, **IDENTIFIERS).json()
    client.delete(f"/api/prospects/{claire['id']}/")

    assert object_to(client, "phone", PHONE)["identifiers_suppressed"] == 1
    assert create(client, email=EMAIL).status_code == 201


def test_a_teammate_cannot_bring_her_back_either(api_as, objected_then_deleted):
    teammate = EmployeeFactory(role="rep", compliant=True, hire_date=datetime.date(2020, 1, 1))

    response = create(api_as(teammate), profile_url=PROFILE)

    assert response.status_code == 409
    assert Opposition.objects.filter(
        identifier_index=crypto.blind_index("profile_url", PROFILE)
    ).exists()
