"""A local receiver for webhook deliveries, and subscriptions pointing at it."""

import http.server
import threading
import time

import pytest

from webhooks.models import WebhookSubscription

SECRET = "whsec-test-0123456789abcdef"


class Receiver:
    """Records every request (headers read case-insensitively); answers each with the next
    scripted status, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()

    def url(self, path: str = "/hook") -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}{path}"

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


def subscribe(url: str, events: list[str], **extra) -> WebhookSubscription:
    return WebhookSubscription.objects.create(url=url, secret=SECRET, events=events, **extra)
