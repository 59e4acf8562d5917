import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from core import crypto
from dsar.models import DataSubjectRequest
from suppression.models import Opposition
from tests.audit.queries import audit_write_queries
from tests.dsar.factories import DsarFactory, deliver_queued
from tests.factories import EmployeeFactory

PUBLIC = "/api/dsar/public/"


def url(dsar, action=""):
    return f"/api/dsar/{dsar.pk}/{action + '/' if action else ''}"


@pytest.mark.django_db
def test_public_request_is_accepted_and_emails_a_verification_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PUBLIC,
            {"type": "access", "email": " Jane.Doe@Example.com", "full_name": "Jane Doe"},
            content_type="application/json",
        )
    deliver_queued()
    assert response.status_code == 202
    dsar = DataSubjectRequest.objects.get()
    assert dsar.status == "verifying"
    assert dsar.received_via == "public_form"
    assert dsar.email_index == crypto.blind_index("email", "jane.doe@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Jane.Doe@Example.com"]
    assert "http://testserver/privacy/request/verify/" in mail.outbox[0].body
    assert "/privacy/request/verify/" in mail.outbox[0].body


@pytest.mark.django_db
def test_public_request_without_identifier_is_refused(client):
    response = client.post(
        PUBLIC, {"type": "access", "full_name": "Jane"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "identifier" in response.json()
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_public_request_refuses_oversized_fields_naming_them(client):
    response = client.post(
        PUBLIC,
        {
            "type": "erasure",
            "email": "a@example.com",
            "full_name": "J" * 201,
            "message": "x" * 5001,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"full_name", "message"}


@pytest.mark.django_db
def test_public_request_is_throttled_and_only_valid_requests_count(client, settings):
    limit = int(settings.DSAR_PUBLIC_THROTTLE_RATE.partition("/")[0])
    body = {"type": "access", "email": "a@example.com", "full_name": "A"}
    mistyped = {**body, "email": "not an address"}
    rejected = [
        client.post(PUBLIC, mistyped, content_type="application/json").status_code for _ in range(3)
    ]
    statuses = [
        client.post(PUBLIC, body, content_type="application/json").status_code
        for _ in range(limit + 1)
    ]
    assert rejected == [400] * 3
    assert statuses == [202] * limit + [429]
    assert DataSubjectRequest.objects.count() == limit


@pytest.mark.django_db
def test_public_objection_is_on_the_suppression_list_once_its_email_is_proven(client):
    # RULES 2026.12 (22): an unproven address stops nothing; the opened link acts at once.
    client.post(
        PUBLIC,
        {"type": "objection", "email": "stop@example.com", "full_name": "Stop"},
        content_type="application/json",
    )
    index = crypto.blind_index("email", "stop@example.com")
    assert not Opposition.objects.filter(identifier_index=index).exists()
    from dsar.services import verification_token

    token = verification_token(DataSubjectRequest.objects.get())
    client.post(f"/privacy/request/verify/{token}/")
    assert Opposition.objects.filter(identifier_index=index, scope="all", source="dsar").exists()


@pytest.mark.django_db
def test_dpo_records_a_request_due_one_calendar_month_later(api_as, dpo):
    response = api_as(dpo).post(
        "/api/dsar/",
        {
            "type": "erasure",
            "phone": "06 12 34 56 78",
            "received_via": "post",
            "received_at": "2025-01-31T10:00:00+01:00",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["due_at"].startswith("2025-02-28T10:00:00")
    assert {"id", "status", "due_at"} <= set(body)


@pytest.mark.django_db
def test_a_receipt_date_before_1970_is_refused_naming_it(api_as, dpo):
    response = api_as(dpo).post(
        "/api/dsar/",
        {
            "type": "access",
            "email": "a@example.com",
            "received_via": "post",
            "received_at": "1812-01-31T10:00:00Z",
        },
    )
    assert response.status_code == 400
    assert "received_at" in response.json()


@pytest.mark.django_db
def test_a_request_without_identifier_is_refused(api_as, dpo):
    response = api_as(dpo).post("/api/dsar/", {"type": "access", "received_via": "email"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_unreadable_identifier_is_refused_naming_it(api_as, dpo):
    response = api_as(dpo).post(
        "/api/dsar/", {"type": "access", "received_via": "email", "email": "not-an-email"}
    )
    assert response.status_code == 400
    assert "email" in response.json()


@pytest.mark.django_db
def test_a_rep_forwards_a_request_from_their_account_but_nothing_else(api_as, rep):
    client = api_as(rep)
    forwarded = client.post(
        "/api/dsar/",
        {
            "type": "access",
            "profile_url": "linkedin.com/in/jane",
            "received_via": "employee_account",
        },
    )
    assert forwarded.status_code == 201
    assert DataSubjectRequest.objects.get().forwarded_by == rep
    assert (
        client.post(
            "/api/dsar/", {"type": "access", "email": "a@example.com", "received_via": "email"}
        ).status_code
        == 403
    )
    assert client.get(f"/api/dsar/{forwarded.json()['id']}/").status_code == 200
    assert client.get("/api/dsar/").status_code == 403


@pytest.mark.django_db
def test_a_request_the_caller_may_not_see_is_404(api_as, rep, dpo):
    other = DsarFactory()
    colleague = EmployeeFactory(role="rep")
    theirs = DsarFactory(received_via="employee_account", forwarded_by=colleague)
    client = api_as(rep)
    for dsar in (other, theirs):
        assert client.get(url(dsar)).status_code == 404
        assert client.post(url(dsar, "execute")).status_code == 404
        assert client.get(url(dsar, "export")).status_code == 404
    assert api_as(dpo).get(url(theirs)).status_code == 200


@pytest.mark.django_db
def test_the_employee_who_forwarded_cannot_act_on_it(api_as, rep):
    dsar = DsarFactory(received_via="employee_account", forwarded_by=rep)
    assert api_as(rep).post(url(dsar, "verify"), {}).status_code == 403
    assert api_as(rep).post(url(dsar, "execute"), {}).status_code == 403


@pytest.mark.django_db
def test_executing_an_unverified_request_is_409(api_as, dpo):
    dsar = DsarFactory()
    response = api_as(dpo).post(url(dsar, "execute"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_verified"
    dsar.refresh_from_db()
    assert dsar.execution == ""


@pytest.mark.django_db
def test_dpo_verification_with_a_note(api_as, dpo):
    dsar = DsarFactory()
    response = api_as(dpo).post(url(dsar, "verify"), {"note": "ID card checked"})
    assert response.status_code == 202
    assert response.json()["status"] == "in_progress"
    dsar.refresh_from_db()
    assert (dsar.verification_method, dsar.verification_note) == ("dpo_decision", "ID card checked")
    assert dsar.verified_by == dpo.user


@pytest.mark.django_db
def test_extension_once_with_a_reason(api_as, dpo):
    received = timezone.now() - datetime.timedelta(days=3)
    dsar = DsarFactory(received_at=received)
    client = api_as(dpo)
    assert client.post(url(dsar, "extend"), {}).status_code == 400  # no reason
    first = client.post(url(dsar, "extend"), {"reason": "many records across networks"})
    assert first.status_code == 202
    dsar.refresh_from_db()
    assert dsar.extension_months == 2
    from dsar.rules import due_at_for

    assert dsar.due_at == due_at_for(received, extension_months=2)
    second = client.post(url(dsar, "extend"), {"reason": "again"})
    assert second.status_code == 400
    assert second.json()["code"] == "already_extended"


@pytest.mark.django_db
def test_no_extension_after_the_first_deadline(api_as, dpo):
    received = timezone.now() - datetime.timedelta(days=40)
    dsar = DsarFactory(received_at=received)
    response = api_as(dpo).post(url(dsar, "extend"), {"reason": "late"})
    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"


@pytest.mark.django_db
def test_rejection_carries_the_reason_and_the_cnil_information(api_as, dpo):
    dsar = DsarFactory()
    response = api_as(dpo).post(url(dsar, "reject"), {"reason": "identity not established"})
    assert response.status_code == 202
    detail = api_as(dpo).get(url(dsar)).json()
    assert detail["status"] == "rejected"
    assert detail["rejection_reason"] == "identity not established"
    assert "CNIL" in detail["complaint_information"]
    assert api_as(dpo).post(url(dsar, "execute")).status_code == 409


@pytest.mark.django_db
def test_dpo_list_is_paginated_overdue_first_and_filters_by_status(
    api_as, dpo, django_assert_num_queries
):
    now = timezone.now()
    late = DsarFactory(due_at=now - datetime.timedelta(days=2))
    soon = DsarFactory(due_at=now + datetime.timedelta(days=2))
    DsarFactory(due_at=now + datetime.timedelta(days=20))
    done = DsarFactory(due_at=now - datetime.timedelta(days=9), status="completed")
    client = api_as(dpo)
    # Token with user and employee, count, page, the page's mails (one query for all); the
    # DPO's read goes in the audit trail.
    with django_assert_num_queries(4 + audit_write_queries()):
        body = client.get("/api/dsar/").json()
    ids = [row["id"] for row in body["results"]]
    assert ids[:2] == [str(late.pk), str(soon.pk)]
    assert ids[-1] == str(done.pk)
    assert body["results"][0]["overdue"] is True
    completed = client.get("/api/dsar/?status=completed").json()
    assert [row["id"] for row in completed["results"]] == [str(done.pk)]
    assert client.get("/api/dsar/?status=bogus").status_code == 400


@pytest.mark.django_db
def test_list_query_count_does_not_grow(api_as, dpo, django_assert_max_num_queries):
    DsarFactory.create_batch(3)
    client = api_as(dpo)
    client.get("/api/dsar/")
    DsarFactory.create_batch(20)
    with django_assert_max_num_queries(5 + audit_write_queries()):
        assert len(client.get("/api/dsar/").json()["results"]) == 23


@pytest.mark.django_db
def test_writes_are_audited(api_as, dpo):
    dsar = DsarFactory()
    api_as(dpo).post(url(dsar, "verify"), {"note": "ok"})
    assert AuditEvent.objects.filter(action="dsar.verified", object_id=str(dsar.pk)).exists()


@pytest.mark.django_db
def test_a_public_request_with_a_phone_only_waits_for_the_dpo(client):
    response = client.post(
        PUBLIC,
        {"type": "access", "phone": "06 12 34 56 78", "full_name": "Jo"},
        content_type="application/json",
    )
    assert response.status_code == 202
    dsar = DataSubjectRequest.objects.get()
    assert (dsar.status, dsar.verification_sent_at) == ("received", None)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("received_at", "accepted"),
    [
        (lambda now: now + datetime.timedelta(minutes=4), True),  # clock skew
        (lambda now: now + datetime.timedelta(minutes=6), False),
        (lambda now: now + datetime.timedelta(days=1), False),
        (lambda now: now + datetime.timedelta(days=365 * 11), False),
        (lambda now: datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), True),
        (lambda now: datetime.datetime(1969, 12, 31, 23, 59, tzinfo=datetime.UTC), False),
    ],
)
@pytest.mark.django_db
def test_the_receipt_date_describes_the_past(api_as, dpo, received_at, accepted):
    moment = received_at(timezone.now())
    response = api_as(dpo).post(
        "/api/dsar/",
        {
            "type": "access",
            "email": "a@example.com",
            "received_via": "post",
            "received_at": moment.isoformat(),
        },
    )
    assert response.status_code == (201 if accepted else 400), response.json()
    if not accepted:
        assert "received_at" in response.json()
    assert DataSubjectRequest.objects.exists() is accepted


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "not a date"])
@pytest.mark.django_db
def test_an_absurd_receipt_date_is_a_400_not_a_crash(api_as, dpo, value):
    response = api_as(dpo).post(
        "/api/dsar/",
        {"type": "access", "email": "a@example.com", "received_via": "post", "received_at": value},
    )
    assert response.status_code == 400
    assert "received_at" in response.json()


@pytest.mark.django_db
def test_the_dpo_form_refuses_a_future_receipt_date(client, dpo):
    from django.urls import reverse

    client.force_login(dpo.user)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("dsar-new"),
        {
            "type": "access",
            "received_via": "post",
            "email": "a@example.com",
            "received_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "headers", "language"),
    [
        ({}, {}, "fr"),  # nothing said: French
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}, "en"),
        ({"language": "en"}, {"HTTP_ACCEPT_LANGUAGE": "fr"}, "en"),  # said outright
        ({"language": "fr"}, {}, "fr"),
    ],
)
def test_a_public_request_is_answered_in_the_language_asked(
    client, django_capture_on_commit_callbacks, body, headers, language
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PUBLIC,
            {"type": "access", "email": "jane@example.com", "full_name": "Jane Doe", **body},
            content_type="application/json",
            **headers,
        )
    deliver_queued()
    assert response.status_code == 202
    assert DataSubjectRequest.objects.get().language == language
    subject = mail.outbox[0].subject
    assert ("Confirmez" in subject) is (language == "fr")


@pytest.mark.django_db
def test_a_public_request_in_another_language_is_refused(client):
    response = client.post(
        PUBLIC,
        {"type": "access", "email": "jane@example.com", "full_name": "Jane", "language": "de"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "language" in response.json()
