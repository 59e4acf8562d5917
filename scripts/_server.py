"""A production-like SocialCRM on loopback, for scripts/fuzz and scripts/load.

``Stack`` drops and recreates a database of its own (DATABASE_URL's server, its name
plus a suffix; kept after the run for a look, dropped by the next), migrates it,
creates employees with ``manage.py add_employee``, starts gunicorn (DEBUG off,
throwaway keys, a free port on 127.0.0.1) and, if asked, a Celery worker; ``with``
stops every process it started and deletes its temporary folder, whatever happens.
The app's own outgoing HTTP (webhooks) is sent to a closed loopback port.
"""

import base64
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
ROLES = ("rep", "manager", "dpo", "hr", "admin")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(suffix: str) -> tuple[str, str]:
    """(URL of the scratch database, its name): DATABASE_URL's server, ``<name>_<suffix>``."""
    url = urllib.parse.urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialcrm")
    )
    if not url.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server")
    name = f"{url.path.lstrip('/') or 'socialcrm'}_{suffix}"
    return urllib.parse.urlunsplit(url._replace(path="/" + name)), name


class Stack:
    def __init__(self, suffix: str, *, worker: bool = False, web_workers: int = 2):
        if worker and not os.environ.get("REDIS_URL"):
            raise SystemExit("REDIS_URL is needed (the Celery broker): redis://127.0.0.1:6379/0")
        self.db_url, self.db_name = database_url(suffix)
        self.worker = worker
        self.web_workers = web_workers
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(18)
        self.var = Path(tempfile.mkdtemp(prefix=f"socialcrm-{suffix}-"))
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "DATABASE_URL": self.db_url,
            "SECRET_KEY": _key() + _key(),
            "FIELD_ENCRYPTION_KEYS": f"k1:{_key()}",
            "BLIND_INDEX_KEY": _key(),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback stands for the TLS proxy of a real deployment.
            "SECURE_SSL_REDIRECT": "0",
            "SOCIALCRM_VAR_DIR": str(self.var),
            "LOG_LEVEL": "ERROR",
            "CONN_MAX_AGE": "60",
        }
        # Outgoing HTTP from the app (webhook deliveries to whatever URL a test registered)
        # goes through a "proxy" on a closed loopback port: it fails at once, nothing leaves.
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            self.env[name] = f"http://127.0.0.1:{_free_port()}"
        for name in ("no_proxy", "NO_PROXY"):
            self.env.pop(name, None)
        if not worker:
            # No worker: tasks run in the web process, nothing is left queued in Redis.
            self.env.pop("REDIS_URL", None)
            self.env.pop("REDIS_CACHE_URL", None)

    # --- setup -------------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - fixed commands, our own arguments
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def recreate_database(self) -> None:
        admin_url = urllib.parse.urlunsplit(
            urllib.parse.urlsplit(self.db_url)._replace(path="/postgres")
        )
        code = (
            "import sys, psycopg\n"
            "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
            "    c.execute(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)')\n"
            "    c.execute(f'CREATE DATABASE \"{sys.argv[2]}\"')\n"
        )
        subprocess.run([PY, "-c", code, admin_url, self.db_name], check=True)  # noqa: S603

    def add_employee(self, username: str, role: str, manager: str | None = None) -> int:
        """Creates the employee (password ``self.password``); returns its id."""
        args = ["add_employee", username, "--role", role, "--hire-date", "2020-01-06"]
        # One argument: a random password may start with "-", which argparse would take
        # for an option of its own.
        args += [f"--password={self.password}"]
        if manager:
            args += ["--manager", manager]
        out = self.manage(*args)  # "created employee NAME (id N, role R)"
        return int(out.split("(id ", 1)[1].split(",", 1)[0])

    # --- processes ---------------------------------------------------------------------
    def _start(self, name: str, argv: list[str]) -> None:
        log = (self.var / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)

    def start(self) -> None:
        self._start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "socialcrm.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.web_workers),
                "--timeout",
                "60",
            ],
        )
        if self.worker:
            self._start(
                "worker",
                [str(BIN / "celery"), "-A", "socialcrm", "worker", "--concurrency", "2"]
                + ["--loglevel", "WARNING"],
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(f"a process exited early:\n{self.logs()}")
            try:
                status, body = self.request("GET", "/api/health/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"no answer from {self.base}/api/health/ within 60 s:\n{self.logs()}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def errors(self) -> list[str]:
        """The ERROR and CRITICAL entries of every log, each with its traceback."""
        found = []
        for path in sorted(self.var.glob("*.log")):
            entry = None
            for line in path.read_text(errors="replace").splitlines():
                if line[:1].isdigit() or line.startswith("["):  # a new log entry
                    entry = None
                    if re.search(r"\b(ERROR|CRITICAL)\b", line):
                        entry = [f"{path.name}: {line}"]
                        found.append(entry)
                elif entry is not None:
                    entry.append(line)
        return ["\n".join(entry) for entry in found]

    def logs(self, lines: int = 40) -> str:
        out = []
        for path in sorted(self.var.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name} (last {lines} lines)\n" + "\n".join(tail))
        return "\n".join(out)

    # --- HTTP --------------------------------------------------------------------------
    def request(self, method: str, path: str, body=None, token: str | None = None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        req = urllib.request.Request(  # noqa: S310 - our own loopback http URL
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw or b"null")
            except ValueError:
                return exc.code, raw.decode(errors="replace")

    def call(self, method: str, path: str, body=None, token=None, expect=(200, 201)):
        status, data = self.request(method, path, body, token)
        if status not in expect:
            raise SystemExit(f"{method} {path} answered {status}: {data}")
        return data

    def token(self, username: str) -> str:
        body = {"username": username, "password": self.password}
        return self.call("POST", "/api/auth/token/", body)["token"]

    def make_compliant(self, rep_token: str, employee_id: int, hr_token: str) -> None:
        """Acknowledge the required charters (as the rep) and record a training (as HR)."""
        for charter in self.call("GET", "/api/charters/", token=rep_token):
            if charter["required"]:
                self.call("POST", f"/api/charters/{charter['id']}/acknowledge/", {}, rep_token)
        training = {
            "employee": employee_id,
            "completed_at": "2026-01-05",
            # Well inside the accepted dates (today + 10 years at most) for any run.
            "valid_until": (
                datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=5 * 365)
            ).isoformat(),
        }
        self.call("POST", "/api/trainings/", training, hr_token)
        compliance = self.call("GET", f"/api/employees/{employee_id}/compliance/", token=rep_token)
        if not compliance["can_prospect"]:
            raise SystemExit(f"employee {employee_id} cannot prospect: {compliance}")

    def add_opted_in_prospect(
        self,
        token: str,
        *,
        full_name: str,
        company: str,
        email: str,
        lawful_basis: str,
        proof: str,
        **extra,
    ) -> str:
        """A LinkedIn contact with an e-mail opt-in from a web form (proof and wording); its id.

        ``extra``: more prospect fields (phone, job_title...)."""
        prospect = extra | {
            "full_name": full_name,
            "company": company,
            "kind": "b2b",
            "email": email,
            "network": "linkedin",
            "source": "connection",
            "lawful_basis": lawful_basis,
            "collected_at": "2026-03-02T10:00:00+01:00",
        }
        created = self.call("POST", "/api/prospects/", prospect, token)
        opt_in = {
            "prospect": created["id"],
            "channel": "email",
            "action": "grant",
            "evidence": "web_form",
            "proof": proof,
            "purpose": "offers by e-mail",
            "wording_shown": "I agree to be contacted by e-mail about your offers.",
        }
        self.call("POST", "/api/consents/", opt_in, token)
        return created["id"]

    # --- context manager -----------------------------------------------------------------
    def __enter__(self):
        try:
            say(f"database {self.db_name}: recreate, migrate, collectstatic")
            self.recreate_database()
            self.manage("migrate", "--no-input")
            self.manage("collectstatic", "--no-input")
        except BaseException:
            shutil.rmtree(self.var, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()
        shutil.rmtree(self.var, ignore_errors=True)
        return False
