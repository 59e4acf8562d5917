import datetime

import pytest
from django.core import mail
from django.utils import timezone

from dsar.tasks import remind_dsar_deadlines
from tests.dsar.factories import DsarFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_the_daily_reminder_emails_every_dpo_about_late_and_soon_requests():
    EmployeeFactory(role="dpo", user__email="dpo1@example.com")
    EmployeeFactory(role="dpo", user__email="dpo2@example.com")
    EmployeeFactory(role="rep", user__email="rep@example.com")
    DsarFactory(due_at=timezone.now() - datetime.timedelta(days=1))
    DsarFactory(due_at=timezone.now() + datetime.timedelta(days=3))
    assert remind_dsar_deadlines.apply().get() == 2
    [message] = mail.outbox
    assert sorted(message.to) == ["dpo1@example.com", "dpo2@example.com"]
    assert "1 overdue, 1 due soon" in message.subject


def test_no_reminder_when_nothing_is_late_or_close():
    EmployeeFactory(role="dpo", user__email="dpo1@example.com")
    DsarFactory(due_at=timezone.now() + datetime.timedelta(days=20))
    assert remind_dsar_deadlines.apply().get() == 0
    assert mail.outbox == []
