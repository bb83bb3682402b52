"""The associations' Ed25519 key: from CREDENTIAL_SIGNING_KEY (base64 of a 32-byte seed), else derived from
SECRET_KEY (development and tests; production sets its own so that the key outlives a SECRET_KEY rotation)."""

from __future__ import annotations

import base64
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from claimbridge.credentials.tokens import key_from_seed


@cache
def _key(configured: str, secret: str) -> Ed25519PrivateKey:
    if configured:
        return key_from_seed(base64.b64decode(configured))
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"claimbridge credentials").derive(
        secret.encode()
    )
    return key_from_seed(seed)


def signing_key() -> Ed25519PrivateKey:
    return _key(settings.CREDENTIAL_SIGNING_KEY, settings.SECRET_KEY)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_pem() -> str:
    """Published for offline checks."""
    return (
        public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    )
