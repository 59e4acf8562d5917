"""Prospects stored through the services, some collected long ago, with their evidence."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.utils import timezone

from consent import services as consent_services
from consent.models import OutreachAttempt
from prospects import rules as prospect_rules
from prospects import services as prospect_services
from prospects.models import Prospect

_numbers = itertools.count(1)
# Collected four years ago, never heard from since: past the 3-year retention (RULES 18).
LONG_AGO = datetime.timedelta(days=4 * 365)


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Tasks run eagerly, except in the tests that start a real worker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    from socialcrm.celery import app

    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture
def make_prospect(rep):
    """``make_prospect(collected_ago=...)``: a b2b prospect of ``rep`` with a name and an e-mail."""

    def make(*, collected_ago: datetime.timedelta = LONG_AGO, owner=None):
        owner = owner or rep
        n = next(_numbers)
        prospect = prospect_services.prospect_create(
            actor=owner.user,
            owner=owner,
            data={
                "full_name": f"Jeanne Durand{n}",
                "email": f"jeanne.durand{n}@example.fr",
                "company": "Durand SARL",
                "lawful_basis": "legitimate_interest",
                "notes": "Met at the Lyon trade fair",
                "collected_at": timezone.now() - collected_ago,
            },
        )
        # RULES 18: the clock runs from the record's entry into the CRM; this one was
        # collected by the company (entered) ``collected_ago`` before now.
        entered = timezone.now() - collected_ago
        Prospect.objects.filter(pk=prospect.pk).update(
            created_at=entered,
            retention_until=prospect_rules.retention_until(
                None, entered, settings.PROSPECT_RETENTION_DAYS
            ),
        )
        prospect.refresh_from_db()
        return prospect

    return make


@pytest.fixture
def log_outreach():
    """An outreach attempt as the gate logs it, dated ``ago`` before now."""

    def log(prospect, *, ago=datetime.timedelta(0), content="Bonjour Jeanne, un café ?"):
        return OutreachAttempt.objects.create(
            prospect=prospect,
            employee=prospect.owner,
            channel="email",
            content=content,
            final_content=content + "\n\nReply STOP to object.",
            decision="allow",
            reasons=[{"code": "outside_working_hours", "severity": "warn"}],
            rules_version="test",
            created_at=timezone.now() - ago,
        )

    return log


@pytest.fixture
def record_consent():
    def record(prospect):
        return consent_services.consent_record(
            actor=prospect.owner.user,
            captured_by=prospect.owner,
            prospect=prospect,
            channel="email",
            action="grant",
            evidence="written_reply",
            purpose="newsletter",
            proof="Jeanne wrote 'oui' from jeanne@example.fr",
            wording_shown="Acceptez-vous nos e-mails ?",
            occurred_at=timezone.now() - LONG_AGO,
        )

    return record
