"""Nothing is lost: a worker killed in the middle of transfer_data, a broker down at commit."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from offboarding import services
from offboarding.models import OffboardingStep
from outbox.models import OutboxMessage
from outbox.tasks import sweep_outbox
from prospects.models import Prospect
from socialcrm.celery import app
from tests.offboarding.conftest import (
    case_status,
    make_prospects,
    owners,
    step_status,
    wait_for,
)

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


def _worker_process() -> subprocess.Popen:
    """A real Celery worker in its own process, on the test database, with tiny batches."""
    url = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.offboarding.worker_settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "socialcrm",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _transfer_step(case) -> OffboardingStep:
    return OffboardingStep.objects.get(offboarding=case, key="transfer_data")


def test_a_worker_killed_during_transfer_data_resumes_with_every_record_once(
    transactional_db, leaver, successor, hr, open_case, settings
):
    kept = make_prospects(leaver, provenance="employment", n=240)
    kept += make_prospects(leaver, provenance="pre_hire", contributed=True, n=20)
    own = make_prospects(leaver, provenance="pre_hire", n=20, email=None)
    worker = _worker_process()
    try:
        services.offboarding_start(actor=hr.user, offboarding=open_case)
        # 52 batches of 5: kill the worker once a third of them are committed.
        wait_for(lambda: _transfer_step(open_case).done >= 90, timeout=60, interval=0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    step = _transfer_step(open_case)
    assert step.status == "running"
    assert 0 < step.done < len(kept), "the kill came too late to test a resume"
    moved = Prospect.objects.filter(owner=successor).count()
    # The counts are committed with their batch: what the row says moved has moved.
    assert moved == step.done
    assert Prospect.objects.filter(owner=leaver).count() == len(kept) + len(own) - moved

    # The beat sweep finds the lease run out and enqueues the step again.
    settings.OFFBOARDING_STEP_LEASE_SECONDS = 1
    time.sleep(1.1)
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        assert services.stalled_steps_requeue() == 1
        # Nothing to attest here (no personal account): the checklist runs on, to the
        # revoke_access step that waits for the departure date.
        wait_for(lambda: step_status(open_case, "revoke_access") == "waiting", timeout=60)

    step = _transfer_step(open_case)
    assert step.status == "done"
    assert (step.done, step.total) == (len(kept), len(kept))
    assert owners(kept) == {successor.pk}
    assert Prospect.objects.filter(pk__in=[p.pk for p in kept]).count() == len(kept)
    assert not Prospect.objects.filter(pk__in=[p.pk for p in own]).exists()
    audited = sum(
        int(next(f for f in e.fields if f.startswith("count:")).split(":")[1])
        for e in AuditEvent.objects.filter(action="prospects.transferred")
    )
    assert audited == len(kept)


def _point_broker_at(url: str) -> None:
    # Keys carry the CELERY_ namespace of config_from_object (socialcrm/celery.py).
    app.conf.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_a_broker_outage_at_commit_time_loses_no_step(transactional_db, book, open_case, hr):
    good_url = app.conf.broker_url
    _point_broker_at("redis://127.0.0.1:1/6")
    try:
        started = time.monotonic()
        services.offboarding_start(actor=hr.user, offboarding=open_case)
        assert time.monotonic() - started < 3, "a dead broker must not hang the request"
    finally:
        _point_broker_at(good_url)
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert "Connection refused" in message.last_error or message.last_error
    assert case_status(open_case) == "running"
    assert open_case.steps.get(key="freeze_outreach").status == "pending"

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        # What beat runs every few seconds; the failed message waits out its short backoff.
        wait_for(lambda: sweep_outbox() or not OutboxMessage.objects.filter(sent_at=None).exists())
        wait_for(lambda: case_status(open_case) == "waiting", timeout=60)

    assert owners(book["employment"] + book["company"] + book["contributed"]) == {
        open_case.successor_id
    }
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert timezone.now() > message.created_at
    assert settings.CELERY_BROKER_URL == good_url
