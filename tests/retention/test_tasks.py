"""The nightly jobs on a real worker: bounded batches that re-enqueue themselves until done."""

import datetime
import time

import pytest
from django.conf import settings as django_settings

from audit.models import AuditEvent
from consent.models import OutreachAttempt
from prospects.models import Prospect
from retention import tasks


def on_a_real_worker(test):
    return pytest.mark.services(pytest.mark.django_db(transaction=True)(test))


def wait_for(condition, *, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the job did not finish in time")


def counted(action: str, name: str) -> int:
    return sum(
        int(field.split(":")[1])
        for event in AuditEvent.objects.filter(action=action)
        for field in event.fields
        if field.startswith(f"{name}:")
    )


@pytest.fixture
def small_batches(settings):
    settings.RETENTION_BATCH_SIZE = 2


@on_a_real_worker
def test_the_prospect_job_purges_in_batches_until_done(celery_worker, small_batches, make_prospect):
    for _ in range(5):
        make_prospect()
    survivor = make_prospect(collected_ago=datetime.timedelta(days=30))

    tasks.purge_expired_prospects.delay()

    wait_for(lambda: counted("retention.prospects_purged", "prospects") == 5)
    assert list(Prospect.objects.values_list("pk", flat=True)) == [survivor.pk]
    runs = AuditEvent.objects.filter(action="retention.prospects_purged")
    assert runs.count() == 3
    assert len({event.object_id for event in runs}) == 1


@on_a_real_worker
def test_the_evidence_job_empties_old_texts_in_batches(
    celery_worker, small_batches, make_prospect, log_outreach
):
    prospect = make_prospect(collected_ago=datetime.timedelta(days=30))
    for days in range(3):
        log_outreach(prospect, ago=datetime.timedelta(days=1826 + days))
    recent = log_outreach(prospect)

    tasks.purge_evidence.delay()

    wait_for(lambda: counted("retention.evidence_purged", "outreach_contents") == 3)
    emptied = [a.pk for a in OutreachAttempt.objects.all() if a.content == ""]
    assert len(emptied) == 3 and recent.pk not in emptied
    assert OutreachAttempt.objects.count() == 4


@on_a_real_worker
def test_a_second_nightly_run_finds_nothing(celery_worker, make_prospect):
    make_prospect()
    tasks.purge_expired_prospects.delay()
    wait_for(lambda: not Prospect.objects.exists())
    before = AuditEvent.objects.count()

    result = tasks.purge_expired_prospects.delay().get(timeout=30)

    assert result["more"] is False and "prospects" not in result
    assert AuditEvent.objects.count() == before


def test_both_jobs_are_on_the_nightly_schedule():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "retention.tasks.purge_expired_prospects",
        "retention.tasks.purge_evidence",
    } <= scheduled
