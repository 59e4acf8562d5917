"""RULES 20: the person is told of an extension and why before the first deadline, and of the
completion; in the request's language, French by default."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import crypto
from dsar import services
from dsar.models import DataSubjectRequest
from tests.dsar.factories import DsarFactory, deliver_queued

pytestmark = pytest.mark.django_db

REASON = "Your data is spread over three networks & 2 <offices>"


def extend(api_as, dpo, dsar, **body):
    return api_as(dpo).post(
        f"/api/dsar/{dsar.pk}/extend/", {"reason": REASON, **body}, format="json"
    )


@pytest.mark.parametrize(
    ("language", "subject", "sentences"),
    [
        (
            "fr",
            "nous avons besoin de plus de temps",
            ["nous vous répondrons au plus tard le 28 avril 2025", "Pourquoi :"],
        ),
        (
            "en",
            "we need more time",
            ["we will answer by 28 Apr 2025 at the latest", "Why:"],
        ),
    ],
)
def test_an_extension_emails_the_person_the_reason_and_the_new_date_in_their_language(
    api_as, dpo, django_capture_on_commit_callbacks, language, subject, sentences, settings
):
    received = datetime.datetime(2025, 1, 31, 10, tzinfo=datetime.UTC)
    dsar = DsarFactory(received_at=received, language=language, email="jane@example.com")
    now = datetime.datetime(2025, 2, 10, 9, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        with _frozen(now):
            response = extend(api_as, dpo, dsar)
    deliver_queued()
    assert response.status_code == 202, response.json()
    # Queued with the extension; the person counts as told once their server took it.
    assert response.json()["extension_notified_at"] is None
    assert [(m["purpose"], m["status"]) for m in response.json()["mails"]] == [
        ("extension", "queued")
    ]
    after = api_as(dpo).get(f"/api/dsar/{dsar.pk}/").json()
    assert after["extension_notified_at"] is not None
    assert [(m["purpose"], m["status"]) for m in after["mails"]] == [("extension", "sent")]
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert subject in message.subject
    for sentence in sentences:
        assert sentence in message.body
    assert REASON in message.body  # plain text: nothing escaped, nothing lost
    dsar.refresh_from_db()
    assert timezone.localtime(dsar.due_at).date() == datetime.date(2025, 4, 28)


def test_a_request_without_language_is_answered_in_french(api_as, dpo):
    response = api_as(dpo).post(
        "/api/dsar/", {"type": "access", "email": "a@example.com", "received_via": "email"}
    )
    assert DataSubjectRequest.objects.get(pk=response.json()["id"]).language == "fr"
    english = api_as(dpo).post(
        "/api/dsar/",
        {"type": "access", "email": "b@example.com", "received_via": "email", "language": "en"},
    )
    assert english.json()["language"] == "en"
    bad = api_as(dpo).post(
        "/api/dsar/",
        {"type": "access", "email": "c@example.com", "received_via": "email", "language": "xx"},
    )
    assert bad.status_code == 400 and "language" in bad.json()


@pytest.mark.parametrize(
    ("before_deadline", "accepted"),
    [
        (datetime.timedelta(days=1), True),  # the day before
        (datetime.timedelta(minutes=1), True),
        (datetime.timedelta(0), False),  # at the deadline: too late
        (-datetime.timedelta(days=1), False),  # the day after
    ],
)
def test_an_extension_only_before_the_first_deadline(
    api_as, dpo, django_capture_on_commit_callbacks, before_deadline, accepted
):
    received = datetime.datetime(2025, 1, 31, 10, tzinfo=datetime.UTC)
    dsar = DsarFactory(received_at=received)
    with django_capture_on_commit_callbacks(execute=True), _frozen(dsar.due_at - before_deadline):
        response = extend(api_as, dpo, dsar)
    deliver_queued()
    assert response.status_code == (202 if accepted else 400)
    assert len(mail.outbox) == (1 if accepted else 0)
    dsar.refresh_from_db()
    assert (dsar.extended_at is not None) is accepted


def test_without_an_email_address_the_page_tells_the_dpo_to_inform_the_person(api_as, dpo, client):
    dsar = DsarFactory(
        email=None, email_index=None, phone_index=crypto.blind_index("phone", "+33612345678")
    )
    assert extend(api_as, dpo, dsar).status_code == 202
    assert mail.outbox == []
    dsar.refresh_from_db()
    assert dsar.extension_notified_at is None
    client.force_login(dpo.user)
    page = client.get(reverse("dsar-detail", args=[dsar.pk])).content.decode()
    assert "tell the person of the extension and why, before the first deadline" in page


@pytest.mark.parametrize(
    ("type_", "language", "line"),
    [
        ("access", "en", "What we hold about you, explained in plain words"),
        ("erasure", "en", "We erased the data we held about you."),
        ("objection", "en", "We will no longer contact you."),
        ("access", "fr", "Ce que nous détenons sur vous, expliqué simplement"),
        ("restriction", "en", "We restricted the processing of your data"),
        ("erasure", "fr", "Nous avons effacé les données"),
    ],
)
def test_completion_emails_the_person_once(
    dpo, django_capture_on_commit_callbacks, type_, language, line
):
    dsar = _run_to_completion(
        dpo, django_capture_on_commit_callbacks, type=type_, language=language
    )
    assert dsar.status == "completed"
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]  # even after an erasure wiped the address
    assert line in message.body
    assert "CNIL" in message.body
    # A redelivered job completes again without a second e-mail.
    services._complete(dsar_id=dsar.pk, outcome={}, address="jane@example.com")
    deliver_queued()
    assert len(mail.outbox) == 1


def _run_to_completion(dpo, capture_on_commit, **request):
    """A verified request for jane@example.com, executed and run, its e-mails sent on commit."""
    dsar = DsarFactory(
        email="jane@example.com",
        verified_at=timezone.now(),
        verified_identifiers=["email"],
        status="in_progress",
        **request,
    )
    with capture_on_commit(execute=True):
        services.dsar_execute(actor=dpo.user, dsar=dsar)
    with capture_on_commit(execute=True):
        services.dsar_run(dsar_id=dsar.pk)
    deliver_queued()
    dsar.refresh_from_db()
    return dsar


def _frozen(moment):
    """``timezone.now()`` as the services and serializers see it."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_mail_server_that_is_down_leaves_the_request_completed_and_not_notified(
    dpo, django_capture_on_commit_callbacks, settings, caplog, api_as
):
    """SMTP down: the request is done all the same; the mail stays queued and is tried
    again until it fails; the request shows nobody was told, with the error met; the log
    names the mail, never the address."""
    import socket

    from mail import services as mail_services

    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.MAIL_MAX_ATTEMPTS = 3
    dsar = _run_to_completion(dpo, django_capture_on_commit_callbacks, type="erasure")

    assert dsar.status == "completed"
    [link] = dsar.mails.all()
    assert (link.purpose, link.mail.status) == ("completion", "queued")  # to be tried again
    assert dsar.completion_notified_at is None
    while link.mail.status == "queued":  # the retries (the worker's, or the sweep's)
        mail_services.deliver(str(link.mail.pk))
        link.mail.refresh_from_db()
    body = api_as(dpo).get(f"/api/dsar/{dsar.pk}/").json()
    assert body["completion_notified_at"] is None
    [shown] = body["mails"]
    assert (shown["purpose"], shown["status"], shown["attempts"]) == ("completion", "failed", 3)
    assert "ConnectionRefusedError" in shown["last_response"]
    assert "jane@example.com" not in caplog.text


def _verified_erasure():
    return DsarFactory(
        type="erasure",
        email="jane@example.com",
        verified_at=timezone.now(),
        verified_identifiers=["email"],
        status="in_progress",
    )


def _erase(dpo, capture_on_commit, dsar) -> None:
    with capture_on_commit(execute=True):
        services.dsar_execute(actor=dpo.user, dsar=dsar)
    with capture_on_commit(execute=True):
        services.dsar_run(dsar_id=dsar.pk)


def test_an_erasure_empties_the_mails_already_sent_to_the_person(
    api_as, dpo, django_capture_on_commit_callbacks
):
    """The extension mail's copy of the address and the reason go with the erasure; the row
    stays as the proof the person was told (kind, status, server answer, date)."""
    dsar = _verified_erasure()
    with django_capture_on_commit_callbacks(execute=True):
        assert extend(api_as, dpo, dsar).status_code == 202
    deliver_queued()
    _erase(dpo, django_capture_on_commit_callbacks, dsar)
    deliver_queued()

    extension, completion = (link.mail for link in dsar.mails.order_by("created_at", "id"))
    assert (extension.status, extension.recipient, extension.text_body) == ("sent", "", "")
    assert extension.sent_at is not None
    # The completion needed the address to leave; once sent, it is emptied too.
    assert [m.to for m in mail.outbox] == [["jane@example.com"], ["jane@example.com"]]
    assert "Nous avons effacé les données" in mail.outbox[1].body
    assert (completion.status, completion.recipient, completion.text_body) == ("sent", "", "")
    dsar.refresh_from_db()
    assert dsar.outcome["erased"]["mails_wiped"] == 1
    assert dsar.extension_notified_at == extension.sent_at


def test_a_mail_still_queued_when_the_erasure_runs_is_emptied_once_it_is_sent(
    api_as, dpo, django_capture_on_commit_callbacks
):
    """The extension mail waits in the queue (server slow) while the erasure runs: it still
    leaves with the address, and is emptied the moment it is sent, like the completion."""
    dsar = _verified_erasure()
    # Queued, not handed to the worker yet.
    with django_capture_on_commit_callbacks(execute=False):
        assert extend(api_as, dpo, dsar).status_code == 202
    _erase(dpo, django_capture_on_commit_callbacks, dsar)
    extension, completion = (link.mail for link in dsar.mails.order_by("created_at", "id"))
    assert extension.status == "queued" and extension.recipient == "jane@example.com"
    deliver_queued()
    assert sorted(m.to[0] for m in mail.outbox) == ["jane@example.com", "jane@example.com"]
    for sent in (extension, completion):
        sent.refresh_from_db()
        assert (sent.status, sent.recipient, sent.subject, sent.text_body) == ("sent", "", "", "")
    dsar.refresh_from_db()
    assert dsar.outcome["erased"]["mails_wiped"] == 0  # none was done with at the erasure
