"""The DSAR jobs with a real Celery worker: access export, erasure, and the others."""

import datetime
import io
import json
import time
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from consent.models import ConsentEvent, OutreachAttempt
from consent.services import consent_record
from core import crypto
from core.fields import EncryptedTextField, encrypted_fields
from dsar.models import DataSubjectRequest, DsarExport, EmployeeAttestation
from imports import services as import_services
from imports.models import ImportJob
from prospects import services as prospect_services
from prospects.models import Prospect, ValueHistory
from suppression.models import Opposition
from tests.dsar.factories import DsarFactory, mails_settled
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory
from tests.imports.conftest import connections_csv

pytestmark = [pytest.mark.services]

EMAIL = "marie.curie@example.org"
PROFILE = "https://www.linkedin.com/in/marie-curie"
PHONE = "+33612345678"
NAME = "Marie Curie"
PROOF = "Replied 'yes, send me the brochure' on 3 March"
WORDING = "May we send you our brochure by e-mail?"
MESSAGE = "Hello Marie, our radium detectors might interest you"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(db, dpo):
    """Marie, as the CRM knows her: imported from LinkedIn, edited, consented, contacted, shared."""
    rep = EmployeeFactory(role="rep", hire_date=datetime.date(2024, 3, 1))
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="rep-on-linkedin")
    job = ImportJob(owner=rep)
    job.file.save(
        "c.csv",
        ContentFile(
            connections_csv(
                [
                    f"Marie,Curie,{PROFILE},{EMAIL},Radium Inc,Physicist,10 Jan 2025",
                    "Pierre,Other,https://www.linkedin.com/in/someone-else,,Acme,CEO,10 Jan 2025",
                ]
            )
        ),
        save=False,
    )
    job.save()
    import_services.import_job_run(job_id=job.pk)
    marie = Prospect.objects.get(profile_url_index=crypto.blind_index("profile_url", PROFILE))
    prospect_services.prospect_update(
        actor=dpo.user,
        prospect=marie,
        data={"phone": PHONE, "notes": "Met at the Solvay conference", "social_account": account},
    )
    consent_record(
        actor=rep.user,
        captured_by=rep,
        prospect=marie,
        channel="email",
        action="grant",
        evidence="written_reply",
        purpose="brochure",
        proof=PROOF,
        wording_shown=WORDING,
    )
    OutreachAttempt.objects.create(
        prospect=marie,
        employee=rep,
        social_account=account,
        channel="social_message",
        content=MESSAGE,
        final_content=MESSAGE + " — notice",
        decision="allow",
        rules_version="test",
        created_at=timezone.now(),
    )
    colleague = EmployeeFactory(role="rep")
    prospect_services.prospect_share(actor=rep.user, prospect=marie, with_employee=colleague)
    return {"prospect": marie, "rep": rep, "account": account, "job": job, "colleague": colleague}


def wait_for(dsar, *, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dsar.refresh_from_db()
        if dsar.execution in ("done", "failed"):
            return dsar
        time.sleep(0.2)
    raise AssertionError(f"DSAR job did not finish: {dsar.execution}")


def execute(api_as, dpo, dsar, **body):
    response = api_as(dpo).post(f"/api/dsar/{dsar.pk}/execute/", body, format="json")
    assert response.status_code == 202, response.content
    return wait_for(dsar)


def verified(**kwargs):
    """A request the DPO verified, with the identifiers it names (RULES 22)."""
    kwargs.setdefault(
        "verified_identifiers",
        [f for f in ("email", "phone", "profile_url") if kwargs.get(f"{f}_index")] or ["email"],
    )
    return DsarFactory(
        verified_at=timezone.now(),
        verification_method="dpo_decision",
        status="in_progress",
        **kwargs,
    )


def test_access_export_holds_everything_about_the_person(celery_worker, api_as, dpo, person):
    from deals.models import Deal

    deal = Deal.objects.create(
        prospect=person["prospect"],
        owner=person["rep"],
        product="Radium detector",
        amount=1200,
        network="linkedin",
        notes="Delivery to the lab",
    )
    from prospects import followups

    followups.follow_up_add(
        actor=person["rep"].user,
        prospect=person["prospect"],
        due_on=timezone.localdate(),
        note="Ask about the lab move",
    )
    dsar = verified(
        type="access",
        email=EMAIL.upper(),
        email_index=crypto.blind_index("email", EMAIL),
        language="en",
    )
    dsar = execute(api_as, dpo, dsar)
    assert dsar.status == "completed"
    response = api_as(dpo).get(f"/api/dsar/{dsar.pk}/export/")
    assert response.status_code == 200
    document = response.json()
    [record] = document["records"]
    assert record["values"]["full_name"] == NAME
    assert record["values"]["email"] == EMAIL
    assert record["values"]["phone"] == PHONE
    assert record["values"]["profile_url"] == PROFILE
    assert record["values"]["notes"] == "Met at the Solvay conference"
    assert record["source"] == "linkedin_import"
    assert record["provenance"] == "employment"
    origin = record["origin"]
    assert origin["network"] == "linkedin"
    # The employee's id, as every person field of the API; the username for a human reader.
    assert origin["employee"] == person["rep"].pk
    assert origin["employee_username"] == person["rep"].username
    assert origin["social_account"] == {"network": "linkedin", "handle": "rep-on-linkedin"}
    assert [i["import"] for i in origin["imports"]] == [str(person["job"].pk)]
    history = {(h["field"], h["provenance"]) for h in record["history"]}
    assert {("full_name", "employment"), ("profile_url", "employment")} <= history
    assert {("phone", "company"), ("notes", "company")} <= history
    [consent] = record["consents"]
    assert (consent["proof"], consent["wording_shown"]) == (PROOF, WORDING)
    [outreach] = record["outreach"]
    assert outreach["content"].startswith(MESSAGE)
    assert outreach["social_account"]["handle"] == "rep-on-linkedin"
    assert record["lawful_basis"] == "legitimate_interest"
    assert document["purposes"] and document["recipients"] and document["retention"]
    assert document["lawful_bases"] == ["legitimate_interest"]
    # Deals are part of what we hold about her (RULES 22).
    [sale] = record["deals"]
    assert (sale["id"], sale["product"], sale["amount"], sale["notes"]) == (
        deal.pk,
        "Radium detector",
        "1200.00",
        "Delivery to the lab",
    )
    # The follow-ups planned on her, with their notes.
    [follow_up] = record["follow_ups"]
    assert (follow_up["note"], follow_up["employee"]) == (
        "Ask about the lab move",
        person["rep"].pk,
    )
    # Who in the company holds her data.
    holders = {h["employee"]: h["reasons"] for h in document["people_with_access"]}
    assert holders[person["colleague"].pk] == ["shared"]
    # In plain words, in her language: where it came from, what we did, her rights.
    summary = document["summary"]
    assert "Record 1: Marie Curie" in summary
    assert "imported from the LinkedIn connections of one of our employees" in summary
    assert "Why we use it: Legitimate interest." in summary
    assert "1 consent record(s), 1 message(s) from our staff, 1 sale(s)." in summary
    assert "CNIL" in summary
    # The other imported connection is not in Marie's export.
    assert "Pierre" not in json.dumps(document)

    archive = api_as(dpo).get(f"/api/dsar/{dsar.pk}/export/?format=zip")
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert {
            "README.txt",
            "export.json",
            "records.csv",
            "history.csv",
            "consents.csv",
            "outreach.csv",
            "deals.csv",
        } <= set(zipped.namelist())
        assert PROOF in zipped.read("consents.csv").decode()
        assert "Radium detector" in zipped.read("deals.csv").decode()
        assert "Ask about the lab move" in zipped.read("follow_ups.csv").decode()
        assert zipped.read("README.txt").decode() == summary

    # Stored sealed, outside the web root; every download audited.
    from django.conf import settings

    for export in DsarExport.objects.filter(request=dsar):
        stored = (settings.DSAR_EXPORT_DIR / export.file_name).read_text()
        assert EMAIL not in stored and NAME not in stored
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="dsar.export_downloaded").count() == 2


def test_an_objection_shows_in_the_export_as_you_objected_on(celery_worker, api_as, dpo, person):
    Opposition.objects.create(
        identifier_type="email",
        identifier_index=crypto.blind_index("email", EMAIL),
        scope="all",
        source="prospect_request",
    )
    dsar = verified(
        type="portability",
        email=EMAIL,
        email_index=crypto.blind_index("email", EMAIL),
        language="en",
    )
    execute(api_as, dpo, dsar)
    document = api_as(dpo).get(f"/api/dsar/{dsar.pk}/export/").json()
    [opposition] = document["oppositions"]
    assert opposition["statement"].startswith("You objected to being contacted on")
    assert "You objected to being contacted on" in document["summary"]


def test_expired_exports_are_deleted_by_the_daily_task(celery_worker, api_as, dpo, person):
    from dsar.tasks import purge_expired_exports

    dsar = verified(type="access", email=EMAIL, email_index=crypto.blind_index("email", EMAIL))
    execute(api_as, dpo, dsar)
    DsarExport.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert purge_expired_exports.delay().get(timeout=30) == 2
    from django.conf import settings

    assert list(settings.DSAR_EXPORT_DIR.iterdir()) == []
    assert api_as(dpo).get(f"/api/dsar/{dsar.pk}/export/").status_code == 410


def _values_about_the_person():
    return [EMAIL, PROFILE, PHONE, NAME, "Curie", PROOF, WORDING, MESSAGE, "Solvay"]


def _indexes_of_the_person():
    return {
        crypto.blind_index("email", EMAIL),
        crypto.blind_index("profile_url", PROFILE),
        crypto.blind_index("phone", PHONE),
    }


def personal_leftovers() -> list[str]:
    """Walk every model: decrypt each encrypted column, read each blind-index column and each
    text/JSON column, and name every place where something about Marie remains.

    Allowed to remain (RULES 22): the suppression entries and the requests' own blind indexes
    (the accountability record).
    """
    found = []
    values = [v.lower() for v in _values_about_the_person()]
    indexes = _indexes_of_the_person()
    allowed_index_holders = {Opposition, DataSubjectRequest}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        sealed = encrypted_fields(model)
        index_fields = [f for f in model._meta.concrete_fields if f.name.endswith("_index")]
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("TextField", "CharField", "JSONField")
            and not isinstance(f, EncryptedTextField)
            and not f.name.endswith("_index")
        ]
        if not (sealed or index_fields or text_fields):
            continue
        for row in model._base_manager.all().iterator():
            for field in sealed:
                plain = (getattr(row, field.attname) or "").lower()
                if any(value in plain for value in values):
                    found.append(f"{model._meta.label}.{field.name}")
            for field in index_fields:
                if getattr(row, field.attname) in indexes and model not in allowed_index_holders:
                    found.append(f"{model._meta.label}.{field.name}")
            for field in text_fields:
                text = json.dumps(getattr(row, field.attname), default=str).lower()
                if any(value in text for value in values):
                    found.append(f"{model._meta.label}.{field.name} (plain text!)")
    return found


def _copies_in_other_apps(person):
    """What other apps keep about Marie: a deal's notes, and the leftovers of an earlier
    offboarding (her purged pre-hire record's evidence, export row, kept consent event)."""
    import uuid

    from deals.models import Deal
    from offboarding.models import ExportRow, Offboarding, PurgedEvidence

    now = timezone.now()
    rep, colleague = person["rep"], person["colleague"]
    Deal.objects.create(
        prospect=person["prospect"],
        owner=rep,
        product="Detector",
        amount=100,
        notes=f"{NAME} wants it delivered to the lab",
    )
    from prospects import followups

    followups.follow_up_add(
        actor=rep.user,
        prospect=person["prospect"],
        due_on=now.date() + datetime.timedelta(days=1),
        note=f"Call {NAME} about the delivery",
    )
    case = Offboarding.objects.create(
        employee=colleague, successor=rep, departure_date=datetime.date(2026, 1, 31)
    )
    purged = uuid.uuid4()
    PurgedEvidence.objects.create(
        offboarding=case,
        prospect_id=purged,
        kind="consent",
        source_id=uuid.uuid4(),
        channel="email",
        occurred_at=now,
        email_index=crypto.blind_index("email", EMAIL),
    )
    ExportRow.objects.create(
        offboarding=case, prospect_id=purged, data=json.dumps({"full_name": NAME})
    )
    # Her purged record's consent event, kept as evidence with the record's id (RULES 19).
    kept = ProspectFactory(id=purged, owner=colleague)
    ConsentEvent.objects.create(
        prospect=kept,
        channel="email",
        action="grant",
        evidence="written_reply",
        purpose="brochure",
        wording_shown=WORDING,
        occurred_at=now,
    )
    kept.delete()


def test_erasure_leaves_nothing_about_the_person_and_refuses_recreating_them(
    celery_worker, api_as, dpo, person
):
    _copies_in_other_apps(person)
    other = ProspectFactory(email="someone@example.com")
    dsar = verified(
        type="erasure",
        email=EMAIL,
        email_index=crypto.blind_index("email", EMAIL),
        full_name=NAME,
        message=f"Please delete everything about {NAME}",
    )
    # An earlier access request about her, with its export: erased too.
    earlier = verified(type="access", email=EMAIL, email_index=crypto.blind_index("email", EMAIL))
    execute(api_as, dpo, earlier)
    # The walk sees her everywhere before the erasure.
    assert {
        "prospects.Prospect.full_name",
        "prospects.Prospect.email_index",
        "consent.ConsentEvent.proof",
        "consent.OutreachAttempt.content",
        "dsar.DataSubjectRequest.full_name",
        "deals.Deal.notes",
        "prospects.FollowUp.note",
        "offboarding.PurgedEvidence.email_index",
        "offboarding.ExportRow.data",
        "consent.ConsentEvent.wording_shown",
    } <= set(personal_leftovers())

    dsar = execute(api_as, dpo, dsar)
    assert dsar.status == "completed"
    # The mails to her keep her address until they are sent, then lose it.
    mails_settled()
    # Only who to remove, for the employees who must still do it on their own accounts...
    assert set(personal_leftovers()) == {"dsar.EmployeeAttestation.person"}
    attestations = list(EmployeeAttestation.objects.filter(request=dsar))
    assert all(NAME in a.person and PROFILE in a.person for a in attestations)
    # ...until each confirms (in the browser: dsar-attestation-confirm).
    from django.test import Client
    from django.urls import reverse

    for attestation in attestations:
        browser = Client()
        browser.force_login(attestation.employee.user)
        browser.post(reverse("dsar-attestation-confirm", args=[attestation.pk]))
    assert EmployeeAttestation.objects.filter(confirmed_at__isnull=True).count() == 0
    assert personal_leftovers() == []
    assert not Prospect.objects.filter(pk=person["prospect"].pk).exists()
    assert not ValueHistory.objects.filter(prospect_id=person["prospect"].pk).exists()
    assert not ConsentEvent.objects.filter(prospect_id=person["prospect"].pk).exists()
    # RULES 2026.12 (19, 22): an erasure removes the outreach log too (before, it was kept
    # without content); only the request and the suppression entries stay.
    assert not OutreachAttempt.objects.exists()
    assert dsar.outcome["erased"]["prospects"] == 1
    assert dsar.outcome["erased"]["outreach"] == 1
    # Every identifier she had is suppressed, the profile URL and phone on her record
    # included, though the request named only her e-mail.
    assert dsar.outcome["suppression"] == ["email", "phone", "profile_url"]
    assert set(
        Opposition.objects.filter(source="dsar").values_list("identifier_type", "identifier_index")
    ) == {
        ("email", crypto.blind_index("email", EMAIL)),
        ("phone", crypto.blind_index("phone", PHONE)),
        ("profile_url", crypto.blind_index("profile_url", PROFILE)),
    }
    assert DsarExport.objects.filter(request=earlier, deleted_at__isnull=True).count() == 0
    from django.conf import settings

    assert list(settings.DSAR_EXPORT_DIR.iterdir()) == []  # the earlier export's files too
    # The other imported connection and unrelated prospects are untouched.
    assert Prospect.objects.filter(pk=other.pk).exists()
    assert Prospect.objects.filter(source="linkedin_import").count() == 1
    # Employees who held her are asked to remove her from their own accounts.
    holders = {a.employee_id: a for a in EmployeeAttestation.objects.filter(request=dsar)}
    assert set(holders) == {person["rep"].pk, person["colleague"].pk}
    assert holders[person["rep"].pk].accounts == ["LinkedIn · rep-on-linkedin"]

    # Re-creating her is refused (409 opposition), whichever identifier comes back.
    for identifier in ({"email": EMAIL.upper()}, {"profile_url": PROFILE}, {"phone": PHONE}):
        response = api_as(person["rep"]).post(
            "/api/prospects/", {"full_name": NAME, **identifier}, format="json"
        )
        assert response.status_code == 409, identifier
        assert response.json()["code"] == "opposition"

    # Idempotent: running it again changes nothing and fails nothing.
    from dsar.services import dsar_erase

    again = dsar_erase(actor=None, dsar_id=dsar.pk)
    assert again["erased"]["prospects"] == 1
    assert personal_leftovers() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM consent_consentevent")
        assert cursor.fetchone()[0] == 0


def test_objection_rectification_and_restriction(celery_worker, api_as, dpo, person):
    marie = person["prospect"]
    index = crypto.blind_index("profile_url", PROFILE)
    rectify = verified(type="rectification", profile_url=PROFILE, profile_url_index=index)
    rectify = execute(api_as, dpo, rectify, corrections={"job_title": "Nobel laureate"})
    assert rectify.status == "completed"
    marie.refresh_from_db()
    assert marie.job_title == "Nobel laureate"
    latest = ValueHistory.objects.filter(prospect=marie, field="job_title").last()
    assert latest.provenance == "company"

    restrict = verified(type="restriction", profile_url=PROFILE, profile_url_index=index)
    execute(api_as, dpo, restrict)
    marie.refresh_from_db()
    assert marie.processing_restricted_at is not None
    patch = api_as(person["rep"]).patch(
        f"/api/prospects/{marie.pk}/", {"company": "X"}, format="json"
    )
    assert patch.status_code == 400

    objection = verified(type="objection", profile_url=PROFILE, profile_url_index=index)
    execute(api_as, dpo, objection)
    assert Opposition.objects.filter(identifier_index=index, scope="all").exists()


def test_matches_name_every_holder_in_a_few_queries(
    person, dpo, client, django_assert_max_num_queries
):
    from django.urls import reverse

    from dsar.selectors import dsar_matches

    dsar = verified(type="access", email=EMAIL, email_index=crypto.blind_index("email", EMAIL))
    with django_assert_max_num_queries(8):
        matches = dsar_matches(dsar)
    assert [p.pk for p in matches.prospects] == [person["prospect"].pk]
    reasons = {h["employee"].pk: h["reasons"] for h in matches.holders}
    assert reasons[person["rep"].pk] == ["consent", "outreach", "owner", "recorded"]
    assert reasons[person["colleague"].pk] == ["shared"]
    assert reasons[dpo.pk] == ["recorded"]
    client.force_login(dpo.user)
    page = client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert person["rep"].username in page
    assert "LinkedIn · rep-on-linkedin" in page


def test_a_verified_email_with_another_persons_phone_exports_only_what_the_dpo_confirmed(
    celery_worker, api_as, dpo, person, django_capture_on_commit_callbacks
):
    """Issue 15 (2): an attacker proves their own e-mail and types Marie's phone. Her record
    is not exported without the DPO's confirmation, and not at all once left out."""
    from django.core import mail
    from django.test import Client

    from dsar.services import verification_token

    attacker_email = "mallory@example.net"
    mallory = prospect_services.prospect_create(
        actor=person["rep"].user,
        owner=person["rep"],
        data={"full_name": "Mallory Stone", "email": attacker_email, "company": "Stone & Co"},
    )
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            "/api/dsar/public/",
            {
                "type": "access",
                "full_name": "Mallory Stone",
                "email": attacker_email,
                "phone": PHONE,
            },
            content_type="application/json",
        )
    assert response.status_code == 202
    dsar = DataSubjectRequest.objects.get()
    mails_settled()
    assert mail.outbox[-1].to == [attacker_email]
    visitor.post(f"/privacy/request/verify/{verification_token(dsar)}/")
    dsar.refresh_from_db()
    assert (dsar.status, dsar.verified_identifiers) == ("in_progress", ["email"])

    client = api_as(dpo)
    matches = {m["prospect"]: m for m in client.get(f"/api/dsar/{dsar.pk}/matches/").json()}
    assert matches[str(person["prospect"].pk)]["reasons"] == ["unverified"]
    assert matches[str(mallory.pk)]["reasons"] == []
    refused = client.post(f"/api/dsar/{dsar.pk}/execute/")
    assert (refused.status_code, refused.json()["code"]) == (409, "matches_unconfirmed")
    assert client.get(f"/api/dsar/{dsar.pk}/export/").json()["code"] == "export_not_ready"

    client.post(
        f"/api/dsar/{dsar.pk}/matches/confirm/", {"prospect_ids": [str(mallory.pk)]}, format="json"
    )
    dsar = execute(api_as, dpo, dsar)
    assert dsar.status == "completed"
    document = client.get(f"/api/dsar/{dsar.pk}/export/").json()
    assert [r["id"] for r in document["records"]] == [str(mallory.pk)]
    assert document["identifiers"] == {"email": attacker_email, "phone": None, "profile_url": None}
    archive = client.get(f"/api/dsar/{dsar.pk}/export/?format=zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        everything = " ".join(zipped.read(name).decode() for name in zipped.namelist())
    for text in (json.dumps(document, ensure_ascii=False), everything):
        for value in _values_about_the_person():
            assert value not in text, value
