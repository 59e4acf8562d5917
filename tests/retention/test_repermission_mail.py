"""RULES 18: the re-permission mail to the owner is queued with the requests, through the
outbox: a mail server that is down fails nothing, and the mail leaves once it is back."""

import datetime

import pytest
from django.core.management import call_command

from mail import services as mail_services
from mail.models import MailStatus, OutgoingMail
from retention.models import RepermissionRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def ending_soon(settings, make_prospect, rep):
    settings.RETENTION_REPERMISSION = True
    settings.RETENTION_REPERMISSION_DAYS = 30
    rep.user.email = "alice@socialcrm.local"
    rep.user.save()
    return make_prospect(collected_ago=datetime.timedelta(days=1095 - 10))


def test_a_mail_server_that_is_down_fails_nothing_and_the_mail_leaves_later(
    ending_soon, smtp_server, django_capture_on_commit_callbacks, settings
):
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_expired_prospects", stdout=None)

    assert RepermissionRequest.objects.get().prospect_id == ending_soon.pk
    mail = OutgoingMail.objects.get(kind="retention.repermission")
    assert mail.status == MailStatus.QUEUED  # tried (in-process) or waiting for its worker

    smtp_server.__init__(port=smtp_server.port)
    smtp_server.start()
    mail_services.deliver(str(mail.pk))  # the retry
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    [message] = smtp_server.to("alice@socialcrm.local")
    body = message.get_body(("plain",)).get_content()
    assert f"{settings.SITE_URL}/prospects/{ending_soon.pk}/" in body
    assert "1 prospect reaches the end of its retention period" in message["Subject"]
    assert ending_soon.full_name not in body + message["Subject"]
    assert ending_soon.email not in body + message.get_body(("html",)).get_content()
