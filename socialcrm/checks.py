"""Deployment checks of our own (``manage.py check --deploy``): what must hold in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register

CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    """The CSP is what keeps a stored script from running: refuse to deploy without it."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    script_src = (policy.get("DIRECTIVES") or {}).get("script-src") or []
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE or not script_src:
        return [
            Error(
                "No Content-Security-Policy: add csp.middleware.CSPMiddleware to MIDDLEWARE "
                "and a script-src to CONTENT_SECURITY_POLICY.",
                id="socialcrm.E101",
            )
        ]
    if "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        return [
            Error(
                "CONTENT_SECURITY_POLICY's script-src allows 'unsafe-inline' or 'unsafe-eval'.",
                id="socialcrm.E102",
            )
        ]
    return []
