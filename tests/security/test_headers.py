"""What every answer tells the browser: run only our scripts, use no device, keep no copy.

The attack: a value stored in a record (a ``<script>``, an inline handler, a
``javascript:`` link) runs in the DPO's session; a shared computer's browser cache
keeps the prospect pages and the exports after the session is over. Every page
carries a Content-Security-Policy whose script-src allows our origin and the
response's nonce only (no 'unsafe-inline'), and every script tag of the page
carries that nonce; violations are reported to an endpoint that logs no personal
data. Every response says no to camera, microphone, geolocation and payment, and
every dynamic one says ``no-store``.
"""

import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from socialcrm.views import csp_reports_received
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b[^>]*>", re.IGNORECASE)
NONCE_ATTRIBUTE = re.compile(r'\snonce="([^"]+)"')
# onclick=, onsubmit=, onerror=…: what a nonce cannot protect, hence refused outright.
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def header_nonce(response) -> str:
    (nonce,) = [
        value[len("'nonce-") : -1]
        for value in directives(response)["script-src"]
        if value.startswith("'nonce-")
    ]
    return nonce


@pytest.fixture
def dpo_client(client):
    client.force_login(EmployeeFactory(role="dpo").user)
    return client


def pages(rep, dpo) -> list[tuple[object, str]]:
    prospect = ProspectFactory(owner=rep, profile_url="https://www.linkedin.com/in/jane")
    return [
        (None, reverse("login")),
        (rep, reverse("home")),
        (rep, reverse("prospects")),
        (rep, reverse("prospect", args=[prospect.pk])),
        (rep, reverse("social-accounts")),
        (dpo, reverse("prospect", args=[prospect.pk])),
        (dpo, reverse("dpo-dashboard")),
        (dpo, reverse("register")),
    ]


def test_every_page_has_a_strict_policy_with_a_nonce_its_scripts_carry(rep, dpo):
    seen_nonces = set()
    for person, url in pages(rep, dpo):
        client = Client()
        if person is not None:
            client.force_login(person.user)
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in policy["script-src"], url
        assert "'unsafe-eval'" not in policy["script-src"], url
        assert "'unsafe-inline'" not in policy.get("style-src", []), url
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["report-uri"] == ["/csp-report/"]
        nonce = header_nonce(response)
        html = response.content.decode()
        scripts = SCRIPT_TAG.findall(html)
        assert scripts, url
        for tag in scripts:
            assert NONCE_ATTRIBUTE.findall(tag) == [nonce], (url, tag)
        assert not INLINE_HANDLER.search(html), url
        assert 'href="javascript:' not in html.lower(), url
        seen_nonces.add(nonce)
    # One nonce per response: an attacker cannot learn it from another page.
    assert len(seen_nonces) == len(pages(rep, dpo))


def test_no_template_holds_a_script_without_a_nonce_or_an_inline_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in SCRIPT_TAG.findall(text) + STYLE_TAG.findall(text):
            if 'nonce="{{ request.csp_nonce }}"' not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        if INLINE_HANDLER.search(text) or "javascript:" in text.lower():
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline handler or javascript:")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: style attribute")
    assert offenders == []


def test_the_api_docs_run_under_the_policy_without_inline_script(dpo_client):
    response = dpo_client.get("/api/docs/")
    assert response.status_code == 200
    nonce = header_nonce(response)
    assert f"'nonce-{nonce}'" in directives(response)["style-src"]
    html = response.content.decode()
    for tag in SCRIPT_TAG.findall(html):
        assert "src=" in tag and NONCE_ATTRIBUTE.findall(tag) == [nonce], tag
    assert re.search(r"<script\b[^>]*>\s*[^<\s]", html) is None  # no inline script body
    for tag in STYLE_TAG.findall(html):
        assert NONCE_ATTRIBUTE.findall(tag) == [nonce], tag
    (script_url,) = re.findall(r'<script src="([^"]*\?script[^"]*)"', html)
    script = dpo_client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


# Permissions-Policy and Cache-Control


def test_every_response_refuses_the_devices_and_payment(client, rep):
    answers = [client.get(reverse("login")), client.get("/api/health/"), client.get("/nowhere/")]
    client.force_login(rep.user)
    answers += [client.get(reverse("prospects")), client.get("/api/prospects/")]
    for answer in answers:
        policy = answer["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment"):
            assert f"{feature}=()" in policy, answer


@pytest.mark.parametrize("role", ["rep", "dpo"])
def test_prospect_pages_and_api_answers_are_not_stored_by_the_browser(client, role):
    person = EmployeeFactory(role=role, compliant=role == "rep")
    prospect = ProspectFactory(owner=person if role == "rep" else EmployeeFactory(role="rep"))
    client.force_login(person.user)
    for url in (
        reverse("prospects"),
        reverse("prospect", args=[prospect.pk]),
        "/api/prospects/",
        f"/api/prospects/{prospect.pk}/",
        f"/api/prospects/{prospect.pk}/history/",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Cache-Control"] == "no-store", url


def test_exports_are_not_stored_by_the_browser(dpo_client, api_as, dpo):
    for fmt in ("csv", "json"):
        answer = dpo_client.get("/api/register/export/", {"format": fmt})
        assert answer.status_code == 200
        assert answer["Cache-Control"] == "no-store"
    assert api_as(dpo).get("/api/dashboard/provenance/")["Cache-Control"] == "no-store"


def test_public_pages_that_echo_what_was_typed_are_not_stored_either(client):
    answer = client.post(
        reverse("dsar-public"), {"type": "access", "full_name": "Jane Doe", "email": "nope"}
    )
    assert "Jane Doe" in answer.content.decode()
    assert answer["Cache-Control"] == "no-store"


# The report endpoint


def _report(**extra) -> dict:
    return {
        "csp-report": {
            "document-uri": "http://testserver/prospects/?q=jane.doe%40example.com",
            "referrer": "http://testserver/prospects/?q=Jane+Doe",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "original-policy": "default-src 'self'",
            "blocked-uri": "https://evil.example/steal?who=jane.doe@example.com",
            "script-sample": "alert('Jane Doe')",
            "status-code": 200,
        }
        | extra
    }


def test_a_violation_report_is_counted_and_logged_without_personal_data(caplog):
    client = Client(enforce_csrf_checks=True)  # browsers send no CSRF token with a report
    before = csp_reports_received()
    with caplog.at_level(logging.WARNING, logger="socialcrm.csp"):
        answer = client.post(
            "/csp-report/", json.dumps(_report()), content_type="application/csp-report"
        )
    assert answer.status_code == 204
    assert csp_reports_received() == before + 1
    logged = caplog.text
    assert "script-src-elem" in logged
    assert "https://evil.example" in logged
    assert "prospects" in logged
    for personal in ("jane", "Jane", "steal", "alert"):
        assert personal not in logged


def test_the_reporting_api_format_is_read_too():
    before = csp_reports_received()
    body = [{"type": "csp-violation", "body": {"effectiveDirective": "img-src"}}]
    answer = Client().post(
        "/csp-report/", json.dumps(body), content_type="application/reports+json"
    )
    assert answer.status_code == 204
    assert csp_reports_received() == before + 1


def test_a_report_too_large_or_unreadable_is_not_counted(settings):
    before = csp_reports_received()
    big = _report(**{"script-sample": "x" * settings.CSP_REPORT_MAX_BYTES})
    client = Client()
    assert (
        client.post("/csp-report/", json.dumps(big), content_type="application/json").status_code
        == 413
    )
    assert client.post("/csp-report/", "{[", content_type="application/json").status_code == 204
    assert client.post(
        "/csp-report/", "[" * 100_000, content_type="application/json"
    ).status_code in (204, 413)
    assert client.get("/csp-report/").status_code == 405
    assert csp_reports_received() == before


# The deployment check


@pytest.mark.parametrize(
    "broken",
    [
        {"MIDDLEWARE": [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]},
        {"CONTENT_SECURITY_POLICY": {}},
        {
            "CONTENT_SECURITY_POLICY": {
                "DIRECTIVES": {
                    "default-src": ["'self'"],
                    "script-src": ["'self'", "'unsafe-inline'"],
                }
            }
        },
    ],
)
def test_the_deployment_check_fails_without_a_strict_policy(broken):
    from django.core.checks import run_checks
    from django.test import override_settings

    assert not [e for e in run_checks(include_deployment_checks=True) if e.id == "socialcrm.E002"]
    with override_settings(**broken):
        errors = run_checks(include_deployment_checks=True)
    assert {e.id for e in errors} & {"socialcrm.E002"}
