"""Benchmarks on PostgreSQL: the LinkedIn import, then the list, the gate and throughput at scale.

Run with ``DATABASE_URL=postgres://…/NAME make bench``. It works in a database of its
own (``NAME_bench``, created and dropped through Django's test-database machinery)
and a temporary folder; nothing else is touched. With SQLite it says so and stops.

Figures printed:
- rows/s of a 100,000-row generated export through the real task, in-process;
- rows/s of a psycopg COPY of the same rows, unencrypted, into a scratch table;
- their ratio (goal ≥ 0.25), and the ceiling the per-row cryptography alone puts on it;
- peak Python memory (tracemalloc) of a 10,000-row against a 100,000-row import
  (goal: within 1.5×, i.e. memory does not grow with the file);
- then the prospects list, the outreach gate and HTTP throughput at 1M prospects and
  5M consent and outreach rows: see ``bench/scale.py``;
- the dashboard and offboarding benches, then outreach e-mail sending throughput through
  the outbox to a loopback SMTP server with one worker, and a worker killed mid-batch:
  see ``bench/mail_send.py``;
- the list's exact e-mail and name prefix searches and its sorts at 1M prospects:
  see ``bench/list_search.py``.
"""

import csv
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402

from bench import summary  # noqa: E402

ROWS = 100_000
SMALL_ROWS = 10_000
THROUGHPUT_GOAL = 0.25
MEMORY_GOAL = 1.5
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
FIRST_NAMES = ["Élodie", "Marc", "Sophie", "Jean", "Chloé", "Paul", "Anaïs", "Karim", "Léa", "Tom"]
LAST_NAMES = ["Durand", "Petit", "Martin", "Bernard", "Leroy", "Moreau", "Nguyen", "Haddad"]
COMPANIES = ["Acme, Inc.", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"]
POSITIONS = ["Head of Sales", "CTO", "Buyer", "Procurement Manager", "COO", "Account Executive"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def write_export(path: Path, rows: int) -> None:
    """A Connections.csv as LinkedIn writes it: notes, header, one e-mail in ten, ten years of dates."""
    rng = random.Random(rows)  # noqa: S311 - reproducible sample data, not a secret
    start = datetime.date(2016, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write('Notes:\n"Some e-mail addresses are missing, as their owners chose."\n\n')
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for n in range(rows):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            day = start + datetime.timedelta(days=rng.randrange(3650))
            writer.writerow(
                [
                    first,
                    last,
                    f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{n:07d}",
                    f"{last.lower()}.{n}@example.com" if n % 10 == 0 else "",
                    rng.choice(COMPANIES),
                    rng.choice(POSITIONS),
                    f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                ]
            )


def export_head(source: Path, target: Path, rows: int) -> None:
    """The first ``rows`` data rows of ``source`` (after 4 lines of notes and header)."""
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for number, line in enumerate(src):
            if number >= 4 + rows:
                break
            dst.write(line)


def empty_prospects() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prospects_valuehistory, prospects_prospect CASCADE")


def run_import(owner, path: Path) -> tuple[float, object]:
    from imports.models import ImportJob
    from imports.tasks import run_linkedin_import

    job = ImportJob(owner=owner)
    with path.open("rb") as handle:
        job.file.save("connections.csv", File(handle), save=False)
    job.save()
    started = time.perf_counter()
    run_linkedin_import(str(job.pk))
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"import ended {job.status}: {job.error}")
    return elapsed, job


def copy_once(path: Path) -> float:
    """The same rows, parsed the same way, COPYed unencrypted into a scratch table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy (first_name text, last_name text, url text, email text, "
            "company text, position text, connected_on text)"
        )
        try:
            started = time.perf_counter()
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                for record in reader:
                    if record == HEADER:
                        break
                copy_sql = (
                    "COPY bench_copy (first_name, last_name, url, email, company, position, "
                    "connected_on) FROM STDIN"
                )
                with cursor.cursor.copy(copy_sql) as copy:
                    for record in reader:
                        copy.write_row(record)
            elapsed = time.perf_counter() - started
            cursor.execute("SELECT count(*) FROM bench_copy")
            copied = cursor.fetchone()[0]
        finally:
            cursor.execute("DROP TABLE bench_copy")
    if copied != ROWS:
        raise SystemExit(f"COPY stored {copied} rows, expected {ROWS}")
    return elapsed


def copy_baseline(path: Path) -> float:
    """Best of three: a single COPY of 0.1–0.5 s varies with the server's caches."""
    return min(copy_once(path) for _ in range(3))


def crypto_floor(path: Path) -> float:
    """Seconds the per-row cryptography alone takes: five sealed values, indexes, name tokens.

    Company tokens are left out: the import computes them once per distinct company.

    No import can beat this in-process; it tells how far the ratio goal is reachable.
    """
    from core import crypto
    from prospects import rules

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        for record in reader:
            if record == HEADER:
                break
        started = time.perf_counter()
        for first, last, url, email, company, position, *_ in reader:
            full_name = f"{first} {last}"
            aad = b"prospects_prospect|column|00000000-0000-0000-0000-000000000000"
            for value in (full_name, url, company, position, ""):
                crypto.seal(value, aad=aad)
            rules.identifier_indexes({"email": email or None, "profile_url": url})
            rules.name_tokens(full_name)
        return time.perf_counter() - started


def peak_memory(owner, path: Path) -> int:
    empty_prospects()
    tracemalloc.start()
    try:
        run_import(owner, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        say("bench: needs DATABASE_URL=postgres://… (the benchmark measures PostgreSQL); skipped")
        return 0
    original_name = database["NAME"]
    # Named after the configured database, so benches against different databases never meet.
    database.setdefault("TEST", {})["NAME"] = f"{original_name}_bench"
    workdir = Path(tempfile.mkdtemp(prefix="socialcrm-bench-"))
    settings.MEDIA_ROOT = workdir / "media"
    # Measured as deployed: with DEBUG on, Django keeps every query's text in memory.
    settings.DEBUG = False
    # Tasks called in-process, whatever broker the environment names.
    from socialcrm.celery import app

    app.conf.CELERY_TASK_ALWAYS_EAGER = True

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from tests.factories import EmployeeFactory

        owner = EmployeeFactory(role="rep", hire_date=datetime.date(2021, 1, 1))
        big, small = workdir / "connections-100k.csv", workdir / "connections-10k.csv"
        write_export(big, ROWS)
        export_head(big, small, SMALL_ROWS)

        import_seconds, job = run_import(owner, big)
        if job.created != ROWS:
            raise SystemExit(f"import created {job.created} prospects, expected {ROWS}")
        copy_seconds = copy_baseline(big)
        import_rate, copy_rate = ROWS / import_seconds, ROWS / copy_seconds
        ratio = import_rate / copy_rate
        floor_rate = ROWS / crypto_floor(big)

        small_peak = peak_memory(owner, small)
        big_peak = peak_memory(owner, big)
        growth = big_peak / small_peak

        mark = {True: "PASS", False: "BELOW GOAL"}
        say(f"import   {ROWS:,} rows in {import_seconds:6.2f} s  = {import_rate:9,.0f} rows/s")
        say(f"COPY     {ROWS:,} rows in {copy_seconds:6.2f} s  = {copy_rate:9,.0f} rows/s")
        say(f"ratio    {ratio:.3f} (goal ≥ {THROUGHPUT_GOAL})  {mark[ratio >= THROUGHPUT_GOAL]}")
        summary.record(
            "LinkedIn import 100k rows",
            f"{import_rate:,.0f} rows/s",
            f"COPY unencrypted {copy_rate:,.0f} rows/s",
            f"ratio {ratio:.3f} ≥ {THROUGHPUT_GOAL} (crypto alone caps it at "
            f"{floor_rate / copy_rate:.3f})",
            ratio >= THROUGHPUT_GOAL,
        )
        say(
            f"crypto   sealing and indexing alone: {floor_rate:9,.0f} rows/s, "
            f"so no import here exceeds a ratio of {floor_rate / copy_rate:.3f}"
        )
        say(
            f"memory   peak {small_peak / 2**20:.1f} MiB ({SMALL_ROWS:,} rows) vs "
            f"{big_peak / 2**20:.1f} MiB ({ROWS:,} rows) = {growth:.2f}x "
            f"(goal ≤ {MEMORY_GOAL}x)  {mark[growth <= MEMORY_GOAL]}"
        )
        summary.record(
            "import peak memory 100k vs 10k",
            f"{big_peak / 2**20:.1f} MiB",
            f"{small_peak / 2**20:.1f} MiB at 10k rows",
            f"{growth:.2f}x ≤ {MEMORY_GOAL}x",
            growth <= MEMORY_GOAL,
        )

        from bench import scale

        scale.run(workdir)

        from bench import dashboard

        dashboard.run()

        from bench import offboarding

        offboarding.run()

        from bench import mail_send

        mail_send.run()

        # Last: it rebuilds the prospects table with searchable names and e-mails.
        from bench import list_search

        list_search.run()
        summary.print_table()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
