"""Normalisation of the identifiers a person can be found by.

The same person must give the same blind index whether a rep typed
" Jane.Doe@Example.com", a DSAR form said "jane.doe@example.com", or a LinkedIn
export held "https://fr.linkedin.com/in/Jane-Doe/". Every function raises
``ValueError`` with a short, user-facing reason when the value cannot be read.
"""

from urllib.parse import unquote, urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

IDENTIFIER_TYPES = ("email", "phone", "profile_url")
DEFAULT_PHONE_REGION = "FR"

# Mobile and regional sub-domains that serve the same profile as the bare domain.
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_COUNTRY_SUBDOMAIN_HOSTS = ("linkedin.com",)


def normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(_("not a valid e-mail address")) from None
    return email


def normalise_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("not a valid phone number")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("not a valid phone number"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_profile_url(value: str) -> str:
    raw = (value or "").strip()
    if not raw:
        raise ValueError(_("not a valid profile URL"))
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in {"http", "https"} or "." not in host:
        raise ValueError(_("not a valid profile URL"))
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    for domain in _COUNTRY_SUBDOMAIN_HOSTS:
        if host.endswith("." + domain):
            host = domain
    path = unquote(parts.path).rstrip("/").lower()
    if not path:
        raise ValueError(_("a profile URL needs a path to the profile"))
    return f"https://{host}{path}"


NORMALISERS = {
    "email": normalise_email,
    "phone": normalise_phone,
    "profile_url": normalise_profile_url,
}


def normalise(identifier_type: str, value: str) -> str:
    try:
        normaliser = NORMALISERS[identifier_type]
    except KeyError:
        raise ValueError(f"unknown identifier type {identifier_type!r}") from None
    return normaliser(value)
