"""Our own deployment checks, run by ``manage.py check --deploy`` next to Django's.

Each answers an Error, so a deployment script that runs the check stops: mail that
would go to the process log, pages without a Content Security Policy, and a proxy in
front of the app without the number of hops the client address may be read from.
They read settings only.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

NON_DELIVERING_MAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "filebased", "locmem", "dummy")
}
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
UNSAFE_INLINE = "'unsafe-inline'"
UNSAFE_EVAL = "'unsafe-eval'"


@register(Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs):
    if settings.EMAIL_BACKEND not in NON_DELIVERING_MAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no mail leaves the server, and "
            "verification links end up in the process log.",
            hint="Leave EMAIL_BACKEND unset with DEBUG off and set EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS for the SMTP server.",
            id="socialcrm.E001",
        )
    ]


def _csp_problem() -> str | None:
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        return f"{CSP_MIDDLEWARE} is not in MIDDLEWARE: no page sends a Content-Security-Policy."
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    directives = (policy or {}).get("DIRECTIVES") or {}
    if not directives:
        return "CONTENT_SECURITY_POLICY is missing or has no DIRECTIVES: the policy is empty."
    scripts = directives.get("script-src", directives.get("default-src"))
    if not scripts:
        return "CONTENT_SECURITY_POLICY sets neither script-src nor default-src: any script runs."
    if UNSAFE_INLINE in scripts or UNSAFE_EVAL in scripts:
        return (
            "CONTENT_SECURITY_POLICY lets inline or evaluated scripts run "
            "('unsafe-inline' or 'unsafe-eval' in script-src)."
        )
    return None


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    problem = _csp_problem()
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Keep the project's CONTENT_SECURITY_POLICY (django-csp) and its middleware: "
            "scripts from our own origin or with the request's nonce only.",
            id="socialcrm.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs, **kwargs):
    behind_proxy = bool(
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        or getattr(settings, "USE_X_FORWARDED_HOST", False)
    )
    if settings.DEBUG or not behind_proxy or getattr(settings, "TRUSTED_PROXY_COUNT_SET", False):
        return []
    return [
        Error(
            "The app expects a reverse proxy (SECURE_PROXY_SSL_HEADER or USE_X_FORWARDED_HOST "
            "is set) but TRUSTED_PROXY_COUNT is not: throttles and the lockout would see the "
            "proxy's address for every client.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app "
            "(0 if clients connect directly).",
            id="socialcrm.E003",
        )
    ]
