"""Benchmarks at scale, on PostgreSQL: the prospects list, the outreach gate, and throughput.

Called by ``bench/run.py`` inside its own bench database (Django is set up). The rows are
generated with COPY and server-side ``INSERT … SELECT``: prospects carry real sealed
values, each bound to its own row id; suppression entries, consent events and outreach
attempts carry only what the gate reads (their encrypted texts are left empty).

Figures:
- ``GET /api/prospects/?page_size=100`` p50/p95 in-process, as the DPO and as a rep owning
  1,000 prospects, with 1,000 then 1,000,000 prospects in the table (goal: p50 at 1M ≤ 3×
  p50 at 1k), and the queries per request for page_size 10 and 100 (goal: equal);
- ``consent.services.outreach_check`` p50/p99 for a prospect with 10,000 prior events and
  one with none, against 1M prospects, 1M suppression entries, 4M outreach attempts and 1M
  consent events, relative to a bare ``SELECT 1`` (goal: p50 ≤ 10×), and its queries per
  decision (goal: ≤ 3 and equal);
- ``POST /api/outreach/check/`` under gunicorn against an authenticated trivial endpoint on
  the same server, requests per second with concurrent clients (goal: ratio ≥ 0.6).
"""

import base64
import datetime
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import summary

ROOT = Path(__file__).resolve().parent.parent
SMALL_TABLE = 1_000
BIG_TABLE = 1_000_000
OWNERS = 1_000  # the bench rep and 999 others, ~1,000 prospects each
OPPOSITIONS = 1_000_000
OUTREACH = 4_000_000
CONSENTS = 1_000_000
HOT_EVENTS = 10_000  # half consent events, half outreach attempts, on the gate's channel
CHANNEL = "social_message"
CONTENT = "Bonjour, je me permets de vous écrire au sujet de notre offre de formation."
SPAN_SECONDS = 3 * 365 * 86400

LIST_GOAL = 3.0
GATE_GOAL = 10.0
GATE_QUERIES_GOAL = 3
THROUGHPUT_GOAL = 0.6
LIST_MAX_REQUESTS, LIST_BUDGET_SECONDS = 200, 12.0
GATE_ITERATIONS = 1_000
LOAD_SECONDS, LOAD_WARMUP_SECONDS, LOAD_THREADS, WORKERS = 10.0, 2.0, 8, 2

MARK = {True: "PASS", False: "BELOW GOAL"}


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


# --- generation -------------------------------------------------------------------------


class _Sealer:
    """``crypto.seal`` with the cipher built once: the same token format, for a million rows."""

    def __init__(self):
        from core import crypto

        ring = crypto.active_keyring()
        self.prefix = f"{crypto.TOKEN_VERSION}${ring.current_id}$"
        self.cipher = AESGCM(ring.keys[ring.current_id])

    def __call__(self, plaintext: str, aad: str) -> str:
        nonce = os.urandom(12)
        sealed = self.cipher.encrypt(nonce, plaintext.encode(), aad.encode())
        return f"{self.prefix}{_b64(nonce)}${_b64(sealed)}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


PROSPECT_COLUMNS = (
    "id owner_id social_account_id full_name name_tokens company company_tokens job_title kind "
    "email "
    "email_index phone phone_index profile_url profile_url_index network provenance source "
    "collected_at lawful_basis contributed contributed_at notes profile_visibility_at_collection "
    "last_contact_from_prospect_at retention_until notice_due_at notice_sent_at created_at "
    "updated_at"
).split()
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"]
POSITIONS = ["Head of Sales", "CTO", "Buyer", "Procurement Manager", "COO"]


def copy_prospects(*, owners: list[int], count: int, first: int, now: datetime.datetime):
    """COPY ``count`` prospects (numbers ``first``…), owners in turn; their ids, by owner."""
    from prospects.rules import company_tokens as tokens_of

    seal, rng = _Sealer(), random.Random(first)  # noqa: S311 - sample data
    company_tokens = [tokens_of(company) for company in COMPANIES]
    epoch = now.timestamp()
    utc = datetime.UTC
    ids: dict[int, list[uuid.UUID]] = {}
    table = "prospects_prospect"
    sql = f"COPY {table} ({', '.join(PROSPECT_COLUMNS)}) FROM STDIN"
    retention = (now + datetime.timedelta(days=900)).date().isoformat()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        lines = []
        for n in range(first, first + count):
            pid = uuid.uuid4()
            owner = owners[n % len(owners)]
            ids.setdefault(owner, []).append(pid)
            created = datetime.datetime.fromtimestamp(
                epoch - rng.random() * SPAN_SECONDS, utc
            ).isoformat()
            url = f"https://www.linkedin.com/in/prospect-{n:07d}"
            lines.append(
                "\t".join(
                    (
                        str(pid),
                        str(owner),
                        r"\N",
                        seal(f"Prospect Number{n}", f"{table}|full_name|{pid}"),
                        "",
                        seal(COMPANIES[n % 6], f"{table}|company|{pid}"),
                        company_tokens[n % 6],
                        seal(POSITIONS[n % 5], f"{table}|job_title|{pid}"),
                        "b2b",
                        r"\N",
                        r"\N",
                        r"\N",
                        r"\N",
                        seal(url, f"{table}|profile_url|{pid}"),
                        hashlib.sha256(url.encode()).hexdigest(),
                        "linkedin",
                        "employment",
                        "bench",
                        created,
                        "legitimate_interest",
                        "f",
                        r"\N",
                        seal("", f"{table}|notes|{pid}"),
                        "public",
                        r"\N",
                        retention,
                        r"\N",
                        created,
                        created,
                        created,
                    )
                )
            )
            if len(lines) == 5_000:
                copy.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            copy.write("\n".join(lines) + "\n")
    return ids


@contextmanager
def bulk_load(*tables: str):
    """Loading mode: secondary indexes dropped and rebuilt after, foreign-key triggers off.

    The rows are consistent by construction; rebuilding an index sorts once where
    maintaining it would cost a random b-tree insert per row.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("RESET session_replication_role")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
    if "prospects_prospect" in tables:
        from prospects.services import prospect_tally_recount

        # The tally's triggers were off with the others: the DPO's list total comes from it.
        prospect_tally_recount()


def vacuum(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def make_people():
    """The DPO, the bench rep (with a LinkedIn account and an API token), 999 other reps."""
    from django.contrib.auth import get_user_model

    from people.models import Employee, SocialAccount
    from people.services import token_issue

    user_model = get_user_model()
    hired = datetime.date(2020, 1, 1)
    users = [user_model(username="bench-dpo")]
    users += [user_model(username=f"bench-rep{n:04d}") for n in range(OWNERS)]
    for user in users:
        user.set_unusable_password()
    users = user_model.objects.bulk_create(users)
    employees = Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                role="dpo" if n == 0 else "rep",
                hire_date=hired,
                # Every day, all day: the gate's working-hours warning stays out of the figures.
                work_days="1234567",
                work_start=datetime.time(0, 0),
                work_end=datetime.time(23, 59),
            )
            for n, user in enumerate(users)
        ]
    )
    rep = employees[1]
    _make_compliant(rep)
    account = SocialAccount.objects.create(employee=rep, network="linkedin", handle="bench-rep")
    token, _expires_at = token_issue(user=rep.user)
    return employees[0], rep, employees[2:], account, token


def _make_compliant(employee) -> None:
    """Charters acknowledged and training valid, so the gate's figures include an allowed path."""
    from charters.selectors import current_versions
    from onboarding.services import charter_acknowledge, training_record

    for version in current_versions().filter(required_for_prospecting=True):
        charter_acknowledge(employee=employee, version=version, via="api")
    # Completed a month ago, valid for the configured period (a date ten years ahead at most).
    training_record(
        actor=None,
        employee=employee,
        completed_at=timezone.localdate() - datetime.timedelta(days=30),
    )


def load_gate_history(*, hot, cold, rep, account, now: datetime.datetime) -> None:
    """1M suppression entries, 1M consent events and 4M outreach attempts, 10,000 on ``hot``."""
    half = HOT_EVENTS // 2
    with bulk_load("consent_opposition", "consent_consentevent", "consent_outreachattempt") as c:
        c.execute(
            "INSERT INTO consent_opposition "
            "(identifier_type, identifier_index, scope, source, created_at, created_by_id) "
            "SELECT (ARRAY['email','phone','profile_url'])[1 + i %% 3], "
            "encode(sha256(('opposed-' || i)::bytea), 'hex'), "
            "CASE WHEN i %% 5 = 0 THEN 'email' ELSE 'all' END, 'opposition_list', "
            "%s - i * interval '1 minute', NULL FROM generate_series(1, %s) i",
            [now, OPPOSITIONS],
        )
        # The hot prospect: alternating opt-ins and opt-outs on the channel, and as many
        # allowed messages from the rep's account over three years, none answered.
        c.execute(
            "INSERT INTO consent_consentevent (id, prospect_id, channel, action, purpose, "
            "evidence, proof, wording_shown, captured_by_id, occurred_at, recorded_at) "
            "SELECT gen_random_uuid(), %s, %s, "
            "CASE WHEN i %% 2 = 0 THEN 'grant' ELSE 'withdraw' END, '', "
            "CASE WHEN i %% 2 = 0 THEN 'written_reply' ELSE 'request' END, '', '', %s, "
            "%s - i * interval '3 hours', %s - i * interval '3 hours' "
            "FROM generate_series(1, %s) i",
            [hot, CHANNEL, rep.pk, now, now, half],
        )
        c.execute(
            "INSERT INTO consent_outreachattempt (id, prospect_id, employee_id, "
            "social_account_id, channel, content, final_content, append_notice, "
            "relates_to_profession, decision, reasons, rules_version, created_at, replied_at) "
            "SELECT gen_random_uuid(), %s, %s, %s, %s, '', '', true, true, 'allow', '[]', "
            "'bench', %s - i * interval '5 hours', NULL FROM generate_series(1, %s) i",
            [hot, rep.pk, account.pk, CHANNEL, now, half],
        )
        # Everyone else: one consent event and four attempts per prospect, on any channel.
        c.execute(
            "INSERT INTO consent_consentevent (id, prospect_id, channel, action, purpose, "
            "evidence, proof, wording_shown, captured_by_id, occurred_at, recorded_at) "
            "SELECT gen_random_uuid(), p.id, "
            "(ARRAY['email','sms','phone','social_message','connection_request'])[1 + p.n %% 5], "
            "CASE WHEN p.n %% 3 = 0 THEN 'withdraw' ELSE 'grant' END, '', "
            "CASE WHEN p.n %% 3 = 0 THEN 'request' ELSE 'web_form' END, '', '', p.owner_id, "
            "%s - (p.n %% 1000) * interval '1 day', %s - (p.n %% 1000) * interval '1 day' "
            "FROM (SELECT id, owner_id, row_number() OVER () AS n FROM prospects_prospect "
            "WHERE id <> ALL(%s::uuid[]) LIMIT %s) p",
            [now, now, [hot, cold], CONSENTS - half],
        )
        c.execute(
            "INSERT INTO consent_outreachattempt (id, prospect_id, employee_id, "
            "social_account_id, channel, content, final_content, append_notice, "
            "relates_to_profession, decision, reasons, rules_version, created_at, replied_at) "
            "SELECT gen_random_uuid(), p.id, p.owner_id, NULL, "
            "(ARRAY['email','sms','phone','social_message','connection_request'])"
            "[1 + (p.n + k) %% 5], '', '', true, true, "
            "CASE WHEN (p.n + k) %% 4 = 0 THEN 'deny' ELSE 'allow' END, '[]', 'bench', "
            "%s - ((p.n * 7 + k * 13) %% 1000) * interval '1 day', NULL "
            "FROM (SELECT id, owner_id, row_number() OVER () AS n FROM prospects_prospect "
            "WHERE id <> ALL(%s::uuid[]) LIMIT %s) p CROSS JOIN generate_series(1, 4) k",
            [now, [hot, cold], (OUTREACH - half) // 4],
        )
    vacuum("consent_opposition", "consent_consentevent", "consent_outreachattempt")


# --- 1. the prospects list --------------------------------------------------------------


def timed_gets(client, url: str) -> list[float]:
    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < LIST_MAX_REQUESTS and (
        len(samples) < 20 or time.perf_counter() - started < LIST_BUDGET_SECONDS
    ):
        begin = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - begin)
    return samples


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(captured: CaptureQueriesContext) -> int:
    """Queries sent, not counting transaction control (Django logs BEGIN and COMMIT too)."""
    return sum(not query["sql"].startswith(TRANSACTION_CONTROL) for query in captured)


def queries_per_list(client, page_size: int, *, expected_count: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/prospects/?page_size={page_size}")
    body = response.json()
    if len(body["results"]) != page_size or body["count"] != expected_count:
        raise SystemExit(f"prospects list: {len(body['results'])} rows, count {body['count']}")
    return statements(captured)


def measure_list(viewers: dict, *, table_size: int) -> dict:
    from rest_framework.test import APIClient

    figures = {}
    for name, (employee, visible) in viewers.items():
        client = APIClient()
        client.force_authenticate(employee.user)
        samples = timed_gets(client, "/api/prospects/?page_size=100")
        figures[name] = {
            "p50": statistics.median(samples),
            "p95": percentile(samples, 0.95),
            "n": len(samples),
            "queries": {
                size: queries_per_list(client, size, expected_count=visible) for size in (10, 100)
            },
        }
        say(
            f"list     {name:<4} {table_size:>9,} prospects in table: "
            f"p50 {ms(figures[name]['p50'])}  p95 {ms(figures[name]['p95'])}  "
            f"({len(samples)} requests, page_size=100)"
        )
    return figures


def report_list(small: dict, big: dict) -> None:
    for name in small:
        ratio = big[name]["p50"] / small[name]["p50"]
        say(
            f"list     {name:<4} p50 at 1M / p50 at 1k = {ratio:5.2f}x "
            f"(goal ≤ {LIST_GOAL:.0f}x)  {MARK[ratio <= LIST_GOAL]}"
        )
        summary.record(
            f"GET /api/prospects/?page_size=100 as {name}",
            f"p50 {ms(big[name]['p50'])} at 1M",
            f"p50 {ms(small[name]['p50'])} at 1k",
            f"{ratio:.2f}x ≤ {LIST_GOAL:.0f}x",
            ratio <= LIST_GOAL,
        )
    for name, figures in (("1k", small), ("1M", big)):
        for viewer, figure in figures.items():
            q10, q100 = figure["queries"][10], figure["queries"][100]
            say(
                f"list     {viewer:<4} {name} queries per request: page_size 10 → {q10}, "
                f"100 → {q100} (goal: equal)  {MARK[q10 == q100]}"
            )


# --- 2. the gate ------------------------------------------------------------------------


def select_one() -> float:
    """One bare round trip to the database, through Django's cursor."""
    with connection.cursor() as cursor:
        begin = time.perf_counter()
        cursor.execute("SELECT 1")
        cursor.fetchone()
        return time.perf_counter() - begin


def gate_call(rep, account, prospect_id):
    from consent import services
    from prospects.selectors import prospects_visible_to

    decision, _ = services.outreach_check(
        employee=rep,
        prospects=prospects_visible_to(rep.user),
        prospect_id=prospect_id,
        channel=CHANNEL,
        content=CONTENT,
        social_account=account,
    )
    if "gate_error" in decision.codes():
        raise SystemExit("the gate answered gate_error: see the log above")
    return decision


def measure_gate(rep, account, prospects: dict) -> None:
    # The floor is sampled between the decisions, so both see the same machine.
    floors: list[float] = []
    results = {}
    queries = {}
    for name, prospect_id in prospects.items():
        for _ in range(20):
            decision = gate_call(rep, account, prospect_id)
        with CaptureQueriesContext(connection) as captured:
            gate_call(rep, account, prospect_id)
        queries[name] = statements(captured)
        extra = len(captured) - queries[name]
        samples = []
        for _ in range(GATE_ITERATIONS):
            floors.append(select_one())
            begin = time.perf_counter()
            gate_call(rep, account, prospect_id)
            samples.append(time.perf_counter() - begin)
        results[name] = (statistics.median(samples), percentile(samples, 0.99), decision)
    floor = statistics.median(floors)
    say(
        f"gate     bare SELECT 1 round trip (in-process) p50 {ms(floor)}  "
        f"p99 {ms(percentile(floors, 0.99))}  (the floor, {len(floors)} samples)"
    )
    for name, (p50, p99, decision) in results.items():
        say(
            f"gate     {name}: p50 {ms(p50)}  p99 {ms(p99)}  ({GATE_ITERATIONS} decisions, "
            f"{decision.decision} {','.join(decision.codes()) or '-'})"
        )
        say(
            f"gate     {name}: p50 = {p50 / floor:5.1f}x the SELECT 1 floor "
            f"(goal ≤ {GATE_GOAL:.0f}x)  {MARK[p50 <= GATE_GOAL * floor]}"
        )
        summary.record(
            f"gate decision, {name}",
            f"p50 {ms(p50)}",
            f"SELECT 1 p50 {ms(floor)}",
            f"{p50 / floor:.1f}x ≤ {GATE_GOAL:.0f}x",
            p50 <= GATE_GOAL * floor,
        )
    counts = list(queries.values())
    ok = max(counts) <= GATE_QUERIES_GOAL and len(set(counts)) == 1
    say(
        "gate     queries per decision: "
        + ", ".join(f"{name} → {n}" for name, n in queries.items())
        + f" (goal ≤ {GATE_QUERIES_GOAL} and equal)  {MARK[ok]}"
        + (f"  [+{extra} BEGIN/COMMIT not counted]" if extra else "")
    )
    summary.record(
        "gate queries per decision",
        ", ".join(str(n) for n in counts),
        "-",
        f"≤ {GATE_QUERIES_GOAL} and equal",
        ok,
    )


# --- 3. throughput under gunicorn ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_database_url() -> str:
    """The environment's DATABASE_URL, naming the bench database instead."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def http_request(port: int, method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: Token {token}",
        # As behind the TLS proxy: with DEBUG off, plain HTTP is redirected.
        "X-Forwarded-Proto: https",
        "Accept: application/json",
        "Connection: close",
    ]
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def load(port: int, request: bytes, seconds: float) -> tuple[float, int]:
    """Requests per second answered 200 by ``LOAD_THREADS`` clients; and the other answers."""
    deadline = time.perf_counter() + seconds
    tally = [[0, 0] for _ in range(LOAD_THREADS)]

    def client(slot: list[int]) -> None:
        while time.perf_counter() < deadline:
            try:
                answer = exchange(port, request)
            except OSError:
                slot[1] += 1
                continue
            slot[0 if answer.startswith(b"HTTP/1.1 200") else 1] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(slot,)) for slot in tally]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(ok for ok, _ in tally) / elapsed, sum(bad for _, bad in tally)


@contextmanager
def gunicorn(workdir: Path):
    from core.crypto import new_key

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": new_key() + new_key(),
        # The bench's own keys: the generated rows were sealed and indexed with them.
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": bench_database_url(),
        "SOCIALCRM_VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
    }
    log = workdir / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "socialcrm.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        health = f"GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        health += "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
        for _ in range(300):
            if server.poll() is not None:
                break
            try:
                if exchange(port, health.encode()).startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer within 30 s")
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + log.read_text(errors="replace")[-2000:])
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure_throughput(workdir: Path, *, rep, account, token: str, prospect_id) -> None:
    body = {
        "prospect": str(prospect_id),
        "channel": CHANNEL,
        "content": CONTENT,
        "social_account": account.pk,
    }
    trivial_path = f"/api/employees/{rep.pk}/"
    with gunicorn(workdir) as port:
        check = http_request(port, "POST", "/api/outreach/check/", token, json.dumps(body).encode())
        trivial = http_request(port, "GET", trivial_path, token)
        for request in (trivial, check):
            answer = exchange(port, request)
            if not answer.startswith(b"HTTP/1.1 200"):
                raise SystemExit("gunicorn answered:\n" + answer.decode(errors="replace")[:800])
        for request in (trivial, check):
            load(port, request, LOAD_WARMUP_SECONDS)
        # Alternated halves, so a drift of the machine during the run weighs on both alike.
        totals = {"trivial": [0.0, 0], "check": [0.0, 0]}
        for _ in range(2):
            for name, request in (("trivial", trivial), ("check", check)):
                rate, bad = load(port, request, LOAD_SECONDS / 2)
                totals[name][0] += rate / 2
                totals[name][1] += bad
    (trivial_rate, trivial_bad), (check_rate, check_bad) = totals["trivial"], totals["check"]
    say(
        f"http     GET {trivial_path} (token, trivial): {trivial_rate:7,.0f} req/s  "
        f"({WORKERS} gunicorn workers, {LOAD_THREADS} client threads, {LOAD_SECONDS:.0f} s each"
        + (f", {trivial_bad} non-200" if trivial_bad else "")
        + ")"
    )
    say(
        f"http     POST /api/outreach/check/ (10,000-event prospect): {check_rate:7,.0f} req/s"
        + (f"  ({check_bad} non-200)" if check_bad else "")
    )
    ratio = check_rate / trivial_rate
    say(
        f"http     check / trivial = {ratio:.2f} (goal ≥ {THROUGHPUT_GOAL})  "
        f"{MARK[ratio >= THROUGHPUT_GOAL]}"
    )
    summary.record(
        "HTTP POST /api/outreach/check/",
        f"{check_rate:,.0f} req/s",
        f"trivial GET {trivial_rate:,.0f} req/s",
        f"{ratio:.2f} ≥ {THROUGHPUT_GOAL}",
        ratio >= THROUGHPUT_GOAL and not check_bad,
    )


# --- the whole run ------------------------------------------------------------------------


def run(workdir: Path) -> None:
    from django.utils import timezone

    # With DEBUG off, whitenoise looks for collected static files the bench has no use for.
    warnings.filterwarnings("ignore", message="No directory at")

    started = time.perf_counter()
    now = timezone.now()
    with connection.cursor() as cursor:
        # What the import benchmark left behind.
        cursor.execute("TRUNCATE prospects_valuehistory, prospects_prospect CASCADE")
    dpo, rep, others, account, token = make_people()

    mine = copy_prospects(owners=[rep.pk], count=SMALL_TABLE, first=0, now=now)[rep.pk]
    vacuum("prospects_prospect")
    hot, cold = mine[0], mine[1]
    viewers = {"DPO": (dpo, SMALL_TABLE), "rep": (rep, SMALL_TABLE)}
    small = measure_list(viewers, table_size=SMALL_TABLE)

    generation = time.perf_counter()
    with bulk_load("prospects_prospect"):
        copy_prospects(
            owners=[o.pk for o in others], count=BIG_TABLE - SMALL_TABLE, first=SMALL_TABLE, now=now
        )
    vacuum("prospects_prospect")
    say(
        f"data     {BIG_TABLE - SMALL_TABLE:,} more prospects, sealed, COPYed and indexed in "
        f"{time.perf_counter() - generation:5.1f} s"
    )
    viewers = {"DPO": (dpo, BIG_TABLE), "rep": (rep, SMALL_TABLE)}
    big = measure_list(viewers, table_size=BIG_TABLE)
    report_list(small, big)

    generation = time.perf_counter()
    load_gate_history(hot=hot, cold=cold, rep=rep, account=account, now=now)
    say(
        f"data     {OPPOSITIONS:,} suppression entries, {CONSENTS:,} consent events, "
        f"{OUTREACH:,} outreach attempts in {time.perf_counter() - generation:5.1f} s"
    )
    measure_gate(
        rep,
        account,
        {"10,000-event prospect": hot, "0-event prospect": cold},
    )
    measure_throughput(workdir, rep=rep, account=account, token=token, prospect_id=hot)
    say(f"scale    {time.perf_counter() - started:5.0f} s for these figures")
