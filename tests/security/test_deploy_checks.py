"""``manage.py check --deploy`` stops a deployment that would leak or expose.

The attack each check prevents: verification links printed to a log anyone with log
access reads (console mail), a stored script that runs because no CSP is sent, and
every client sharing one address behind an undeclared proxy (one attacker locks out
the whole office; throttles count the proxy, not the client).
"""

import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tests.socialcrm.test_settings import PRODUCTION_KEYS, ROOT

CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
A_STRICT_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'"]}}


def deploy_errors() -> set[str]:
    return {
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id and message.id.startswith("socialcrm.")
    }


@pytest.fixture
def well_configured(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, CSP_MIDDLEWARE]
    settings.CONTENT_SECURITY_POLICY = A_STRICT_POLICY
    settings.DEBUG = False
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_COUNT_SET = True
    return settings


def test_a_well_configured_deployment_passes_our_checks(well_configured):
    assert deploy_errors() == set()


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_a_mail_backend_that_delivers_nothing_fails_the_check(well_configured, backend):
    with override_settings(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend"):
        assert deploy_errors() == {"socialcrm.E001"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"MIDDLEWARE": "without"}, id="no CSP middleware"),
        pytest.param({"CONTENT_SECURITY_POLICY": None}, id="no policy"),
        pytest.param({"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {}}}, id="empty policy"),
        pytest.param(
            {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"img-src": ["'self'"]}}},
            id="no script-src nor default-src",
        ),
        pytest.param(
            {
                "CONTENT_SECURITY_POLICY": {
                    "DIRECTIVES": {
                        "default-src": ["'self'"],
                        "script-src": ["'self'", "'unsafe-inline'"],
                    }
                }
            },
            id="inline scripts allowed",
        ),
        pytest.param(
            {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"default-src": ["'unsafe-inline'"]}}},
            id="inline allowed through default-src",
        ),
    ],
)
def test_a_missing_or_weak_content_security_policy_fails_the_check(well_configured, change):
    if change.get("MIDDLEWARE") == "without":
        change = {"MIDDLEWARE": [m for m in well_configured.MIDDLEWARE if m != CSP_MIDDLEWARE]}
    with override_settings(**change):
        assert deploy_errors() == {"socialcrm.E002"}


@pytest.mark.parametrize(
    "proxy",
    [
        {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")},
        {"SECURE_PROXY_SSL_HEADER": None, "USE_X_FORWARDED_HOST": True},
    ],
)
def test_a_proxy_without_trusted_proxy_count_fails_the_check(well_configured, proxy):
    with override_settings(**proxy, TRUSTED_PROXY_COUNT=0, TRUSTED_PROXY_COUNT_SET=False):
        assert deploy_errors() == {"socialcrm.E003"}


def test_an_explicit_zero_proxy_count_or_no_proxy_passes(well_configured):
    with override_settings(TRUSTED_PROXY_COUNT=0, TRUSTED_PROXY_COUNT_SET=True):
        assert deploy_errors() == set()
    with override_settings(
        SECURE_PROXY_SSL_HEADER=None, USE_X_FORWARDED_HOST=False, TRUSTED_PROXY_COUNT_SET=False
    ):
        assert deploy_errors() == set()


# Before any check runs: the production process itself refuses to start.

_SET_HERE = {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DEBUG", "SOCIALCRM_TESTING"}


def start(env_overrides: dict, tmp_path, code: str = "import django; django.setup()"):
    """A fresh process reading the settings with this environment (mail variables included)."""
    env = {k: v for k, v in os.environ.items() if k not in _SET_HERE and not k.startswith("EMAIL_")}
    env.update(
        SOCIALCRM_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="socialcrm.settings",
        **env_overrides,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_production_refuses_to_start_with_a_mail_backend_that_delivers_nothing(tmp_path, backend):
    result = start(
        {
            **PRODUCTION_KEYS,
            "DEBUG": "0",
            "EMAIL_BACKEND": f"django.core.mail.backends.{backend}.EmailBackend",
        },
        tmp_path,
    )

    assert result.returncode != 0
    assert f"EMAIL_BACKEND is the {backend} backend, which sends no mail" in result.stderr


def test_production_sends_mail_over_smtp_from_the_environment(tmp_path):
    smtp = {
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "crm",
        "EMAIL_HOST_PASSWORD": "app-password",
        "EMAIL_USE_TLS": "1",
        "EMAIL_TIMEOUT": "7",
    }
    env = {**PRODUCTION_KEYS, "DEBUG": "0", **smtp}
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)"
    )
    result = start(env, tmp_path, code=code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        "587",
        "crm",
        "True",
        "False",
        "7",
    ]


def test_tls_and_ssl_together_are_refused(tmp_path):
    result = start(
        {**PRODUCTION_KEYS, "DEBUG": "0", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, tmp_path
    )

    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other" in result.stderr


def test_development_still_prints_mail_to_the_console(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    result = start({"DEBUG": "1"}, tmp_path, code=code)

    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
