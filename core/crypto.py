"""Encryption of personal data at rest, and blind indexes to find it again.

Values are sealed with AES-256-GCM. A sealed token reads
``v1$<key id>$<nonce>$<ciphertext>`` (base64url parts), so the key is chosen by
its id (no trial decryption) and rotation can find what an old key still holds.
The associated data binds a value to its table, column and row: a ciphertext
copied to another row or column no longer opens. Every failure raises
``DecryptionError``; nothing here ever hands back ciphertext or ``None`` in
place of a value.

Blind indexes are HMAC-SHA256 of the normalised identifier, with one key per
identifier type derived from ``BLIND_INDEX_KEY`` (HKDF), so an e-mail index
cannot be compared with a phone index.
"""

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core import identifiers

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_NONCE_BYTES = 12


class KeyConfigurationError(ValueError):
    """The key material in the settings cannot be used."""


class DecryptionError(Exception):
    """A sealed value could not be opened: unknown key, tampering, or a moved value."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_key(text: str, *, name: str) -> bytes:
    try:
        raw = _b64d(text.strip())
    except (ValueError, TypeError):
        raise KeyConfigurationError(f"{name}: key is not base64") from None
    if len(raw) != 32:
        raise KeyConfigurationError(f"{name}: key must be 32 bytes (256 bits), got {len(raw)}")
    return raw


def parse_keyring(spec: str) -> Keyring:
    """Read ``FIELD_ENCRYPTION_KEYS``: ``id:base64key,id:base64key``; the first encrypts."""
    entries = [entry.strip() for entry in (spec or "").split(",") if entry.strip()]
    if not entries:
        raise KeyConfigurationError("FIELD_ENCRYPTION_KEYS is empty")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, material = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeyConfigurationError(
                "FIELD_ENCRYPTION_KEYS entries look like 'keyid:base64key' "
                "(key id: letters, digits, - or _)"
            )
        if key_id in keys:
            raise KeyConfigurationError(f"FIELD_ENCRYPTION_KEYS names key id {key_id!r} twice")
        keys[key_id] = decode_key(material, name=f"FIELD_ENCRYPTION_KEYS[{key_id}]")
    return Keyring(current_id=entries[0].partition(":")[0], keys=keys)


def new_key() -> str:
    return _b64e(os.urandom(32))


@lru_cache(maxsize=4)
def _keyring_for(spec: str) -> Keyring:
    return parse_keyring(spec)


def active_keyring() -> Keyring:
    from django.conf import settings

    return _keyring_for(settings.FIELD_ENCRYPTION_KEYS)


@lru_cache(maxsize=8)
def _aead(key: bytes) -> AESGCM:
    # Building the cipher object costs as much as one encryption; imports seal millions.
    return AESGCM(key)


def seal(plaintext: str, *, aad: bytes, keyring: Keyring | None = None) -> str:
    ring = keyring or active_keyring()
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = _aead(ring.keys[ring.current_id]).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{TOKEN_VERSION}${ring.current_id}${_b64e(nonce)}${_b64e(ciphertext)}"


def key_id_of(token: str) -> str:
    parts = token.split("$")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION:
        raise DecryptionError("not a sealed value")
    return parts[1]


def unseal(token: str, *, aad: bytes, keyring: Keyring | None = None) -> str:
    ring = keyring or active_keyring()
    key_id = key_id_of(token)
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    _, _, nonce_text, ciphertext_text = token.split("$")
    try:
        plaintext = _aead(key).decrypt(_b64d(nonce_text), _b64d(ciphertext_text), aad)
    except (InvalidTag, ValueError):
        raise DecryptionError("sealed value failed authentication") from None
    return plaintext.decode("utf-8")


@lru_cache(maxsize=16)
def derived_key(master_text: str, purpose: str) -> bytes:
    """A key of its own for ``purpose``, derived from ``BLIND_INDEX_KEY`` (HKDF): a value
    made under one purpose can never be compared with, or stand in for, another's."""
    master = decode_key(master_text, name="BLIND_INDEX_KEY")
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"socialcrm {purpose}".encode()
    ).derive(master)


@lru_cache(maxsize=16)
def _index_key(master_text: str, identifier_type: str) -> bytes:
    master = decode_key(master_text, name="BLIND_INDEX_KEY")
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"socialcrm blind index {identifier_type}".encode(),
    ).derive(master)


def blind_index_of_normalised(identifier_type: str, normalised: str) -> str:
    from django.conf import settings

    key = _index_key(settings.BLIND_INDEX_KEY, identifier_type)
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def blind_index(identifier_type: str, value: str) -> str:
    """Index of ``value`` after normalisation; ``ValueError`` when it cannot be read."""
    return blind_index_of_normalised(identifier_type, identifiers.normalise(identifier_type, value))
