"""A bounded load on a production-like SocialCRM: gunicorn, PostgreSQL, Redis, a Celery worker.

    make load            # or: scripts/load [--clients 8] [--seconds 30] [--reps 4]

A fresh ``<DATABASE_URL name>_load`` database (default ``socialcrm_load``) and REDIS_URL
as the broker. Reps who may prospect (charters, training) get prospects with a recorded
e-mail opt-in; then N clients on loopback, each with its own connection, mix for a fixed
time: the prospect list, a search, gate checks, and outreach logging (each logged
attempt then gets its reply, so the frequency cap never denies). At the end: p50/p99
and counts per endpoint, and the outreach rows in the database must match the answers
the clients got (201 allowed, 403 denied; none lost, none extra). Exits non-zero on any
5xx, unexpected status, network error or mismatch. Every process started is stopped.
"""

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import PY, Stack, say  # noqa: E402

MESSAGE = "Bonjour, nous aidons les équipes achats à simplifier leurs commandes. Un échange ?"
SEARCHES = ("Load", "Acme", "Durand", "load.1.3@example.com", "Globex")
EXPECTED = {
    "GET /api/prospects/": {200},
    "GET /api/prospects/?q=": {200},
    "POST /api/outreach/check/": {200},
    "POST /api/outreach/": {201, 403},
    "POST /api/outreach/{id}/reply/": {200},
}


def seed(stack: Stack, reps: int, prospects: int) -> list[tuple[str, list[str]]]:
    """(token, prospect ids) per compliant rep; every prospect has an e-mail opt-in with proof."""
    stack.add_employee("load-manager", "manager")
    stack.add_employee("load-hr", "hr")
    ids = [stack.add_employee(f"load-rep{n}", "rep", manager="load-manager") for n in range(reps)]
    for role in ("dpo", "admin"):
        stack.add_employee(f"load-{role}", role)
    stack.start()
    hr_token = stack.token("load-hr")
    seeded = []
    for n, employee_id in enumerate(ids):
        token = stack.token(f"load-rep{n}")
        stack.make_compliant(token, employee_id, hr_token)
        owned = []
        for k in range(prospects):
            owned.append(
                stack.add_opted_in_prospect(
                    token,
                    full_name=f"Load Person {n} {k} {random.choice(['Durand', 'Petit'])}",  # noqa: S311
                    company=random.choice(["Acme", "Globex", "Initech"]),  # noqa: S311
                    email=f"load.{n}.{k}@example.com",
                    lawful_basis="consent",
                    proof=f"newsletter form, entry {n}-{k}",
                )
            )
        check = {"prospect": owned[0], "channel": "email", "content": MESSAGE}
        decision = stack.call("POST", "/api/outreach/check/", check, token)
        if decision["decision"] != "allow":
            raise SystemExit(f"the gate denies the seeded outreach: {decision}")
        seeded.append((token, owned))
    return seeded


class Client(threading.Thread):
    def __init__(self, port, token, prospects, until, seed_value):
        super().__init__(daemon=True)
        self.port, self.token, self.prospects, self.until = port, token, prospects, until
        self.rng = random.Random(seed_value)  # noqa: S311 - a reproducible mix, not a secret
        self.timings = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.errors = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, name, method, path, body=None):
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()  # the next request opens a new connection
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            return None, None
        self.timings[name].append(time.perf_counter() - started)
        self.statuses[name][response.status] += 1
        return response.status, raw

    def run(self):
        while time.monotonic() < self.until:
            pick = self.rng.random()
            prospect = self.rng.choice(self.prospects)
            if pick < 0.3:
                self.send("GET /api/prospects/", "GET", "/api/prospects/?page_size=50")
            elif pick < 0.5:
                term = self.rng.choice(SEARCHES).replace("@", "%40")
                self.send("GET /api/prospects/?q=", "GET", f"/api/prospects/?q={term}")
            elif pick < 0.75:
                body = {"prospect": prospect, "channel": "email", "content": MESSAGE}
                self.send("POST /api/outreach/check/", "POST", "/api/outreach/check/", body)
            else:
                body = {"prospect": prospect, "channel": "email", "content": MESSAGE}
                status, raw = self.send("POST /api/outreach/", "POST", "/api/outreach/", body)
                if status == 201:
                    attempt = json.loads(raw)["id"]
                    path = f"/api/outreach/{attempt}/reply/"
                    self.send("POST /api/outreach/{id}/reply/", "POST", path, {})
        self.conn.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def outreach_rows(stack: Stack) -> Counter:
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1]) as c:\n"
        "    rows = c.execute('SELECT decision, (replied_at IS NOT NULL), count(*) "
        "FROM consent_outreachattempt GROUP BY 1, 2').fetchall()\n"
        "print(';'.join(f'{d},{r},{n}' for d, r, n in rows))\n"
    )
    out = subprocess.run(  # noqa: S603
        [PY, "-c", code, stack.db_url], capture_output=True, text=True, check=True
    ).stdout.strip()
    counts = Counter()
    for item in filter(None, out.split(";")):
        decision, replied, n = item.split(",")
        counts[decision] += int(n)
        if replied == "True":
            counts["replied"] += int(n)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--clients", type=int, default=int(env("LOAD_CLIENTS", 8)))
    parser.add_argument("--seconds", type=float, default=float(env("LOAD_SECONDS", 30)))
    parser.add_argument("--reps", type=int, default=int(env("LOAD_REPS", 4)))
    parser.add_argument("--prospects", type=int, default=int(env("LOAD_PROSPECTS", 25)))
    parser.add_argument("--web-workers", type=int, default=int(env("LOAD_WEB_WORKERS", 3)))
    args = parser.parse_args()
    random.seed(20261129)

    with Stack("load", worker=True, web_workers=args.web_workers) as stack:
        seeded = seed(stack, args.reps, args.prospects)
        say(
            f"{args.clients} clients for {args.seconds:g} s on {stack.base} "
            f"({args.reps} reps x {args.prospects} prospects, gunicorn x{args.web_workers})"
        )
        until = time.monotonic() + args.seconds
        clients = [
            Client(stack.port, *seeded[n % len(seeded)], until, seed_value=n)
            for n in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        rows = outreach_rows(stack)
        server_errors = stack.errors()

    timings, statuses, errors = defaultdict(list), defaultdict(Counter), []
    for client in clients:
        for name, values in client.timings.items():
            timings[name] += values
            statuses[name].update(client.statuses[name])
        errors += client.errors

    say(f"\n{'endpoint':<34}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for name in EXPECTED:
        values = timings.get(name, [])
        if not values:
            say(f"{name:<34}{0:>7}")
            continue
        codes = " ".join(f"{code}:{n}" for code, n in sorted(statuses[name].items()))
        p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
        say(f"{name:<34}{len(values):>7}{p50:>9.1f}{p99:>9.1f}  {codes}")
    total = sum(len(v) for v in timings.values())
    say(f"{'all':<34}{total:>7}   ({total / args.seconds:.0f} requests/s)")

    failures = []
    for name, counter in statuses.items():
        unexpected = {code: n for code, n in counter.items() if code not in EXPECTED[name]}
        if unexpected:
            failures.append(f"{name}: unexpected statuses {unexpected}")
    if errors:
        failures.append(f"{len(errors)} network errors, e.g. {errors[0]}")
    for entry in server_errors:
        say(f"server error:\n{entry}")
    if server_errors:
        failures.append(f"{len(server_errors)} error(s) in the server or worker log")
    logged = statuses["POST /api/outreach/"]
    replies = statuses["POST /api/outreach/{id}/reply/"][200]
    say(
        f"\noutreach acknowledged: {logged[201]} allowed (201), {logged[403]} denied (403), "
        f"{replies} replies; in the database: {rows['allow']} allowed, {rows['deny']} denied, "
        f"{rows['replied']} replied"
    )
    if (rows["allow"], rows["deny"], rows["replied"]) != (logged[201], logged[403], replies):
        failures.append("outreach rows in the database differ from the answers acknowledged")
    if not logged[201]:
        failures.append("no outreach was allowed: the load did not exercise logging")
    for failure in failures:
        say(f"FAIL: {failure}")
    say("load: " + ("FAILED" if failures else "ok"))
    return 1 if failures else 0


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
