"""RULES 18: prospects past retention are purged by the clock only they move."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from consent import services as consent_services
from consent.models import ConsentEvent, OutreachAttempt, RemovedRecord
from prospects import services as prospect_services
from prospects.models import Prospect, ValueHistory
from retention import services
from retention.models import RepermissionRequest
from suppression.models import Opposition

pytestmark = pytest.mark.django_db


def purge(**options) -> str:
    from io import StringIO

    out = StringIO()
    call_command("purge_expired_prospects", stdout=out, **options)
    return out.getvalue()


def retention_events():
    return list(AuditEvent.objects.filter(action__startswith="retention."))


def test_a_prospect_past_retention_is_deleted_with_its_value_history(make_prospect):
    expired = make_prospect()
    recent = make_prospect(collected_ago=datetime.timedelta(days=30))

    purge()

    assert list(Prospect.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ValueHistory.objects.filter(prospect_id=expired.pk).exists()
    assert ValueHistory.objects.filter(prospect_id=recent.pk).exists()


def test_a_reply_from_the_prospect_keeps_the_record(make_prospect, log_outreach, rep):
    prospect = make_prospect()
    attempt = log_outreach(prospect, ago=datetime.timedelta(days=12))
    consent_services.outreach_reply(
        actor=rep.user, attempt=attempt, replied_at=timezone.now() - datetime.timedelta(days=10)
    )

    purge()

    assert Prospect.objects.filter(pk=prospect.pk).exists()


def test_our_own_edits_and_messages_do_not_keep_the_record(make_prospect, log_outreach, rep):
    prospect = make_prospect()
    prospect_services.prospect_update(
        actor=rep.user, prospect=prospect, data={"job_title": "Buyer", "notes": "Called today"}
    )
    log_outreach(prospect, ago=datetime.timedelta(days=1))

    purge()

    assert not Prospect.objects.filter(pk=prospect.pk).exists()


def test_a_stale_retention_date_does_not_beat_a_recent_reply(make_prospect):
    # The date is derived from the last contact; a row whose date missed the reply survives.
    prospect = make_prospect()
    Prospect.objects.filter(pk=prospect.pk).update(
        last_contact_from_prospect_at=timezone.now() - datetime.timedelta(days=3)
    )

    purge()

    assert Prospect.objects.filter(pk=prospect.pk).exists()


def test_outreach_evidence_stays_without_the_link_or_the_text(make_prospect, log_outreach):
    prospect = make_prospect()
    attempt = log_outreach(prospect, ago=datetime.timedelta(days=400))

    purge()

    kept = OutreachAttempt.objects.get(pk=attempt.pk)
    assert kept.prospect_id is None
    assert (kept.content, kept.final_content) == ("", "")
    assert kept.decision == "allow"
    assert kept.reasons == [{"code": "outside_working_hours", "severity": "warn"}]
    assert kept.created_at == attempt.created_at


def test_consent_evidence_stays_unlinked_with_its_proof_for_the_evidence_period(
    make_prospect, record_consent
):
    # RULES 19: the event itself stays (no copy), naming no one; its proof is what proves it.
    prospect = make_prospect()
    event = record_consent(prospect)

    purge()

    kept = ConsentEvent.objects.get(pk=event.pk)
    assert (kept.prospect_id, kept.prospect_ref) == (None, prospect.pk)
    assert (kept.channel, kept.action, kept.evidence, kept.purpose) == (
        "email",
        "grant",
        "written_reply",
        "newsletter",
    )
    assert kept.wording_shown == "Acceptez-vous nos e-mails ?"
    assert kept.proof == "Jeanne wrote 'oui' from jeanne@example.fr"
    assert (kept.captured_by_id, kept.occurred_at) == (prospect.owner_id, event.occurred_at)
    removed = RemovedRecord.objects.get(pk=prospect.pk)
    assert removed.reason == "retention"
    assert removed.email_index == prospect.email_index
    assert timezone.now() - removed.removed_at < datetime.timedelta(minutes=1)


def test_retention_is_not_an_objection(make_prospect):
    make_prospect()

    purge()

    assert not Opposition.objects.exists()


def test_the_audit_entry_has_counts_and_no_personal_data(make_prospect, log_outreach):
    prospect = make_prospect()
    log_outreach(prospect)
    name, email = prospect.full_name, prospect.email

    purge()

    (event,) = retention_events()
    assert event.action == "retention.prospects_purged"
    assert event.actor is None and event.actor_label == "retention"
    assert sorted(event.fields) == [
        "consent_events_kept:0",
        "outreach_minimised:1",
        "prospects:1",
        "value_history:4",
    ]
    trace = json.dumps(event.content())
    for value in (name, email, str(prospect.pk), "Durand", "Jeanne"):
        assert value not in trace


def test_dry_run_prints_counts_and_changes_nothing(make_prospect, log_outreach):
    prospect = make_prospect()
    log_outreach(prospect)
    make_prospect(collected_ago=datetime.timedelta(days=5))
    before = AuditEvent.objects.count()

    out = purge(dry_run=True)

    assert "prospects: 1 would be" in out
    assert "value_history: 4 would be" in out
    assert "outreach_minimised: 1 would be" in out
    assert prospect.full_name not in out and prospect.email not in out
    assert Prospect.objects.count() == 2
    assert OutreachAttempt.objects.get().content == "Bonjour Jeanne, un café ?"
    assert AuditEvent.objects.count() == before


def test_a_second_run_is_a_no_op(make_prospect):
    make_prospect()
    make_prospect(collected_ago=datetime.timedelta(days=5))
    purge()
    events_after_first = AuditEvent.objects.count()

    out = purge()

    assert out.strip() == "nothing to do"
    assert Prospect.objects.count() == 1
    assert AuditEvent.objects.count() == events_after_first


def test_batches_run_until_every_expired_prospect_is_gone(make_prospect):
    for _ in range(5):
        make_prospect()

    out = purge(batch_size=2)

    assert "prospects: 5 done" in out
    assert not Prospect.objects.exists()
    counts = [event.fields for event in retention_events()]
    assert len(counts) == 3
    assert sorted(field for fields in counts for field in fields if field.startswith("prosp")) == [
        "prospects:1",
        "prospects:2",
        "prospects:2",
    ]
    assert len({event.object_id for event in retention_events()}) == 1


class TestRepermission:
    @pytest.fixture(autouse=True)
    def enabled(self, settings):
        settings.RETENTION_REPERMISSION = True
        settings.RETENTION_REPERMISSION_DAYS = 30

    @pytest.fixture
    def ending_soon(self, make_prospect, rep):
        rep.user.email = "alice@socialcrm.local"
        rep.user.save()
        # Retention ends in ten days: still contactable, inside the 30-day window.
        return make_prospect(collected_ago=datetime.timedelta(days=1095 - 10))

    def test_the_owner_is_asked_once_before_the_date(
        self, ending_soon, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            purge()
            purge()

        request = RepermissionRequest.objects.get()
        assert request.prospect_id == ending_soon.pk
        assert request.owner_id == ending_soon.owner_id
        assert request.retention_until == ending_soon.retention_until
        assert Prospect.objects.filter(pk=ending_soon.pk).exists()
        (message,) = mail.outbox
        assert message.to == ["alice@socialcrm.local"]
        assert f"/prospects/{ending_soon.pk}/" in message.body
        assert ending_soon.full_name not in message.body + message.subject
        assert ending_soon.email not in message.body

    def test_without_a_reply_the_prospect_is_purged_once_the_date_has_passed(self, ending_soon):
        purge()
        assert RepermissionRequest.objects.count() == 1

        passed = timezone.localdate() + datetime.timedelta(days=11)
        services.expired_prospects_batch(run_id="later", today=passed, batch_size=10)

        assert not Prospect.objects.filter(pk=ending_soon.pk).exists()
        assert not RepermissionRequest.objects.exists()

    def test_a_reply_moves_the_date_and_the_next_period_gets_its_own_attempt(
        self, ending_soon, log_outreach, rep
    ):
        purge()
        attempt = log_outreach(ending_soon)
        consent_services.outreach_reply(actor=rep.user, attempt=attempt)

        purge()
        assert RepermissionRequest.objects.count() == 1

        ending_soon.refresh_from_db()
        near_the_new_date = ending_soon.retention_until - datetime.timedelta(days=5)
        services.expired_prospects_batch(run_id="later", today=near_the_new_date, batch_size=10)
        assert RepermissionRequest.objects.filter(prospect=ending_soon).count() == 2

    def test_it_is_off_unless_configured(self, ending_soon, settings):
        settings.RETENTION_REPERMISSION = False

        purge()

        assert not RepermissionRequest.objects.exists()

    def test_a_prospect_already_past_its_date_is_purged_without_asking(self, make_prospect):
        # The gate blocks any contact once retention has passed: there is no one to ask.
        make_prospect()

        purge()

        assert not Prospect.objects.exists()
        assert not RepermissionRequest.objects.exists()

    def test_the_request_audit_names_counts_only(self, ending_soon):
        purge()

        (event,) = retention_events()
        assert event.action == "retention.repermission_requested"
        assert event.fields == ["repermission_requests:1"]
