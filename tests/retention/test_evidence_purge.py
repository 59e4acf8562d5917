"""RULES 19: outreach texts are kept as evidence for EVIDENCE_RETENTION_DAYS, then emptied."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import OutreachAttempt
from retention.models import ArchivedConsentEvent

pytestmark = pytest.mark.django_db

FIVE_YEARS = datetime.timedelta(days=1825)


def purge_evidence(**options) -> str:
    out = StringIO()
    call_command("purge_evidence", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def prospect(make_prospect):
    return make_prospect(collected_ago=datetime.timedelta(days=30))


def test_texts_older_than_the_evidence_period_are_emptied_and_the_row_stays(prospect, log_outreach):
    old = log_outreach(prospect, ago=FIVE_YEARS + datetime.timedelta(days=1))
    recent = log_outreach(prospect, ago=FIVE_YEARS - datetime.timedelta(days=1))

    purge_evidence()

    old_after = OutreachAttempt.objects.get(pk=old.pk)
    assert (old_after.content, old_after.final_content) == ("", "")
    assert old_after.prospect_id == prospect.pk
    assert (old_after.decision, old_after.channel, old_after.rules_version) == (
        "allow",
        "email",
        "test",
    )
    assert old_after.reasons == old.reasons
    assert old_after.created_at == old.created_at
    assert OutreachAttempt.objects.get(pk=recent.pk).content == "Bonjour Jeanne, un café ?"


def test_the_period_is_a_setting(prospect, log_outreach, settings):
    settings.EVIDENCE_RETENTION_DAYS = 10
    attempt = log_outreach(prospect, ago=datetime.timedelta(days=11))

    purge_evidence()

    assert OutreachAttempt.objects.get(pk=attempt.pk).content == ""


def test_dry_run_counts_and_changes_nothing(prospect, log_outreach):
    log_outreach(prospect, ago=FIVE_YEARS + datetime.timedelta(days=3))
    before = AuditEvent.objects.count()

    out = purge_evidence(dry_run=True)

    assert "outreach_contents: 1 would be" in out
    assert OutreachAttempt.objects.get().content == "Bonjour Jeanne, un café ?"
    assert AuditEvent.objects.count() == before


def test_batches_go_through_everything_and_a_second_run_is_a_no_op(prospect, log_outreach):
    for days in range(5):
        log_outreach(prospect, ago=FIVE_YEARS + datetime.timedelta(days=days + 1))

    assert "outreach_contents: 5 done" in purge_evidence(batch_size=2)
    events = AuditEvent.objects.filter(action="retention.evidence_purged")
    assert sorted(e.fields[1] for e in events) == [
        "outreach_contents:1",
        "outreach_contents:2",
        "outreach_contents:2",
    ]
    assert set(OutreachAttempt.objects.values_list("pk", flat=True)) == {
        a.pk for a in OutreachAttempt.objects.all() if a.content == ""
    }

    assert purge_evidence().strip() == "nothing to do"
    assert AuditEvent.objects.filter(action="retention.evidence_purged").count() == 3


def test_archived_consent_goes_once_its_period_has_passed(make_prospect, record_consent):
    record_consent(make_prospect())
    call_command("purge_expired_prospects", stdout=StringIO())
    archived = ArchivedConsentEvent.objects.get()
    ArchivedConsentEvent.objects.filter(pk=archived.pk).update(
        keep_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    out = purge_evidence()

    assert "archived_consent_events: 1 done" in out
    assert not ArchivedConsentEvent.objects.exists()


def test_archived_consent_within_its_period_stays(make_prospect, record_consent):
    record_consent(make_prospect())
    call_command("purge_expired_prospects", stdout=StringIO())

    purge_evidence()

    assert ArchivedConsentEvent.objects.count() == 1
