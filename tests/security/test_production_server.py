"""The attacks against the app as deployed: gunicorn, DEBUG off, production settings.

One gunicorn on 127.0.0.1 for the module, with the production environment (real-looking
keys, SMTP mail to a closed local port, no SSL redirect since loopback HTTP stands for
the TLS proxy). Its database is a temporary SQLite file on the embedded default, or a
database of its own on the PostgreSQL server of DATABASE_URL. Requests go over raw
sockets where the attack is in the bytes (a body announced but never sent).
"""

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = secrets.token_urlsafe(18)


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(suffix: str):
    """(URL, create, drop) of a scratch database next to the test database, or None."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return None
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')}_{suffix}"
    admin = urllib.parse.urlunsplit(url._replace(path="/postgres"))

    def run(statement: str) -> None:
        import psycopg

        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(statement)

    return (
        urllib.parse.urlunsplit(url._replace(path=f"/{name}")),
        lambda: (
            run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
            run(f'CREATE DATABASE "{name}"'),
        ),
        lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
    )


# Spare Redis databases for the server (the tests' own worker must not take its tasks).
SERVER_REDIS_DATABASES = (14, 15)


def _redis_databases():
    """(broker URL, cache URL) for the server on the services pass, emptied; else None."""
    if not os.environ.get("REDIS_URL"):
        return None
    url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    urls = tuple(
        urllib.parse.urlunsplit(url._replace(path=f"/{number}"))
        for number in SERVER_REDIS_DATABASES
    )
    _flush(*urls)
    return urls


def _flush(*urls: str) -> None:
    import redis

    for url in urls:
        redis.Redis.from_url(url).flushdb()


class Server:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log

    def request(self, method: str, path: str, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def raw(self, data: bytes, *, read_timeout: float = 10.0) -> bytes:
        """Send these bytes, then read until the server closes (or the timeout)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout) as sock:
            sock.sendall(data)
            answer = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return answer
                answer += chunk


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("production-server")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "REDIS_", "SOCIALCRM_", "DJANGO_"))
        and key not in {"DATABASE_URL", "DEBUG", "TRUSTED_PROXY_COUNT"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=_key() + _key(),
        FIELD_ENCRYPTION_KEYS=f"k1:{_key()}",
        BLIND_INDEX_KEY=_key(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TRUSTED_PROXY_COUNT="0",
        # Real SMTP, to a loopback port nobody listens on: nothing can leave.
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(_free_port()),
        EMAIL_TIMEOUT="2",
        SOCIALCRM_VAR_DIR=str(var),
        LOG_LEVEL="ERROR",
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
    )
    postgres = _postgres_database(f"server{os.getpid()}")
    if postgres:
        env["DATABASE_URL"], create, drop = postgres
        create()
    redis = _redis_databases()
    if redis:
        # As deployed: lockout and throttle counters shared by every gunicorn worker.
        env["REDIS_URL"], env["REDIS_CACHE_URL"] = redis

    def manage(*args: str) -> None:
        done = subprocess.run(  # noqa: S603 - our own interpreter and commands
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input")
    for username, role in (
        ("mallory", "rep"),
        ("hera", "hr"),
        ("ada", "admin"),
        ("victor", "rep"),
        ("lena", "rep"),
        ("dora", "dpo"),
    ):
        manage("add_employee", username, "--role", role, f"--password={PASSWORD}")
    port = _free_port()
    log = var / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "tests.security.failing_wsgi"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
            cwd=ROOT,  # where gunicorn.conf.py is read from
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(port, log)
    running.manage = manage
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if running.request("GET", "/api/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if postgres:
            drop()
        if redis:
            _flush(*redis)


def _new_token(server, username: str = "mallory") -> str:
    status, _, body = server.request(
        "POST",
        "/api/auth/token/",
        json.dumps({"username": username, "password": PASSWORD}),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    return json.loads(body)["token"]


@pytest.fixture(scope="module")
def token(server):
    return _new_token(server)


def _send(server, method: str, path: str, token: str, payload: dict):
    status, _, body = server.request(
        method,
        path,
        json.dumps(payload),
        {"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    return status, json.loads(body) if body else None


def test_deeply_nested_json_is_a_400_parse_error(server, token):
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    for body in ("[" * 50_000 + "]" * 50_000, '{"full_name": ' + "[" * 40 + "]" * 40 + "}"):
        status, _, answer = server.request("POST", "/api/prospects/", body, headers)

        assert status == 400
        assert json.loads(answer)["code"] == "parse_error"


def test_malformed_json_is_a_400_parse_error_before_sign_in(server):
    status, _, answer = server.request(
        "POST", "/api/auth/token/", '{"username": ', {"Content-Type": "application/json"}
    )

    assert status == 400
    assert json.loads(answer)["code"] == "parse_error"


def test_a_200_mb_upload_is_refused_from_its_headers_without_sending_the_body(server, token):
    request = (
        "POST /api/imports/linkedin/ HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        f"Authorization: Token {token}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n"
        "\r\n"
    ).encode()

    # Not one byte of the body is sent: the answer can only come from the headers.
    answer = server.raw(request)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"code": "too_large"' in body  # the JSON answer, in one chunk


def test_a_chunked_body_without_a_length_is_not_read(server):
    # A body with no Content-Length, sent in chunks that never end: Django reads it as
    # empty, so the answer comes at once and no size limit is needed for it.
    chunk = b"[" * 4096
    request = (
        b"POST /api/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n"
        % (len(chunk), chunk)
    )

    head = server.raw(request).split(b"\r\n", 1)[0]

    assert head.startswith(b"HTTP/1.1 400"), head


def test_an_overlong_request_line_or_too_many_headers_are_refused_by_gunicorn(server):
    long_line = f"GET /api/health/?q={'a' * 5000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    many_headers = "GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    many_headers += "".join(f"X-Filler-{n}: 1\r\n" for n in range(60)) + "\r\n"
    long_header = f"GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 9000}\r\n\r\n"

    for request in (long_line, many_headers, long_header):
        head = server.raw(request.encode()).split(b"\r\n", 1)[0]

        assert head.split()[1] in (b"400", b"431"), head


@pytest.mark.parametrize("path", ["/login/", "/api/health/"])
def test_responses_forbid_framing_and_type_sniffing(server, path):
    status, headers, _ = server.request("GET", path)

    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Server Error" not in headers.get("Server", "")


@pytest.mark.parametrize("path", ["/api/test-failure/", "/test-failure/"])
def test_a_server_error_shows_no_traceback(server, path):
    status, _, body = server.request("GET", path)

    text = body.decode(errors="replace")
    assert status == 500
    for leak in ("Traceback", "SECRET-IN-THE-TRACEBACK", "DeliberateFailure", "failing_wsgi"):
        assert leak not in text
    assert "SECRET-IN-THE-TRACEBACK" in server.log.read_text()  # logged for us, not shown


def test_a_forged_host_gets_a_plain_400(server):
    status, _, body = server.request("GET", "/login/", headers={"Host": "evil.example"})

    assert status == 400
    assert b"DisallowedHost" not in body and b"ALLOWED_HOSTS" not in body


# The review's holes, sent to gunicorn as the attacker sent them.


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", " JaVaScRiPt:alert(1)"])
def test_a_javascript_profile_url_is_refused(server, token, url):
    status, body = _send(
        server,
        "POST",
        "/api/prospects/",
        token,
        {"full_name": "Eve Link", "profile_url": url, "lawful_basis": "legitimate_interest"},
    )

    assert status == 400
    assert "profile_url" in body


def test_pages_carry_a_strict_policy_and_personal_data_is_not_cached(server, token):
    _, page, body = server.request("GET", "/login/")
    policy = page["Content-Security-Policy"]
    scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'nonce-" in scripts and "unsafe-inline" not in scripts
    nonce = scripts.split("'nonce-", 1)[1].split("'", 1)[0]
    tags = re.findall(rb"<script[^>]*>", body)
    assert tags and all(f'nonce="{nonce}"'.encode() in tag for tag in tags)
    assert "camera=()" in page["Permissions-Policy"]

    _, api, _ = server.request(
        "GET", "/api/prospects/", headers={"Authorization": f"Token {token}"}
    )
    assert "no-store" in api["Cache-Control"]


def test_hr_cannot_create_a_dpo_account_but_an_administrator_can(server):
    account = {"username": "dpo-by-hr", "role": "dpo", "password": "long enough pass 9!"}

    assert _send(server, "POST", "/api/employees/", _new_token(server, "hera"), account)[0] == 403
    account["username"] = "dpo-by-admin"
    assert _send(server, "POST", "/api/employees/", _new_token(server, "ada"), account)[0] == 201


def test_a_revoked_token_is_dead_and_the_others_live_on(server, token):
    revoked = _new_token(server)

    status, _, _ = server.request(
        "DELETE", "/api/auth/token/", headers={"Authorization": f"Token {revoked}"}
    )

    assert status == 204
    for key, expected in ((revoked, 401), (token, 200)):
        status, _, _ = server.request(
            "GET", "/api/prospects/", headers={"Authorization": f"Token {key}"}
        )
        assert status == expected


@pytest.mark.parametrize(
    "url",
    [
        f"http://127.0.0.1:{5432}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
    ],
)
def test_webhooks_cannot_reach_internal_addresses(server, url):
    status, body = _send(
        server,
        "POST",
        "/api/webhooks/",
        _new_token(server, "ada"),
        {"url": url, "secret": "s" * 24, "events": ["consent.changed"]},
    )

    assert status == 400
    assert "url" in body


@pytest.mark.services
def test_a_password_guesser_is_locked_out_whichever_worker_answers(server):
    """Counters live in Redis, so two workers do not give two budgets; the right password
    then fails too, on the token endpoint, the sign-in page and the admin."""

    def guess(password: str):
        return server.request(
            "POST",
            "/api/auth/token/",
            json.dumps({"username": "Victor", "password": password}),
            {"Content-Type": "application/json"},
        )[0]

    limit = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
    assert [guess(f"guess-{n}") for n in range(limit)] == [400] * limit
    assert guess(PASSWORD) == 429
    for path in ("/login/", "/admin/login/"):
        assert _sign_in(server, path, "victor", PASSWORD) == 429, path


def _sign_in(server, path: str, username: str, password: str) -> int:
    """A browser's sign-in: the form's CSRF cookie and token, then the POST."""
    _, headers, body = server.request("GET", path)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, _, _ = server.request(
        "POST",
        path,
        urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": f"http://127.0.0.1:{server.port}",
            "Referer": f"http://127.0.0.1:{server.port}{path}",
        },
    )
    return status


def test_a_verified_email_with_a_victims_phone_exports_nothing_unconfirmed(server, token):
    """The public request proves its e-mail only: the victim's record matched on the phone
    the attacker typed waits for the DPO, and nothing runs before."""
    victim_phone = "+33 6 48 27 19 53"
    status, victim = _send(
        server,
        "POST",
        "/api/prospects/",
        token,
        {
            "full_name": "Paul Victime",
            "kind": "b2b",
            "phone": victim_phone,
            "network": "linkedin",
            "source": "connection",
            "collected_at": "2026-03-02T10:00:00+01:00",
        },
    )
    assert status == 201, victim
    status, _, _ = server.request(
        "POST",
        "/api/dsar/public/",
        json.dumps(
            {
                "type": "access",
                "email": "eve.attacker@example.org",
                "phone": victim_phone,
                "full_name": "Paul Victime",
            }
        ),
        {"Content-Type": "application/json"},
    )
    assert status == 202
    dpo = _new_token(server, "dora")
    requests = _send(server, "GET", "/api/dsar/", dpo, {})[1]["results"]
    [request] = [r for r in requests if r["email"] == "eve.attacker@example.org"]
    path = f"/api/dsar/{request['id']}/"
    assert _send(server, "POST", f"{path}verify/", dpo, {"note": "link clicked"})[0] == 202

    matches = {m["prospect"]: m for m in _send(server, "GET", f"{path}matches/", dpo, {})[1]}
    assert matches[victim["id"]]["matched_on"] == ["phone"]
    assert matches[victim["id"]]["verified"] is False
    status, body = _send(server, "POST", f"{path}execute/", dpo, {})
    assert (status, body["code"]) == (409, "matches_unconfirmed")


def test_a_formula_in_a_csv_export_is_written_as_text(server):
    server.manage(
        "shell",
        "-c",
        "from register.models import ProcessingActivity; "
        "ProcessingActivity.objects.filter(pk=ProcessingActivity.objects.first().pk)"
        '.update(name_en=\'=HYPERLINK("http://evil.example/","Open")\')',
    )
    dpo = _new_token(server, "dora")
    status, headers, body = server.request(
        "GET", "/api/register/export/?format=csv", headers={"Authorization": f"Token {dpo}"}
    )
    assert status == 200 and "no-store" in headers.get("Cache-Control", "")
    text = body.decode("utf-8-sig")
    assert "HYPERLINK" in text
    cells = re.findall(r'(?:^|,)"?([^,"\n]*HYPERLINK)', text, flags=re.M)
    assert cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@")), cell


@pytest.mark.services
def test_a_forged_forwarded_for_does_not_lift_the_public_request_throttle(server):
    limit = int(os.environ.get("DSAR_PUBLIC_THROTTLE_RATE", "20/hour").split("/")[0])
    statuses = [
        server.request(
            "POST",
            "/api/dsar/public/",
            json.dumps(
                {"type": "access", "email": f"someone{n}@example.org", "full_name": "Someone"}
            ),
            {"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}"},
        )[0]
        for n in range(limit + 2)
    ]
    assert 429 not in statuses[: limit - 1], statuses
    assert statuses[-1] == 429, statuses


def test_a_departed_employees_token_and_password_stop_on_the_departure_date(server):
    token = _new_token(server, "lena")
    assert _send(server, "GET", "/api/prospects/", token, {})[0] == 200
    # HR records the departure late, and nobody starts the offboarding case.
    server.manage(
        "shell",
        "-c",
        "import datetime; from people.models import Employee; "
        "e = Employee.objects.get(user__username='lena'); today = datetime.date.today(); "
        "e.hire_date = today - datetime.timedelta(days=90); "
        "e.departure_date = today - datetime.timedelta(days=1); e.save()",
    )
    assert _send(server, "GET", "/api/prospects/", token, {})[0] == 401
    status, _, _ = server.request(
        "POST",
        "/api/auth/token/",
        json.dumps({"username": "lena", "password": PASSWORD}),
        {"Content-Type": "application/json"},
    )
    assert status in (400, 401)


def test_a_weak_password_is_refused_naming_the_field(server):
    hr = _new_token(server, "hera")
    status, body = _send(
        server,
        "POST",
        "/api/employees/",
        hr,
        {"username": "weakling", "role": "rep", "password": "123456", "hire_date": "2026-01-05"},
    )
    assert status == 400 and "password" in body, body


def test_a_browser_session_lasts_twelve_hours_not_two_weeks(server):
    _, headers, body = server.request("GET", "/login/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = server.request(
        "POST",
        "/login/",
        urllib.parse.urlencode(
            {"username": "mallory", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": f"http://127.0.0.1:{server.port}",
        },
    )
    assert status == 302
    # http.client joins the Set-Cookie headers with ", ": the session cookie's own part.
    session = headers["Set-Cookie"].split("sessionid=", 1)[1].split(", csrftoken=")[0]
    assert "Max-Age=43200" in session and "HttpOnly" in session


def test_the_dpo_reading_the_prospect_list_is_in_the_audit_trail(server, token):
    _send(
        server,
        "POST",
        "/api/prospects/",
        token,
        {
            "full_name": "Audited Person",
            "kind": "b2b",
            "network": "linkedin",
            "source": "connection",
            "collected_at": "2026-03-02T10:00:00+01:00",
        },
    )
    dpo = _new_token(server, "dora")
    status, page = _send(server, "GET", "/api/prospects/", dpo, {})
    assert status == 200 and page["results"]
    status, trail = _send(server, "GET", "/api/audit/?action=personal_data.listed", dpo, {})
    assert status == 200
    listed = [e for e in trail["results"] if e["action"] == "personal_data.listed"]
    assert listed and {r["id"] for r in page["results"]} <= set(listed[0]["record_ids"])
