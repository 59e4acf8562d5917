"""Which URLs the app accepts, stores and renders as links: ``http(s)://host/…`` only.

A URL typed by a person ends up as a link the DPO clicks. Any other scheme
(``javascript:``, ``data:``, ``vbscript:``…) runs in the reader's session, and
browsers forgive a lot while reading a scheme: ``JaVaScRiPt:``, `` javascript:``,
``java\\tscript:`` all run. So the check is strict and literal: the value starts
with ``http://`` or ``https://`` (any case), holds no whitespace, control or
invisible character and no backslash, names a host, and carries no credentials.
The same function guards the input (serializers, forms, imports) and the output
(the ``external_link`` template tag), so a row stored before these rules renders
as text.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

SCHEMES = ("http", "https")
# A value typed without a scheme ("linkedin.com/in/jane") is read as https.
ASSUMED_SCHEME = "https"
MAX_LENGTH = 2048
# API.md v2: a profile URL is on its network's own domain, or one of its sub-domains.
NETWORK_DOMAINS = {
    "linkedin": ("linkedin.com",),
    "x": ("x.com", "twitter.com"),
    "facebook": ("facebook.com", "fb.com"),
    "instagram": ("instagram.com",),
}

_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_url_validator = URLValidator(schemes=list(SCHEMES))

INVALID_MESSAGE = _("Give an address starting with http:// or https://.")
WRONG_NETWORK_MESSAGE = _("This is not an address on %(domains)s.")


def _has_hidden_characters(value: str) -> bool:
    # Whitespace, control, format (zero-width, bidi) and unassigned characters: each one
    # can split a scheme the way a browser reads it but this check would not.
    return any(unicodedata.category(ch)[0] in "CZ" for ch in value) or "\\" in value


def is_http_url(value) -> bool:
    """True for an absolute ``http://`` or ``https://`` URL naming a host, nothing else."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return False
    if _has_hidden_characters(value):
        return False
    scheme = value.split(":", 1)[0].lower()
    if scheme not in SCHEMES or not value[len(scheme) :].startswith("://"):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    # user:password@ before a host makes a link read as one site and lead to another.
    if not parts.hostname or "@" in parts.netloc:
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def host_of(value: str) -> str:
    return (urlsplit(value).hostname or "").lower().rstrip(".")


def is_on_network(value: str, network: str | None) -> bool:
    """True when ``value`` is on ``network``'s own domain; any host for another network."""
    domains = NETWORK_DOMAINS.get(network or "")
    if not domains:
        return True
    host = host_of(value)
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def with_assumed_scheme(value: str) -> str:
    """``value`` trimmed, with ``https://`` put in front when it was typed without a scheme."""
    value = (value or "").strip()
    if value and not _HAS_SCHEME.match(value) and not value.startswith("/"):
        return f"{ASSUMED_SCHEME}://{value}"
    return value


def validate_http_url(value) -> None:
    """Django validator: ``is_http_url`` or a ValidationError (code ``invalid_url``)."""
    if not is_http_url(value):
        raise ValidationError(INVALID_MESSAGE, code="invalid_url")


def validate_profile_url(value, *, network: str | None) -> None:
    """An http(s) URL, on the network's own domain when the network is a known one."""
    validate_http_url(value)
    if not is_on_network(value, network):
        raise ValidationError(
            WRONG_NETWORK_MESSAGE,
            code="wrong_network",
            params={"domains": ", ".join(NETWORK_DOMAINS[network])},
        )


def clean_profile_url(value: str, *, network: str | None = None) -> str:
    """What a form or service stores: the scheme assumed when missing, then validated."""
    value = with_assumed_scheme(value)
    validate_profile_url(value, network=network)
    return value
