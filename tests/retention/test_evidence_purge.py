"""RULES 19: outreach texts are kept as evidence for EVIDENCE_RETENTION_DAYS, then emptied."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import ConsentEvent, OutreachAttempt, RemovedRecord
from retention import services

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


def _purged_with_consent(make_prospect, record_consent, *, removed_ago: datetime.timedelta):
    prospect = make_prospect()
    event = record_consent(prospect)
    call_command("purge_expired_prospects", stdout=StringIO())
    RemovedRecord.objects.filter(pk=prospect.pk).update(removed_at=timezone.now() - removed_ago)
    return event


@pytest.mark.parametrize(
    ("removed_ago", "kept"),
    [
        (FIVE_YEARS - datetime.timedelta(days=1), True),  # the day before the period ends
        (FIVE_YEARS - datetime.timedelta(minutes=1), True),
        (FIVE_YEARS + datetime.timedelta(minutes=1), False),  # just after
        (FIVE_YEARS + datetime.timedelta(days=1), False),
    ],
)
def test_a_removed_records_consent_goes_once_the_period_since_its_removal_has_passed(
    make_prospect, record_consent, removed_ago, kept
):
    # The consent itself is four years old: the period runs from the removal, not from it.
    event = _purged_with_consent(make_prospect, record_consent, removed_ago=removed_ago)

    out = purge_evidence()

    assert ConsentEvent.objects.filter(pk=event.pk).exists() is kept
    assert RemovedRecord.objects.exists() is kept
    if not kept:
        assert "consent_events: 1 done" in out
        assert "removed_records: 1 done" in out


def test_the_consent_of_a_living_prospect_is_never_purged(make_prospect, record_consent):
    event = record_consent(make_prospect(collected_ago=datetime.timedelta(days=30)))

    # Six years on, the prospect still here: its consent is still in use.
    later = timezone.now() + datetime.timedelta(days=6 * 365)
    services.evidence_purge_batch(run_id="test", now=later, batch_size=10)

    assert ConsentEvent.objects.filter(pk=event.pk, prospect__isnull=False).exists()


def test_a_detached_event_without_a_removal_record_goes_by_its_own_date(
    make_prospect, record_consent
):
    # A record removed some other way (the admin site): the period runs from the event.
    prospect = make_prospect(collected_ago=datetime.timedelta(days=30))
    event = record_consent(prospect)
    prospect.delete()
    assert ConsentEvent.objects.get(pk=event.pk).prospect_id is None

    soon = timezone.now() + datetime.timedelta(days=1)
    services.evidence_purge_batch(run_id="test", now=soon, batch_size=10)
    assert ConsentEvent.objects.filter(pk=event.pk).exists()

    later = timezone.now() + FIVE_YEARS + datetime.timedelta(days=1)
    services.evidence_purge_batch(run_id="test", now=later, batch_size=10)
    assert not ConsentEvent.objects.filter(pk=event.pk).exists()


def test_dry_run_counts_the_removed_records_consent(make_prospect, record_consent):
    event = _purged_with_consent(
        make_prospect, record_consent, removed_ago=FIVE_YEARS + datetime.timedelta(days=1)
    )

    out = purge_evidence(dry_run=True)

    assert "consent_events: 1 would be" in out
    assert "removed_records: 1 would be" in out
    assert ConsentEvent.objects.filter(pk=event.pk).exists()
