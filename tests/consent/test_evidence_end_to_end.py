"""The legal review's cases end to end, on PostgreSQL (its foreign key and append-only
trigger) with a real Celery worker: an objection by phone survives a delete and a
re-creation by e-mail, and the consent evidence survives every removal of its record."""

import datetime
import time

import pytest
from django.utils import timezone

from consent.models import ConsentEvent, OutreachAttempt, RemovedRecord
from offboarding import services as offboarding_services
from prospects.models import Prospect
from retention import tasks as retention_tasks
from tests.factories import EmployeeFactory
from tests.offboarding.conftest import BEFORE_HIRE, HIRE_DATE

pytestmark = [pytest.mark.services]

EMAIL = "claire.martin@example.fr"
PHONE = "+33612345678"
PROFILE = "https://www.linkedin.com/in/claire-martin"
WORDING = "Puis-je vous envoyer notre offre par message ?"


def wait_for(condition, *, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the job did not finish in time")


def consented(client, **prospect):
    created = client.post(
        "/api/prospects/",
        {"full_name": "Claire Martin", "kind": "b2c", "email": EMAIL, **prospect},
        format="json",
    )
    assert created.status_code == 201, created.content
    consent = client.post(
        "/api/consents/",
        {
            "prospect": created.json()["id"],
            "channel": "social_message",
            "action": "grant",
            "evidence": "written_reply",
            "purpose": "our offer",
            "proof": "Replied 'oui' to my DM",
            "wording_shown": WORDING,
        },
        format="json",
    )
    assert consent.status_code == 201, consent.content
    return created.json()["id"], consent.json()["id"]


def assert_kept_for_the_dpo(api_as, dpo, consent_id, prospect_id):
    read = api_as(dpo).get(f"/api/consents/{consent_id}/")
    assert read.status_code == 200
    assert read.json()["prospect"] is None
    assert read.json()["wording_shown"] == WORDING
    assert ConsentEvent.objects.get(pk=consent_id).prospect_ref == prospect_id


def test_object_by_phone_delete_then_recreate_by_email_is_409(celery_worker, api_as, rep):
    client = api_as(rep)
    created = client.post(
        "/api/prospects/",
        {"full_name": "Claire Martin", "email": EMAIL, "phone": PHONE, "profile_url": PROFILE},
        format="json",
    ).json()
    objected = client.post(
        "/api/oppositions/", {"identifier_type": "phone", "value": PHONE}, format="json"
    )
    assert objected.status_code == 201
    assert objected.json()["identifiers_suppressed"] == 3
    assert client.delete(f"/api/prospects/{created['id']}/").status_code == 204

    again = client.post(
        "/api/prospects/", {"full_name": "C. Martin", "email": EMAIL}, format="json"
    )

    assert again.status_code == 409
    assert again.json()["code"] == "opposition"
    assert not Prospect.objects.exists()


def test_a_deleted_consented_prospect_leaves_its_consent_to_the_dpo(
    celery_worker, api_as, rep, dpo
):
    prospect_id, consent_id = consented(api_as(rep))

    assert api_as(rep).delete(f"/api/prospects/{prospect_id}/").status_code == 204

    assert_kept_for_the_dpo(api_as, dpo, consent_id, Prospect._meta.pk.to_python(prospect_id))
    assert api_as(rep).get(f"/api/consents/{consent_id}/").status_code == 404


def test_the_nightly_retention_purge_keeps_the_evidence(celery_worker, api_as, rep, dpo):
    prospect_id, consent_id = consented(api_as(rep))
    # RULES 18: the clock runs from the record's entry into the CRM, four years ago here.
    entered = timezone.now() - datetime.timedelta(days=4 * 365)
    Prospect.objects.filter(pk=prospect_id).update(
        retention_until=timezone.localdate() - datetime.timedelta(days=1),
        collected_at=entered,
        created_at=entered,
    )

    retention_tasks.purge_expired_prospects.delay()
    wait_for(lambda: not Prospect.objects.filter(pk=prospect_id).exists())

    assert_kept_for_the_dpo(api_as, dpo, consent_id, Prospect._meta.pk.to_python(prospect_id))
    assert RemovedRecord.objects.get(pk=prospect_id).reason == "retention"


def test_the_evidence_job_removes_it_once_its_period_has_passed(celery_worker, api_as, rep):
    prospect_id, consent_id = consented(api_as(rep))
    api_as(rep).delete(f"/api/prospects/{prospect_id}/")
    RemovedRecord.objects.filter(pk=prospect_id).update(
        removed_at=timezone.now() - datetime.timedelta(days=1826)
    )

    retention_tasks.purge_evidence.delay()
    wait_for(lambda: not RemovedRecord.objects.exists())

    assert not ConsentEvent.objects.filter(pk=consent_id).exists()


def test_the_offboarding_purge_keeps_the_evidence(celery_worker, api_as, dpo, hr):
    leaver = EmployeeFactory(role="rep", hire_date=HIRE_DATE, compliant=True)
    successor = EmployeeFactory(role="rep", compliant=True)
    prospect_id, consent_id = consented(
        api_as(leaver), collected_at=BEFORE_HIRE.isoformat(), kind="b2b"
    )
    assert Prospect.objects.get(pk=prospect_id).provenance == "pre_hire"
    attempt = OutreachAttempt.objects.create(
        prospect_id=prospect_id,
        employee=leaver,
        channel="social_message",
        content="Bonjour Claire",
        final_content="Bonjour Claire\n\nSTOP",
        decision="allow",
        rules_version="test",
        created_at=timezone.now(),
    )
    case = offboarding_services.offboarding_create(
        actor=hr.user,
        employee=leaver,
        departure_date=timezone.localdate() + datetime.timedelta(days=30),
        successor=successor,
    )

    offboarding_services.offboarding_start(actor=hr.user, offboarding=case)
    wait_for(lambda: not Prospect.objects.filter(pk=prospect_id).exists())

    assert_kept_for_the_dpo(api_as, dpo, consent_id, Prospect._meta.pk.to_python(prospect_id))
    assert RemovedRecord.objects.get(pk=prospect_id).reason == "offboarding"
    kept = OutreachAttempt.objects.get(pk=attempt.pk)
    assert (kept.prospect_id, kept.content, kept.final_content) == (None, "", "")
