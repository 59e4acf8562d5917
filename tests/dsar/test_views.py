"""The public request page, its verification link, and the DPO's pages (Django test client)."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dsar.models import DataSubjectRequest, DsarExport
from dsar.services import verification_token
from tests.dsar.factories import DsarFactory, deliver_queued
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

FORM = {"type": "erasure", "full_name": "Jane Doe", "email": "jane@example.com"}


def test_the_public_page_needs_no_login_and_speaks_french(client):
    english = client.get(reverse("dsar-public"))
    assert english.status_code == 200
    assert "make a request" in english.content.decode()
    french = client.get(reverse("dsar-public"), HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    assert french.headers["Content-Language"] == "fr"


def test_a_public_request_is_recorded_then_confirmed_by_the_emailed_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dsar-public"), FORM)
    deliver_queued()
    assert response.status_code == 302
    dsar = DataSubjectRequest.objects.get()
    assert (dsar.status, dsar.email) == ("verifying", "jane@example.com")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    # Opening the link (a mail scanner would) verifies nothing; confirming does.
    assert client.get(path).status_code == 200
    dsar.refresh_from_db()
    assert dsar.verified_at is None
    assert client.post(path).status_code == 200
    dsar.refresh_from_db()
    assert (dsar.status, dsar.verification_method) == ("in_progress", "email_link")


def test_a_tampered_link_is_refused(client):
    dsar = DsarFactory(received_via="public_form", status="verifying")
    token = verification_token(dsar)
    response = client.post(reverse("dsar-public-verify", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    dsar.refresh_from_db()
    assert dsar.verified_at is None


def test_the_public_form_refuses_missing_and_oversized_fields(client):
    response = client.post(reverse("dsar-public"), {**FORM, "full_name": "J" * 201, "email": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"full_name", "email"}
    assert not DataSubjectRequest.objects.exists()


def test_the_public_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("dsar-public"), FORM).status_code == 403


def test_the_public_form_is_throttled_and_only_valid_requests_count(client, settings):
    limit = int(settings.DSAR_PUBLIC_THROTTLE_RATE.partition("/")[0])
    mistyped = [
        client.post(reverse("dsar-public"), {**FORM, "email": "nope"}).status_code for _ in range(3)
    ]
    statuses = [client.post(reverse("dsar-public"), FORM).status_code for _ in range(limit + 1)]
    assert mistyped == [200] * 3  # the form again, with its errors
    assert statuses == [302] * limit + [429]


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo.user)
    return client


def test_dpo_list_has_an_empty_state_then_rows_and_a_banner(dpo_client):
    empty = dpo_client.get(reverse("dsar-list")).content.decode()
    assert "No data-subject request here." in empty
    assert 'id="dsar-banner"' not in empty
    DsarFactory(due_at=timezone.now() - datetime.timedelta(days=1))
    page = dpo_client.get(reverse("dsar-list")).content.decode()
    assert "overdue" in page
    assert 'id="dsar-banner"' in page
    # The banner is on every page the DPO sees.
    assert 'id="dsar-banner"' in dpo_client.get(reverse("home")).content.decode()


def test_the_list_is_paginated(dpo_client):
    DsarFactory.create_batch(26)
    first = dpo_client.get(reverse("dsar-list"))
    assert len(first.context["page"].object_list) == 25
    assert len(dpo_client.get(reverse("dsar-list") + "?page=2").context["page"].object_list) == 1


def test_a_rep_sees_neither_the_list_nor_others_requests(client, rep):
    client.force_login(rep.user)
    assert client.get(reverse("dsar-list")).status_code == 403
    other = DsarFactory()
    assert client.get(reverse("dsar-detail", args=[other.pk])).status_code == 404
    mine = DsarFactory(received_via="employee_account", forwarded_by=rep)
    page = client.get(reverse("dsar-detail", args=[mine.pk]))
    assert page.status_code == 200
    assert "Carry out" not in page.content.decode()
    assert client.post(reverse("dsar-action", args=[mine.pk, "verify"])).status_code == 403


def test_a_rep_forwards_a_request_received_on_their_account(client, rep):
    client.force_login(rep.user)
    response = client.post(
        reverse("dsar-new"),
        {"type": "access", "received_via": "employee_account", "profile_url": "linkedin.com/in/x"},
    )
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().forwarded_by == rep


def test_executing_asks_for_confirmation_and_needs_verification(dpo_client):
    dsar = DsarFactory(type="erasure")
    detail = dpo_client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert "Carry out" not in detail  # not verified yet
    dpo_client.post(reverse("dsar-action", args=[dsar.pk, "verify"]), {"note": "passport"})
    dsar.refresh_from_db()
    assert dsar.verified_at is not None
    detail = dpo_client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert "It cannot be undone" in detail
    unconfirmed = dpo_client.post(reverse("dsar-action", args=[dsar.pk, "execute"]), {})
    assert unconfirmed.status_code == 400
    dsar.refresh_from_db()
    assert dsar.execution == ""


def test_the_request_page_offers_its_exports_for_download_until_they_expire(dpo_client):
    dsar = DsarFactory(type="access", status="completed")
    expires = timezone.now() + datetime.timedelta(days=7)
    for fmt in ("json", "zip"):
        DsarExport.objects.create(
            request=dsar, format=fmt, file_name=f"{dsar.pk}.{fmt}", expires_at=expires
        )

    response = dpo_client.get(reverse("dsar-detail", args=[dsar.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("dsar-export", args=[dsar.pk, "json"]) in page
    assert reverse("dsar-export", args=[dsar.pk, "zip"]) in page
    assert "every download is recorded" in page


def test_the_extension_form_refuses_a_second_one(dpo_client):
    dsar = DsarFactory()
    url = reverse("dsar-action", args=[dsar.pk, "extend"])
    assert dpo_client.post(url, {"months": 2, "reason": "complex"}).status_code == 302
    second = dpo_client.post(url, {"months": 1, "reason": "again"})
    assert second.status_code == 400
    assert "already extended" in second.content.decode()


def test_an_employee_confirms_only_their_own_attestation(client, rep):
    from dsar.models import EmployeeAttestation

    other = EmployeeFactory(role="rep")
    dsar = DsarFactory(type="erasure", status="completed")
    mine = EmployeeAttestation.objects.create(request=dsar, employee=rep, person="Jane Doe")
    theirs = EmployeeAttestation.objects.create(request=dsar, employee=other, person="Jane Doe")
    client.force_login(rep.user)
    page = client.get(reverse("dsar-attestations")).content.decode()
    assert "Jane Doe" in page
    assert client.post(reverse("dsar-attestation-confirm", args=[theirs.pk])).status_code == 404
    client.post(reverse("dsar-attestation-confirm", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.confirmed_at is not None and mine.person == ""
