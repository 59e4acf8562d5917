"""The DPOs' daily reminder of late and due-soon requests, sent through the outbox."""

import datetime

import pytest
from django.utils import timezone

from dsar.tasks import remind_dsar_deadlines
from mail import services as mail_services
from mail.models import MailStatus, OutgoingMail
from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_the_daily_reminder_emails_every_dpo_about_late_and_soon_requests(settings):
    EmployeeFactory(role="dpo", user__email="dpo1@example.com")
    EmployeeFactory(role="dpo", user__email="dpo2@example.com")
    EmployeeFactory(role="rep", user__email="rep@example.com")
    DsarFactory(due_at=timezone.now() - datetime.timedelta(days=1))
    DsarFactory(due_at=timezone.now() + datetime.timedelta(days=3))
    assert remind_dsar_deadlines.apply().get() == 2
    # Recipients are sealed at rest: sorted here, not in SQL.
    mails = sorted(OutgoingMail.objects.filter(kind="dsar.reminder"), key=lambda m: m.recipient)
    assert [m.recipient for m in mails] == ["dpo1@example.com", "dpo2@example.com"]
    assert all("1 overdue, 1 due soon" in m.subject for m in mails)
    body = mails[0].text_body
    assert "1 data-subject request is past its deadline and 1 is due within" in body
    assert f"{settings.SITE_URL}/dsar/" in body


def test_the_reminder_reaches_the_dpo_over_smtp(smtp_server):
    EmployeeFactory(role="dpo", user__email="dpo1@example.com")
    DsarFactory(due_at=timezone.now() - datetime.timedelta(days=1))
    DsarFactory(due_at=timezone.now() - datetime.timedelta(days=2))
    remind_dsar_deadlines.apply().get()
    mail = OutgoingMail.objects.get(kind="dsar.reminder")
    mail_services.deliver(str(mail.pk))
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    [message] = smtp_server.to("dpo1@example.com")
    assert "2 data-subject requests are past their deadline" in message.get_content()


def test_no_reminder_when_nothing_is_late_or_close():
    EmployeeFactory(role="dpo", user__email="dpo1@example.com")
    DsarFactory(due_at=timezone.now() + datetime.timedelta(days=20))
    assert remind_dsar_deadlines.apply().get() == 0
    assert not OutgoingMail.objects.exists()
