"""Encryption of personal data at rest, and blind indexes for looking encrypted values up (B8); the keys of the
case audit chain and of its signed checkpoints (decision 0012).

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256) under a MultiFernet, so keys rotate: the first key
encrypts, every key decrypts. A blind index is an HMAC of the normalised value under a separate derived key, which
lets the database find "the user with this phone number" without ever holding the number in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from claimbridge.core.hashchain import key_id

AUDIT_KEY_MIN_LENGTH = 32


def _derived_key(purpose: str) -> bytes:
    return hashlib.sha256(f"claimbridge:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def development_key(purpose: str) -> bytes:
    """A key derived from SECRET_KEY for a purpose that has no configured key (development and tests only)."""
    return _derived_key(purpose)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derived_key("field-encryption")))])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """A stable keyed hash of a normalised value, for equality lookups of encrypted data."""
    key = _derived_key(f"blind-index:{purpose}")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


ID_NUMBER_PURPOSE = "id_number"  # the one purpose of resident ID numbers: the register, fraud clues, police records


def id_number_blind_index(number: str) -> str:
    """A resident ID number as the platform's one blind index of it (spaces dropped, the check letter upper case), so
    that the same person meets across apps."""
    return blind_index("".join(number.split()).upper(), purpose=ID_NUMBER_PURPOSE)


def name_blind_index(name: str) -> str:
    """A person's name as a blind index: full-width forms folded and spaces dropped, so that "张 三" and "张三" meet
    (the whole name only: a blind index answers equality, never a part)."""
    import unicodedata

    folded = "".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return blind_index(folded, purpose="person-name") if folded else ""


@lru_cache(maxsize=4)
def _audit_keys(keys: tuple[str, ...], secret_key: str) -> dict[str, bytes]:
    if any(len(key) < AUDIT_KEY_MIN_LENGTH for key in keys):
        raise ImproperlyConfigured(f"every AUDIT_CHAIN_KEYS key must have at least {AUDIT_KEY_MIN_LENGTH} characters")
    material = [key.encode() for key in keys] or [_derived_key("audit-chain")]
    found: dict[str, bytes] = {}
    for key in material:
        found.setdefault(key_id(key), key)
    return found


def audit_chain_keys() -> dict[str, bytes]:
    """Key id → key of the case audit chain, newest first: `AUDIT_CHAIN_KEYS` (comma-separated), else one derived from
    SECRET_KEY. The first links new events; every one still verifies the events it linked."""
    return _audit_keys(tuple(settings.AUDIT_CHAIN_KEYS), settings.SECRET_KEY)


def audit_chain_key() -> tuple[str, bytes]:
    """The key that links new events, with its id."""
    return next(iter(audit_chain_keys().items()))


@lru_cache(maxsize=4)
def _checkpoint_key(configured: str, secret_key: str) -> Ed25519PrivateKey:
    if configured:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"claimbridge audit checkpoints").derive(
        secret_key.encode()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def audit_checkpoint_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs audit checkpoints: `AUDIT_CHECKPOINT_KEY` (base64 of a 32-byte seed), else derived
    from SECRET_KEY. Only the machine that makes checkpoints needs it; checking one needs only its public key."""
    return _checkpoint_key(settings.AUDIT_CHECKPOINT_KEY, settings.SECRET_KEY)
