"""A local receiver for webhook deliveries, subscriptions pointing at it, a fake DNS, and the
worker that sends them."""

import base64
import http.server
import socket
import threading
import time

import pytest

from webhooks.models import WebhookSubscription

# The Standard Webhooks form: "whsec_" and a base64 key (here 32 bytes).
SECRET = "whsec_" + base64.b64encode(b"socialcrm-test-key-0123456789abc").decode()
# Public addresses (example.com's own), for host names the fake DNS answers.
PUBLIC_ADDRESS = "93.184.215.14"


class Receiver:
    """Records every request (headers read case-insensitively); answers each with the next
    scripted status, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hook", *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def received(self, *, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Wait until ``count`` requests arrived (the worker posts from another thread)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"the receiver got {len(self.requests)} requests, not {count}")


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.requests.append({"path": self.path, "headers": self.headers, "body": body})
                status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"receiver says: do not keep me")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def private_hosts_allowed(settings):
    """The receiver listens on loopback: lift the address rule, as for a local receiver."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True


class FakeDns:
    """Answers for the host names in ``answers`` (each a list of address lists, used in
    turn, the last one kept); every other name goes to the real resolver."""

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self.real(host, port, family, type, proto, flags)
        self.lookups.append(name)
        turns = self.answers[name]
        addresses = turns.pop(0) if len(turns) > 1 else turns[0]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, int(port or 0), 0, 0) if ":" in address else (address, int(port or 0)),
            )
            for address in addresses
        ]


@pytest.fixture
def dns(monkeypatch):
    """``dns.answers["hooks.example.com"] = [["93.184.215.14"], ["127.0.0.1"]]``: public at
    the first lookup, loopback from the second on."""
    fake = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def deliveries_sent(request, transactional_db):
    """Deliveries sent as in production, after the commit: by a real Celery worker on
    PostgreSQL with Redis, in-process on the embedded default."""
    from socialcrm.celery import app

    if app.conf.task_always_eager:
        return None
    # kombu keeps the event loop of the first worker started in this process, stopped with
    # it; a later worker would schedule its delayed tasks (the retries) on that dead loop.
    from kombu.asynchronous import set_event_loop

    set_event_loop(None)
    return request.getfixturevalue("celery_worker")


def subscribe(url: str, events: list[str], **extra) -> WebhookSubscription:
    return WebhookSubscription.objects.create(url=url, secret=SECRET, events=events, **extra)
