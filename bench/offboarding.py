"""Benchmark: the offboarding ``transfer_data`` step with a real Celery worker.

An employee with 100,000 prospects (30 % pre-hire, a tenth of those contributed, so
73,000 move to the successor) is offboarded through the real path: the outbox, Redis,
a worker process. Printed:

- rows/s of ``transfer_data`` (goal ≥ 20,000/s), from the step row's own times;
- a second employee, the same book: the worker is killed (SIGKILL) half way through
  the transfer, a new worker starts, and the sweep beat runs finds the stalled step:
  the time from the kill to the next committed batch, and whether every record ended
  up exactly once with the right owner.

``run()`` is called by ``bench/run.py`` inside its bench database. Alone, on a database
of its own (``NAME_offboarding_bench``, created and dropped):

    DATABASE_URL=postgres://…/NAME REDIS_URL=redis://…/N .venv/bin/python bench/offboarding.py
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROSPECTS = 100_000
GOAL_ROWS_PER_SECOND = 20_000
# The bench worker's lease: a killed worker's step is found stalled after this long
# (60 s by default in production; beat sweeps every 15 s).
BENCH_LEASE_SECONDS = 5


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def worker_main(lease: int) -> None:
    """``--worker LEASE``: a Celery worker process whose steps hold a short lease."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.OFFBOARDING_STEP_LEASE_SECONDS = lease
    from socialcrm.celery import app

    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ]
    )


def start_worker(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(  # noqa: S603 - this very script, with a fixed argument
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(BENCH_LEASE_SECONDS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def make_book(name: str, first: int):
    """A leaver with PROSPECTS prospects (30 % pre-hire, 3 % contributed) and a successor."""
    from django.db import connection
    from django.utils import timezone

    from bench import scale
    from tests.factories import EmployeeFactory

    leaver = EmployeeFactory(
        role="rep", hire_date=datetime.date(2021, 1, 1), user__username=f"{name}-leaver"
    )
    successor = EmployeeFactory(role="rep", user__username=f"{name}-successor")
    scale.copy_prospects(owners=[leaver.pk], count=PROSPECTS, first=first, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n "
            "FROM prospects_prospect WHERE owner_id = %s) "
            "UPDATE prospects_prospect p SET provenance = 'pre_hire', "
            "collected_at = '2019-06-01T12:00:00Z', contributed = (numbered.n %% 100 < 3) "
            "FROM numbered WHERE p.id = numbered.id AND numbered.n %% 10 < 3",
            [leaver.pk],
        )
        cursor.execute("ANALYZE prospects_prospect")
    return leaver, successor


def expected_split(leaver) -> tuple[int, int]:
    from prospects.models import Prospect

    mine = Prospect.objects.filter(owner=leaver)
    own = mine.filter(provenance="pre_hire", contributed=False).count()
    return mine.count() - own, own


def transfer_step(case):
    from offboarding.models import OffboardingStep

    return OffboardingStep.objects.get(offboarding=case, key="transfer_data")


def open_case(leaver, successor, hr):
    from django.utils import timezone

    from offboarding import services

    return services.offboarding_create(
        actor=hr.user,
        employee=leaver,
        departure_date=timezone.localdate(),
        successor=successor,
    )


def wait(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"bench: timed out after {timeout}s")


def measure_throughput(database_url: str, hr) -> None:
    from offboarding import services

    leaver, successor = make_book("throughput", first=5_000_000)
    to_move, _own = expected_split(leaver)
    ceiling = single_update_rate(leaver, successor)
    case = open_case(leaver, successor, hr)
    worker = start_worker(database_url)
    try:
        services.offboarding_start(actor=hr.user, offboarding=case)
        wait(lambda: transfer_step(case).status == "done", timeout=600)
    finally:
        stop(worker)
    step = transfer_step(case)
    seconds = (step.finished_at - step.started_at).total_seconds()
    rate = step.done / seconds
    mark = "PASS" if rate >= GOAL_ROWS_PER_SECOND and step.done == to_move else "BELOW GOAL"
    say(
        f"offboard transfer_data {step.done:,} of {PROSPECTS:,} prospects in {seconds:6.2f} s "
        f"= {rate:9,.0f} rows/s (goal ≥ {GOAL_ROWS_PER_SECOND:,})  {mark}"
    )
    from bench import summary

    summary.record(
        "offboarding transfer_data 100k book",
        f"{rate:,.0f} rows/s",
        f"one UPDATE of the same rows {ceiling:,.0f} rows/s",
        f"≥ {GOAL_ROWS_PER_SECOND:,} rows/s",
        mark == "PASS",
    )
    say(
        f"offboard ceiling: the same rows in one UPDATE statement (rolled back) "
        f"= {ceiling:9,.0f} rows/s; the job reaches {rate / ceiling:.2f} of it "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )


def single_update_rate(leaver, successor) -> float:
    """What PostgreSQL does at best here: every row moved by one statement, then undone."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE prospects_prospect SET owner_id = %s, updated_at = now() "
            "WHERE owner_id = %s AND (provenance <> 'pre_hire' OR contributed)",
            [successor.pk, leaver.pk],
        )
        moved = cursor.rowcount
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) prospects_prospect")
    return moved / elapsed


def measure_resume(database_url: str, hr) -> None:
    from offboarding import services
    from prospects.models import Prospect

    leaver, successor = make_book("resume", first=5_200_000)
    to_move, own = expected_split(leaver)
    case = open_case(leaver, successor, hr)
    worker = start_worker(database_url)
    try:
        services.offboarding_start(actor=hr.user, offboarding=case)
        wait(lambda: transfer_step(case).done >= to_move // 2, timeout=600, interval=0.005)
        worker.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait()
    finally:
        stop(worker)
    done_at_kill = transfer_step(case).done
    # A supervisor restarts the worker; beat's sweep (emulated here, once a second)
    # re-enqueues the step once its lease has run out.
    worker = start_worker(database_url)
    try:

        def resumed():
            services.stalled_steps_requeue()
            return transfer_step(case).done > done_at_kill

        wait(resumed, timeout=600, interval=1.0)
        resumed_after = time.monotonic() - killed_at
        wait(lambda: transfer_step(case).status == "done", timeout=600)
    finally:
        stop(worker)
    step = transfer_step(case)
    moved = Prospect.objects.filter(owner=successor).count()
    left = Prospect.objects.filter(owner=leaver).count()
    exact = step.done == moved == to_move and left <= own
    from bench import summary

    summary.record(
        "offboarding resume after SIGKILL",
        f"{resumed_after:.1f} s to the next batch",
        f"lease {BENCH_LEASE_SECONDS} s",
        "every record once, right owner",
        exact,
    )
    say(
        f"offboard killed at {done_at_kill:,}/{to_move:,}; resumed {resumed_after:5.1f} s after "
        f"the kill (lease {BENCH_LEASE_SECONDS} s + worker start); every record once with "
        f"the right owner: {'PASS' if exact else 'FAIL'}"
    )


def run() -> None:
    """In the current (bench) database, with the broker of REDIS_URL and a worker process."""
    from django.conf import settings

    from bench.scale import bench_database_url
    from socialcrm.celery import app
    from tests.factories import EmployeeFactory

    if not settings.REDIS_URL:
        say("offboard needs REDIS_URL (a real worker); skipped")
        return
    eager = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    # The sweep run here renews leases as long as the workers' own.
    settings.OFFBOARDING_STEP_LEASE_SECONDS = BENCH_LEASE_SECONDS
    try:
        database_url = bench_database_url()
        hr = EmployeeFactory(role="hr", user__username="offboarding-bench-hr")
        measure_throughput(database_url, hr)
        measure_resume(database_url, hr)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager


def main() -> int:
    from bench import standalone

    with standalone.scratch_database("offboarding_bench") as ready:
        if ready:
            run()
            from bench import summary

            summary.print_table()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker_main(int(sys.argv[2]))
    else:
        sys.exit(main())
