"""Benchmark: the DPO dashboard (GET /api/dashboard/provenance/) at 1,000,000 prospects.

``run()`` is called by ``bench/run.py`` after ``bench/scale.py`` has filled its bench
database (1M prospects, 1M suppression entries, 1M consent events, 4M outreach
attempts); it reuses that data, gives the last 30 days' denials their reasons, and
prints the p50 of a few dashboards: the selector's queries alone, then the endpoint
in-process, with the number of queries (goal: constant, see tests/dashboard).

Alone, on a database of its own (``NAME_dashboard_bench``, created and dropped), it
builds the same data with ``bench/scale.py``'s builders first:

    DATABASE_URL=postgres://…/NAME .venv/bin/python bench/dashboard.py [--prospects N] [--explain]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

RUNS = 7
# Every figure is exact, so the floor is one exact COUNT(*) of the prospects table; the
# dashboard reads that table once plus the consent, outreach and suppression tables.
GOAL_RATIO = 10.0
DENIAL_REASONS = (
    '[{"code": "no_opt_in", "severity": "block", "message": ""}, '
    '{"code": "outside_working_hours", "severity": "warn", "message": ""}]'
)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ensure_data(*, prospects: int) -> None:
    """Build the scale bench's people, prospects and gate history where they are missing."""
    from django.utils import timezone

    from bench import scale
    from consent.models import OutreachAttempt
    from people.models import Employee, SocialAccount
    from prospects.models import Prospect

    now = timezone.now()
    if not Employee.objects.filter(user__username="bench-dpo").exists():
        scale.make_people()
    rep = Employee.objects.get(user__username="bench-rep0000")
    owners = list(
        Employee.objects.filter(user__username__startswith="bench-rep")
        .exclude(pk=rep.pk)
        .values_list("pk", flat=True)
    )
    have = Prospect.objects.count()
    if have < prospects:
        started = time.perf_counter()
        if not Prospect.objects.filter(owner=rep).exists():
            scale.copy_prospects(owners=[rep.pk], count=scale.SMALL_TABLE, first=0, now=now)
            have += scale.SMALL_TABLE
        with scale.bulk_load("prospects_prospect"):
            scale.copy_prospects(owners=owners, count=prospects - have, first=have, now=now)
        scale.vacuum("prospects_prospect")
        say(
            f"dash     {prospects - have:,} prospects COPYed in {time.perf_counter() - started:.1f} s"
        )
    if not OutreachAttempt.objects.exists():
        started = time.perf_counter()
        hot, cold = Prospect.objects.filter(owner=rep).values_list("pk", flat=True)[:2]
        account = SocialAccount.objects.get(employee=rep)
        scale.load_gate_history(hot=hot, cold=cold, rep=rep, account=account, now=now)
        say(f"dash     gate history loaded in {time.perf_counter() - started:.1f} s")


def give_denials_reasons() -> int:
    """The scale bench logs denials without reasons; the dashboard ranks them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_outreachattempt SET reasons = %s::jsonb "
            "WHERE decision = 'deny' AND created_at >= now() - interval '30 days' "
            "AND reasons = '[]'::jsonb",
            [DENIAL_REASONS],
        )
        updated = cursor.rowcount
    from bench.scale import vacuum

    vacuum("consent_outreachattempt")
    return updated


def _p50(call) -> tuple[float, list[float]]:
    call()  # warm the caches and the plans
    samples = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        call()
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples), samples


def count_prospects() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM prospects_prospect")
        cursor.fetchone()


def explain_all(captured) -> None:
    from django.db import connection

    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(f"         {row[0]}" for row in cursor.fetchall())
        say(f"explain  {sql[:160]}…\n{plan}")


def run(*, prospects: int | None = None, explain: bool = False) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench import scale
    from dashboard.selectors import provenance_dashboard
    from people.models import Employee
    from prospects.models import Prospect

    ensure_data(prospects=prospects or scale.BIG_TABLE)
    updated = give_denials_reasons()
    total = Prospect.objects.count()
    say(f"dash     {total:,} prospects; {updated:,} recent denials given reasons")

    with CaptureQueriesContext(connection) as captured:
        figures = provenance_dashboard()
    queries = scale.statements(captured)
    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
    selector_p50, _ = _p50(provenance_dashboard)

    client = APIClient()
    client.force_authenticate(Employee.objects.get(user__username="bench-dpo").user)
    url = "/api/dashboard/provenance/"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")

    endpoint_p50, samples = _p50(get)
    floor_p50, _ = _p50(count_prospects)
    say(
        f"dash     dashboard selector at {total:,} prospects: p50 {selector_p50 * 1000:7.1f} ms "
        f"({queries} queries, {RUNS} runs; "
        f"{figures['total_prospects']:,} counted, "
        f"{figures['outreach_last_30_days']['denied']:,} denials in 30 days)"
    )
    say(
        "dash     slowest queries: "
        + ", ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][:60]!r}" for q in slowest)
    )
    say(f"dash     GET {url} p50 {endpoint_p50 * 1000:7.1f} ms, max {max(samples) * 1000:7.1f} ms")
    ratio = endpoint_p50 / floor_p50
    say(
        f"dash     floor: SELECT COUNT(*) of the prospects p50 {floor_p50 * 1000:7.1f} ms; "
        f"dashboard = {ratio:4.1f}x the floor (goal ≤ {GOAL_RATIO:.0f}x)  "
        f"{scale.MARK[ratio <= GOAL_RATIO]}"
    )
    from bench import summary

    summary.record(
        f"GET {url} at {total:,} prospects",
        f"p50 {endpoint_p50 * 1000:.0f} ms",
        f"SELECT COUNT(*) p50 {floor_p50 * 1000:.0f} ms",
        f"{ratio:.1f}x ≤ {GOAL_RATIO:.0f}x",
        ratio <= GOAL_RATIO,
    )
    if explain:
        explain_all(captured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    options = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import standalone

    with standalone.scratch_database("dashboard_bench") as ready:
        if ready:
            started = time.perf_counter()
            run(prospects=options.prospects, explain=options.explain)
            say(f"dash     {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
