"""Personal one-click objection links (RULES 15, API.md v2: ``/o/{token}/``).

A token is 18 bytes in base64url (24 characters, short enough for a connection note):
a 12-byte tag of the (prospect, channel) pair and the first 6 bytes of the tag's HMAC,
each under a key of its own derived from ``BLIND_INDEX_KEY``. The tag is the same for
every message to the same person on the same channel, so every link they ever received
keeps working; without the key it cannot be computed from an id, and it says nothing
about the person, the channel or the company.

A forged, altered or cut token fails the HMAC before any database read. A real one is
found by the SHA-256 digest of its tag, the only thing stored (``ObjectionLink``).
"""

import base64
import hashlib
import hmac

from django.conf import settings

from consent.models import ObjectionLink
from core import crypto

PATH_PREFIX = "/o/"
_TAG_BYTES = 12
_MAC_BYTES = 6
TOKEN_LENGTH = 24  # base64url of 18 bytes, no padding needed


def _tag(prospect_id, channel: str) -> bytes:
    key = crypto.derived_key(settings.BLIND_INDEX_KEY, "objection link tag")
    message = f"{prospect_id}:{channel}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:_TAG_BYTES]


def _mac(tag: bytes) -> bytes:
    key = crypto.derived_key(settings.BLIND_INDEX_KEY, "objection link")
    return hmac.new(key, tag, hashlib.sha256).digest()[:_MAC_BYTES]


def _digest(tag: bytes) -> str:
    return hashlib.sha256(tag).hexdigest()


def _verified_tag(token) -> bytes | None:
    """The token's tag when its HMAC holds; None for anything forged, altered or cut."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    if len(raw) != _TAG_BYTES + _MAC_BYTES:
        return None
    tag, mac = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
    return tag if hmac.compare_digest(mac, _mac(tag)) else None


def token_for(*, prospect, channel: str, store: bool = True) -> str:
    """The token of (prospect, channel); its link row is stored the first time.

    ``store=False`` computes it without the database (the gate's check shows the text a
    message will carry): the same token, stored when the message is logged or sent.
    """
    tag = _tag(prospect.pk, channel)
    if store:
        ObjectionLink.objects.get_or_create(
            digest=_digest(tag), defaults={"prospect": prospect, "channel": channel}
        )
    return base64.urlsafe_b64encode(tag + _mac(tag)).decode("ascii")


def objection_url(*, prospect, channel: str, store: bool = True) -> str:
    """The absolute one-click URL for (prospect, channel): ``{SITE_URL}/o/{token}/``."""
    token = token_for(prospect=prospect, channel=channel, store=store)
    return f"{settings.SITE_URL}{PATH_PREFIX}{token}/"


def link_for(token) -> ObjectionLink | None:
    """The link a token opens, or None when it is forged, altered, cut or unknown."""
    tag = _verified_tag(token)
    if tag is None:
        return None
    return ObjectionLink.objects.select_related("prospect").filter(digest=_digest(tag)).first()
