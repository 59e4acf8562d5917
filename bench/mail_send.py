"""Benchmark: outreach e-mail through the outbox, one real Celery worker, a loopback SMTP server.

``MAILS`` outreach-kind mails (text and HTML parts, List-Unsubscribe headers, as
``consent.sending`` queues them) are queued through ``mail.services.queue`` in one
transaction; the outbox hands their delivery tasks to Redis on commit, and ONE worker
process (``celery -A socialcrm worker``, prefork pool of ``CONCURRENCY``) carries them to
an aiosmtpd server on loopback (``tests/mailserver.py``). Printed:

- messages/s from the commit of the batch to the last mail marked sent (goal ≥ 50/s);
- a second batch, the worker killed (SIGKILL, its whole process group) half way, a new
  worker started, and the stalled-mail sweep run as beat runs it: every mail received
  (nothing lost) and the copies counted by Message-ID (a mail the server took just before
  the kill, not yet marked sent, goes again under the same Message-ID).

``run()`` is called by ``bench/run.py`` inside its bench database. Alone, on a database
of its own (``NAME_mail_bench``, created and dropped):

    DATABASE_URL=postgres://…/NAME REDIS_URL=redis://…/N .venv/bin/python bench/mail_send.py
"""

import collections
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAILS = 500
GOAL_PER_SECOND = 50
# Prefork children of the one worker: each holds its SMTP and database connections.
CONCURRENCY = 8
TIMEOUT = 50  # seconds, per batch: the whole bench stays under two minutes

TEXT = (
    "Bonjour {n},\n\nJe vous écris au sujet de votre projet de CRM : https://acme.example/crm\n\n"
    "— Message envoyé par SocialCRM Demo SAS. Notice complète : "
    "https://crm.example/privacy/notice/\n\n"
    "Pour vous opposer à nos messages : https://crm.example/o/{token}/ (un clic)."
)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def start_worker(database_url: str, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        # As deployed: the worker keeps its database connection between tasks.
        "CONN_MAX_AGE": "60",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": "5",
        "MAIL_RETRY_BASE_SECONDS": "1",
    }
    return subprocess.Popen(  # noqa: S603 - celery from this venv, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "socialcrm",
            "worker",
            "--pool=prefork",
            f"--concurrency={CONCURRENCY}",
            "-Q",
            "celery",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: the kill takes the pool's children with it.
        start_new_session=True,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def queue_batch(count: int, *, first: int) -> list:
    from django.db import transaction

    from mail import services

    with transaction.atomic():
        return [
            services.queue(
                kind="outreach",
                to=f"prospect.{n}@example.com",
                subject="Votre projet de CRM",
                text=TEXT.format(n=n, token=f"{n:024d}"),
                html=f"<p>Bonjour {n},</p><p>Je vous écris au sujet de votre projet.</p>",
                headers={
                    "From": "Acme Ventes <ventes@acme.example>",
                    "Reply-To": "rep@acme.example",
                    "List-Unsubscribe": f"<https://crm.example/o/{n:024d}/>, "
                    "<mailto:optout@acme.example?subject=unsubscribe>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            ).pk
            for n in range(first, first + count)
        ]


def sent_count(mail_ids) -> int:
    from mail.models import MailStatus, OutgoingMail

    return OutgoingMail.objects.filter(pk__in=mail_ids, status=MailStatus.SENT).count()


def wait(predicate, timeout: float, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"bench: timed out after {timeout}s")


def received_ids(sink) -> collections.Counter:
    with sink.lock:
        return collections.Counter(m["Message-ID"] for m in sink.messages)


def expected_ids(mail_ids) -> set[str]:
    from mail.models import OutgoingMail

    return set(OutgoingMail.objects.filter(pk__in=mail_ids).values_list("message_id", flat=True))


def sending_rate(mail_ids) -> tuple[float, float]:
    """(messages/s, seconds) from the first mail marked sent to the last, on the rows' own times."""
    from django.db.models import Max, Min

    from mail.models import OutgoingMail

    span = OutgoingMail.objects.filter(pk__in=mail_ids).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds()
    return (len(mail_ids) - 1) / seconds, seconds


def measure_throughput(sink, database_url: str) -> None:
    from bench import summary

    started = time.perf_counter()
    mail_ids = queue_batch(MAILS, first=0)
    queued = time.perf_counter() - started
    worker = start_worker(database_url, sink.port)
    launched = time.perf_counter()
    try:
        try:
            wait(lambda: sent_count(mail_ids) == MAILS, timeout=TIMEOUT)
        except TimeoutError:
            pass
        wall = time.perf_counter() - launched
    finally:
        stop(worker)
    sent = sent_count(mail_ids)
    counts = received_ids(sink)
    complete = sent == MAILS and set(counts) >= expected_ids(mail_ids)
    rate, seconds = sending_rate(mail_ids) if complete else (0.0, float("nan"))
    passed = rate >= GOAL_PER_SECOND and complete
    mark = "PASS" if passed else "BELOW GOAL"
    say(
        f"mail     {sent:,} of {MAILS:,} outreach mails, outbox → Redis → one worker "
        f"({CONCURRENCY} processes) → SMTP: {seconds:6.2f} s from the first sent to the last "
        f"= {rate:7,.1f} msg/s (goal ≥ {GOAL_PER_SECOND})  {mark}"
    )
    say(
        f"mail     (worker start included: {sent / wall:,.1f} msg/s over {wall:.2f} s; queueing "
        f"and handing the {MAILS} tasks to Redis from one process: {MAILS / queued:,.1f} msg/s, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    summary.record(
        f"outreach mail to SMTP, {MAILS} msgs",
        f"{rate:,.1f} msg/s",
        f"queueing {MAILS / queued:,.1f} msg/s, 1 process",
        f"≥ {GOAL_PER_SECOND} msg/s, 1 worker, all received",
        passed,
    )


def measure_kill(sink, database_url: str) -> None:
    from bench import summary
    from mail import services
    from mail.models import MailStatus, OutgoingMail

    with sink.lock:
        sink.messages.clear()
    mail_ids = queue_batch(MAILS, first=1_000_000)
    worker = start_worker(database_url, sink.port)
    try:
        wait(lambda: sent_count(mail_ids) >= MAILS // 2, timeout=TIMEOUT, interval=0.005)
        kill(worker)
        at_kill = sent_count(mail_ids)
        killed_at = time.monotonic()
    finally:
        stop(worker)
    # A supervisor starts the worker again. The tasks the dead one held are not given
    # back by Redis before the visibility timeout; beat's stalled-mail sweep finds their
    # rows still queued (emulated here once the rest has drained).
    worker = start_worker(database_url, sink.port)
    swept = 0
    try:
        # Once it is up, it drains what Redis still holds; then only the lost tasks' rows
        # are left queued.
        try:
            wait(lambda: sent_count(mail_ids) > at_kill, timeout=TIMEOUT / 2, interval=0.1)
        except TimeoutError:
            pass
        last = -1
        while (now := sent_count(mail_ids)) != last:
            last = now
            time.sleep(2.0)
        swept = services.stalled_requeue(older_than_seconds=1)
        wait(lambda: sent_count(mail_ids) == MAILS, timeout=TIMEOUT)
        recovered = time.monotonic() - killed_at
    except TimeoutError:
        recovered = float("nan")
    finally:
        stop(worker)
    counts = received_ids(sink)
    expected = expected_ids(mail_ids)
    lost = len(expected - set(counts))
    copies = sum(n - 1 for message_id, n in counts.items() if message_id in expected)
    failed = OutgoingMail.objects.filter(pk__in=mail_ids, status=MailStatus.FAILED).count()
    passed = lost == 0 and failed == 0 and copies <= CONCURRENCY
    say(
        f"mail     killed the worker (SIGKILL) at {at_kill}/{MAILS} sent; restarted, {swept} "
        f"stalled swept; all sent {recovered:5.1f} s after the kill; lost {lost}, "
        f"copies (same Message-ID) {copies}, failed {failed}  "
        f"{'PASS' if passed else 'FAIL'}"
    )
    summary.record(
        "outreach mail, worker SIGKILLed",
        f"lost {lost}, copies {copies}",
        f"{at_kill}/{MAILS} sent at the kill",
        f"none lost; copies ≤ in-flight ({CONCURRENCY})",
        passed,
    )


def run() -> None:
    """In the current (bench) database, with the broker of REDIS_URL and a worker process."""
    from django.conf import settings

    from bench.scale import bench_database_url
    from socialcrm.celery import app
    from tests.mailserver import SMTPSink

    if not settings.REDIS_URL:
        say("mail needs REDIS_URL (a real worker); skipped")
        return
    eager = app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = False
    # The SMTP server's own log says a line per command: not bench output.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SMTPSink().start()
    try:
        database_url = bench_database_url()
        measure_throughput(sink, database_url)
        measure_kill(sink, database_url)
    finally:
        sink.stop()
        app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager = eager


def main() -> int:
    from bench import standalone

    with standalone.scratch_database("mail_bench") as ready:
        if ready:
            run()
            from bench import summary

            summary.print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
