"""Mail leaves through the outbox to a real SMTP server: once, under one Message-ID,
retried while the server refuses or is away, and marked with the server's answer."""

import time

import pytest
from django.db import transaction

from mail import services
from mail.models import MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


def queued(**overrides) -> OutgoingMail:
    fields = {
        "kind": "test",
        "to": "jeanne.martin@exemple.fr",
        "subject": "Votre demande",
        "text": "Bonjour Jeanne,\n\nVoici la réponse.",
        "html": "<p>Bonjour Jeanne,</p><p>Voici la réponse.</p>",
        "headers": {"List-Unsubscribe": "<https://crm.exemple.fr/o/abc/>"},
    } | overrides
    with transaction.atomic():
        return services.queue(**fields)


def settled(mail: OutgoingMail, *, timeout: float = 30.0) -> OutgoingMail:
    deadline = time.monotonic() + timeout
    while True:
        mail.refresh_from_db()
        if mail.status != MailStatus.QUEUED or time.monotonic() > deadline:
            return mail
        time.sleep(0.05)


def test_a_queued_mail_reaches_the_server_once_with_its_parts(smtp_server, task_runner):
    mail = settled(queued())

    assert mail.status == MailStatus.SENT
    assert mail.last_response == "250 2.0.0 Ok: queued as test"
    assert mail.attempts == 1
    [message] = smtp_server.messages
    assert message["Message-ID"] == mail.message_id
    assert message["To"] == "jeanne.martin@exemple.fr"
    assert message["Subject"] == "Votre demande"
    assert message["List-Unsubscribe"] == "<https://crm.exemple.fr/o/abc/>"
    assert message.get_body(("plain",)).get_content().startswith("Bonjour Jeanne,")
    assert "<p>Bonjour Jeanne,</p>" in message.get_body(("html",)).get_content()
    # A second delivery of the same row (a redelivered task) sends nothing.
    assert services.deliver(str(mail.pk)) is None
    assert len(smtp_server.messages) == 1


def test_the_mail_is_sealed_at_rest():
    mail = queued()
    raw = OutgoingMail.objects.filter(pk=mail.pk).values_list(
        "recipient", "subject", "text_body", "html_body", "headers"
    )
    for column in raw.get():
        assert "jeanne" not in column.lower() and "/o/abc" not in column


@pytest.fixture
def undelivered(monkeypatch):
    """Mail queued without its delivery task: the test runs each attempt itself."""
    monkeypatch.setattr(services.outbox, "enqueue", lambda **kwargs: None)


def test_a_refusing_server_is_tried_again_then_the_mail_fails(smtp_server, settings, undelivered):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp_server.refuse = "421 4.3.2 Try again later"
    mail = queued()
    for _ in range(5):
        services.deliver(str(mail.pk))
    mail.refresh_from_db()

    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 3)
    assert mail.last_response == "421 4.3.2 Try again later"
    assert smtp_server.refused == 3 and smtp_server.messages == []


def test_a_server_away_then_back_gets_the_same_message_id(smtp_server, undelivered):
    smtp_server.stop()
    mail = queued()
    assert services.deliver(str(mail.pk)) is not None  # a wait before the next try
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED
    assert "ConnectionRefusedError" in mail.last_response

    smtp_server.__init__(port=smtp_server.port)
    smtp_server.start()
    assert services.deliver(str(mail.pk)) is None
    mail.refresh_from_db()

    assert mail.status == MailStatus.SENT and mail.attempts == 2
    assert [m["Message-ID"] for m in smtp_server.messages] == [mail.message_id]


@pytest.mark.services
def test_the_worker_retries_a_refusing_server_until_it_gives_up(
    smtp_server, celery_worker, settings
):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp_server.refuse = "550 5.1.1 No such user"
    mail = settled(queued())

    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 3)
    assert mail.last_response == "550 5.1.1 No such user"


def test_a_rolled_back_change_queues_no_mail(smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue(kind="test", to="a@exemple.fr", subject="s", text="t")
        raise RuntimeError("the change fails")
    assert not OutgoingMail.objects.exists()
    assert smtp_server.messages == []
