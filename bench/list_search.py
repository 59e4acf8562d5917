"""Benchmark: the prospects list's searches and sorts at 1,000 then 1,000,000 prospects.

Each figure is the p50 of ``GET /api/prospects/?page_size=25&…`` in-process (the page and
its count), with 1,000 prospects in the table, then with 1,000,000 (goal: ≤ 3× the same
query at 1k):

- the DPO's exact e-mail lookup (``q=p42@example.com``): its blind index alone;
- a name prefix search: the DPO's, for a rare name's first letters (``q=x000004``: the
  same ten people at both sizes, through the GIN index of the name tokens), and a rep's
  in their own 1,000 prospects (``q=mor``: an eighth of them);
- the sorted list: the DPO's by collection date, a rep's by last contact and by next
  follow-up.

``run()`` is called by ``bench/run.py``; alone, on a database of its own
(``NAME_list_bench``, created and dropped), with a smaller table if time is short:

    DATABASE_URL=postgres://…/NAME .venv/bin/python bench/list_search.py [--prospects N] [--explain]
"""

import argparse
import datetime
import statistics
import sys
import time
import uuid
from pathlib import Path

GOAL = 3.0
SMALL = 1_000
REQUESTS = 25
FIRST_NAMES = ["Élodie", "Marc", "Sophie", "Jean", "Chloé", "Paul", "Anaïs", "Karim"]
LAST_NAMES = ["Durand", "Petit", "Martin", "Bernard", "Leroy", "Moreau", "Nguyen", "Haddad"]
COLUMNS = (
    "id owner_id full_name name_tokens company company_tokens job_title kind email "
    "email_index network provenance source collected_at lawful_basis contributed notes "
    "profile_visibility_at_collection retention_until created_at updated_at "
    "last_outreach_at next_follow_up_on"
).split()


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def queries(rep_id: int) -> dict[str, tuple[str, str]]:
    """Name → (viewer, query string)."""
    return {
        "DPO exact e-mail": ("dpo", "q=p42@example.com"),
        "DPO name prefix (rare)": ("dpo", "q=x000004"),
        "rep name prefix (own list)": ("rep", "q=mor"),
        "DPO sorted by collection": ("dpo", "sort=-collected_at"),
        "rep sorted by last contact": ("rep", "sort=-last_outreach_at"),
        "rep sorted by next follow-up": ("rep", "sort=next_follow_up_on"),
    }


def copy_prospects(*, owners: list[int], first: int, count: int, now: datetime.datetime):
    """COPY ``count`` prospects numbered from ``first``: sealed values, real search tokens."""
    from django.db import connection

    from bench.scale import _Sealer
    from core import crypto
    from prospects import rules

    seal = _Sealer()
    names = {
        (f, la): rules.name_tokens(f"{FIRST_NAMES[f]} {LAST_NAMES[la]}")
        for f in range(len(FIRST_NAMES))
        for la in range(len(LAST_NAMES))
    }
    company_tokens = rules.company_tokens("Acme")
    table = "prospects_prospect"
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    retention = (now + datetime.timedelta(days=900)).date().isoformat()
    today = now.date()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        lines = []
        for n in range(first, first + count):
            pid = uuid.uuid4()
            f, la = n % len(FIRST_NAMES), (n // len(FIRST_NAMES)) % len(LAST_NAMES)
            code = f"X{n:07d}"
            full_name = f"{FIRST_NAMES[f]} {LAST_NAMES[la]} {code}"
            tokens = " ".join(sorted({*names[f, la].split(), *rules.name_tokens(code).split()}))
            email = f"p{n}@example.com"
            created = (now - datetime.timedelta(seconds=n * 37 % 86_400_00)).isoformat()
            collected = (now - datetime.timedelta(days=n * 7 % 3000)).isoformat()
            contacted = (
                (now - datetime.timedelta(hours=n * 11 % 20_000)).isoformat() if n % 3 else r"\N"
            )
            follow_up = (today + datetime.timedelta(days=n % 60)).isoformat() if n % 5 else r"\N"
            lines.append(
                "\t".join(
                    (
                        str(pid),
                        str(owners[n % len(owners)]),
                        seal(full_name, f"{table}|full_name|{pid}"),
                        tokens,
                        seal("Acme", f"{table}|company|{pid}"),
                        company_tokens,
                        seal("Buyer", f"{table}|job_title|{pid}"),
                        "b2b",
                        seal(email, f"{table}|email|{pid}"),
                        crypto.blind_index_of_normalised("email", email),
                        "linkedin",
                        "employment",
                        "bench",
                        collected,
                        "legitimate_interest",
                        "f",
                        seal("", f"{table}|notes|{pid}"),
                        "public",
                        retention,
                        created,
                        created,
                        contacted,
                        follow_up,
                    )
                )
            )
            if len(lines) == 5_000:
                copy.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            copy.write("\n".join(lines) + "\n")


def explain(client, url: str) -> None:
    """Each query of one request on the prospects table, with PostgreSQL's plan as run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.startswith("SELECT") or "prospects_prospect" not in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            say("  " + sql[:160])
            for (line,) in cursor.fetchall():
                say("    " + line)


def measure(clients: dict, rep_id: int, *, size: int, plans: bool = False) -> dict[str, float]:
    from bench.scale import percentile

    figures = {}
    for name, (viewer, query) in queries(rep_id).items():
        url = f"/api/prospects/?page_size=25&{query}"
        client = clients[viewer]
        for _ in range(3):
            first = client.get(url)
        if first.status_code != 200 or not first.json()["results"]:
            raise SystemExit(f"GET {url}: {first.status_code}, no rows")
        samples = []
        for _ in range(REQUESTS):
            begin = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - begin)
        figures[name] = statistics.median(samples)
        if plans:
            explain(client, url)
        say(
            f"list     {name:<29} {size:>9,} prospects: p50 {figures[name] * 1000:6.1f} ms  "
            f"p95 {percentile(samples, 0.95) * 1000:6.1f} ms  ({first.json()['count']:,} found)"
        )
    return figures


def _people():
    """The scale bench's DPO, rep and other reps: made here when run alone."""
    from bench import scale
    from people.models import Employee

    found = list(
        Employee.objects.filter(user__username__startswith="bench-").order_by("user__username")
    )
    if not found:
        return scale.make_people()[:3]
    dpo = next(e for e in found if e.user.username == "bench-dpo")
    reps = [e for e in found if e.user.username.startswith("bench-rep")]
    return dpo, reps[0], reps[1:]


def run(*, prospects: int = 1_000_000, plans: bool = False) -> None:
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from bench import scale, summary

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prospects_valuehistory, prospects_prospect CASCADE")
    dpo, rep, others = _people()
    clients = {}
    for viewer, employee in (("dpo", dpo), ("rep", rep)):
        clients[viewer] = APIClient()
        clients[viewer].force_authenticate(employee.user)

    copy_prospects(owners=[rep.pk], first=0, count=SMALL, now=now)
    scale.vacuum("prospects_prospect")
    small = measure(clients, rep.pk, size=SMALL)

    started = time.perf_counter()
    with scale.bulk_load("prospects_prospect"):
        copy_prospects(owners=[o.pk for o in others], first=SMALL, count=prospects - SMALL, now=now)
    scale.vacuum("prospects_prospect")
    say(f"data     {prospects - SMALL:,} more prospects in {time.perf_counter() - started:.0f} s")
    big = measure(clients, rep.pk, size=prospects, plans=plans)
    for name in small:
        ratio = big[name] / small[name]
        say(
            f"list     {name:<29} p50 at {prospects:,} / at 1k = {ratio:5.2f}x (goal ≤ {GOAL:.0f}x)"
        )
        summary.record(
            f"GET /api/prospects/ {name}",
            f"p50 {big[name] * 1000:.1f} ms at {prospects:,}",
            f"p50 {small[name] * 1000:.1f} ms at 1k",
            f"{ratio:.2f}x ≤ {GOAL:.0f}x",
            ratio <= GOAL,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    options = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import standalone, summary

    with standalone.scratch_database("list_bench") as ready:
        if ready:
            started = time.perf_counter()
            run(prospects=options.prospects, plans=options.explain)
            say(f"list     {time.perf_counter() - started:.0f} s in all")
            summary.print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
