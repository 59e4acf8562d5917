"""Schemathesis against a running SocialCRM (gunicorn, DEBUG off), as every role.

    make fuzz    # or: scripts/fuzz [--max-examples 6] [--stateful-examples 30] [--seed N]
                 #                  [--workers 2] [--only ROLE|hostile] (or FUZZ_* variables)
                 #                  [--hostile-seconds 180] [--hostile-requests 4000]

A fresh ``<DATABASE_URL name>_fuzz`` database (default ``socialcrm_fuzz``), one employee
per role, tasks run in the web process (no broker: nothing is left queued). First the
hostile phase (scripts/_hostile.py: boundary dates, javascript: URLs, formulas, scripts,
NUL, RTL override, 10,000 characters, deep and broken JSON, every role, bounded); then one
Schemathesis run per identity, anonymous first and briefly, with the coverage, fuzzing
and stateful phases, a fixed seed and bounded examples; every check but
positive_data_acceptance (see tests/api/test_conformance.py): no 5xx, documented status
codes, content types, headers and bodies, schema-invalid input refused, declared auth
enforced. Last, ``pg_dump`` of the database after every run must show none of the
seeded people's names, e-mails, phones, company, job title or deal notes in clear.
JUnit reports in test-artifacts/fuzz/. Exits non-zero when a run fails or the
server logged an error; every process started is stopped.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _hostile  # noqa: E402
from _server import BIN, ROLES, ROOT, Stack, say  # noqa: E402

PHASES = "examples,coverage,fuzzing,stateful"
# "hostile" (scripts/_hostile.py) runs first: boundary dates, hostile strings, broken JSON.
ORDER = ("hostile", "anonymous", "rep", "manager", "dpo", "hr", "admin")


# The seeded people's distinctive values: after every run, a dump of the database must
# hold none of them in clear (scripts/_fuzz.py, dump_check).
SEED_NAMES = ("Ottoline Brackenbury", "Peregrine Wexcombe", "Isaura Thistlewood")
SEED_COMPANY = "Fernwhistle Cartography"
SEED_JOB_TITLE = "Head of Lanternry"
SEED_PHONES = ("+33 6 71 48 29 53", "+33 6 71 48 29 54", "+33 6 71 48 29 55")
SEED_DEAL_NOTES = "Deliver to the Quibbleton depot"


def seed_prospects(stack: Stack, token: str) -> list[str]:
    """A few records, and a deal, so that reads and links have something to find; their ids."""
    ids = [
        stack.add_opted_in_prospect(
            token,
            full_name=name,
            company=SEED_COMPANY,
            email=f"{name.split()[0].lower()}.{n}@example.com",
            lawful_basis="legitimate_interest",
            proof="web form, fuzz seed",
            phone=SEED_PHONES[n],
            job_title=SEED_JOB_TITLE,
        )
        for n, name in enumerate(SEED_NAMES)
    ]
    stack.call(
        "POST",
        "/api/deals/",
        {"prospect": ids[0], "product": "Atlas", "amount": "1200.00", "notes": SEED_DEAL_NOTES},
        token,
    )
    return ids


def dump_check(stack: Stack) -> list[str]:
    """The seeded values found in clear in a ``pg_dump`` of the database, after every run."""
    markers = [
        *(part for name in SEED_NAMES for part in name.split()),
        *(f"{name.split()[0].lower()}.{n}@example.com" for n, name in enumerate(SEED_NAMES)),
        *(phone.replace(" ", "") for phone in SEED_PHONES),
        *SEED_PHONES,
        "Fernwhistle",
        "Lanternry",
        "Quibbleton",
    ]
    dump = (
        subprocess.run(  # noqa: S603 - fixed command, our own database
            [shutil.which("pg_dump") or "/usr/bin/pg_dump", "--no-owner", "--dbname", stack.db_url],
            capture_output=True,
            check=True,
            timeout=300,
        )
        .stdout.decode("utf-8", "replace")
        .casefold()
    )
    return [marker for marker in markers if marker.casefold() in dump]


def schemathesis(stack: Stack, who: str, token: str | None, args, report_dir: Path) -> int:
    # Anonymous, briefly: every operation must answer 401 (or its documented public answer).
    anonymous = who == "anonymous"
    examples = max(1, args.max_examples // 3) if anonymous else args.max_examples
    argv = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(report_dir / "schemathesis.toml"),
        "run",
        f"{stack.base}/api/schema/",
        "--phases",
        "fuzzing,stateful" if anonymous else PHASES,
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--seed",
        str(args.seed),
        "--max-examples",
        str(examples),
        "--workers",
        str(args.workers),
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"{who}.xml"),
    ]
    if token:
        # DELETE /api/auth/token/ revokes the token presented: the run would lock itself out.
        argv += [
            "-H",
            f"Authorization: Token {token}",
            "--exclude-operation-id",
            "auth_token_destroy",
        ]
    say(f"\n=== schemathesis as {who} (max {examples} examples per operation)")
    started = time.monotonic()
    # Its crash store (.schemathesis/) goes with the reports, not into the work tree.
    try:
        code = subprocess.run(  # noqa: S603
            argv, cwd=report_dir, check=False, timeout=args.timeout
        ).returncode
    except subprocess.TimeoutExpired:
        say(f"=== {who}: stopped after {args.timeout} s")
        return 124
    say(f"=== {who}: exit {code} in {time.monotonic() - started:.0f} s")
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 6)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 20261129)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FUZZ_WORKERS", 2)))
    parser.add_argument(
        "--stateful-examples", type=int, default=int(os.environ.get("FUZZ_STATEFUL", 30))
    )
    parser.add_argument(
        "--timeout", type=int, default=int(os.environ.get("FUZZ_TIMEOUT", 300)), help="per run"
    )
    parser.add_argument(
        "--hostile-seconds", type=int, default=int(os.environ.get("FUZZ_HOSTILE_SECONDS", 180))
    )
    parser.add_argument(
        "--hostile-requests", type=int, default=int(os.environ.get("FUZZ_HOSTILE_REQUESTS", 4000))
    )
    parser.add_argument("--only", choices=ORDER, action="append", help="identity (repeatable)")
    args = parser.parse_args()
    report_dir = ROOT / "test-artifacts" / "fuzz"
    shutil.rmtree(report_dir, ignore_errors=True)
    report_dir.mkdir(parents=True)
    # Stateful scenarios are cheap (links inferred from our responses): more of them than
    # --max-examples, still bounded.
    (report_dir / "schemathesis.toml").write_text(
        f"[phases.stateful.generation]\nmax-examples = {args.stateful_examples}\n"
    )

    results = {}
    with Stack("fuzz", web_workers=2) as stack:
        manager = stack.add_employee("fuzz-manager", "manager")
        rep = stack.add_employee("fuzz-rep", "rep", manager="fuzz-manager")
        for role in ("dpo", "hr", "admin"):
            stack.add_employee(f"fuzz-{role}", role)
        stack.start()
        tokens = {role: stack.token(f"fuzz-{role}") for role in ROLES}
        stack.make_compliant(tokens["rep"], rep, tokens["hr"])
        stack.make_compliant(tokens["manager"], manager, tokens["hr"])
        prospect_ids = seed_prospects(stack, tokens["rep"])
        if "hostile" in (args.only or ORDER):
            say(
                f"\n=== hostile values (at most {args.hostile_requests} requests, {args.hostile_seconds} s)"
            )
            sent, failures = _hostile.run(
                stack,
                tokens,
                seconds=args.hostile_seconds,
                requests=args.hostile_requests,
                prospect_id=prospect_ids[0],
            )
            say(f"=== hostile: {sent} requests, {len(failures)} failure(s)")
            for failure in failures[:50]:
                say(f"  {failure}")
            results["hostile"] = 1 if failures else 0
        # The roles that change the least go first: HR and admin may deactivate people.
        for who in [w for w in args.only or ORDER if w != "hostile"]:
            results[who] = schemathesis(stack, who, tokens.get(who), args, report_dir)
        server_errors = stack.errors()
        if stack.db_url.startswith("postgres"):
            in_clear = dump_check(stack)
            say(f"\n=== pg_dump after the runs: {len(in_clear)} seeded value(s) in clear")
            for marker in in_clear:
                say(f"  in clear: {marker}")
            results["dump"] = 1 if in_clear else 0
    for entry in server_errors:
        say(f"\nserver error:\n{entry}")
    say(
        "\nfuzz summary: "
        + ", ".join(f"{who} {'ok' if not c else 'FAILED'}" for who, c in results.items())
    )
    say(f"JUnit reports: {report_dir}")
    if server_errors:
        say(f"{len(server_errors)} error(s) in the server log")
    return 1 if any(results.values()) or server_errors else 0


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
