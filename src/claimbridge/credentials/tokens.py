"""Signed adjuster credentials (R6): the token in a card's QR code, verifiable by the platform and offline.

A token is `CB1.<payload>.<signature>`: the payload is compact JSON (credential number, holder's masked name, company,
city, validity), both parts base64url without padding, the signature Ed25519 over `CB1.<payload>` by the
associations' key. Anyone with the associations' public key can tell a genuine token from a forged or altered one,
and whether it is in its validity period; only the platform knows whether it was revoked since. Pure: no Django.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "CB1"


@dataclass(frozen=True, slots=True)
class CredentialClaims:
    number: str  # e.g. LN-2026-000123
    holder: str  # masked: 张*
    company: str  # insurer code
    city: str  # issuing association's city code
    valid_from: str  # ISO dates, inclusive
    valid_until: str

    def status_on(self, day: date) -> str:
        """current, not_yet_valid or expired, from the dates alone (revocation is the platform's to know)."""
        if day < date.fromisoformat(self.valid_from):
            return "not_yet_valid"
        if day > date.fromisoformat(self.valid_until):
            return "expired"
        return "current"


class NotGenuine(ValueError):
    """Forged, altered, damaged or not a ClaimBridge credential at all."""


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: CredentialClaims, key: Ed25519PrivateKey) -> str:
    payload = _encode(json.dumps(asdict(claims), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())
    signed = f"{PREFIX}.{payload}"
    return f"{signed}.{_encode(key.sign(signed.encode('ascii')))}"


def verify(token: str, public_key: Ed25519PublicKey) -> CredentialClaims:
    """The claims of a genuine token; NotGenuine otherwise (never a partial answer)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise NotGenuine("not a ClaimBridge credential")
    try:
        public_key.verify(_decode(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
        data = json.loads(_decode(parts[1]))
        claims = CredentialClaims(**data)
        date.fromisoformat(claims.valid_from), date.fromisoformat(claims.valid_until)
    except (InvalidSignature, ValueError, TypeError, UnicodeError) as error:
        raise NotGenuine("the signature does not match") from error
    return claims


def key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The signing key from its 32-byte seed (how it is kept in the environment, base64-encoded)."""
    return Ed25519PrivateKey.from_private_bytes(seed)


def main(argv: list[str] | None = None) -> int:
    """Offline check, with nothing but the associations' public key:
    `python -m claimbridge.credentials.tokens TOKEN --public-key associations.pem [--on YYYY-MM-DD]`.
    Prints the claims and the status from the dates; exit 0 genuine and current, 1 otherwise."""
    import argparse
    from pathlib import Path

    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    parser = argparse.ArgumentParser(description="Check a ClaimBridge adjuster credential offline.")
    parser.add_argument("token")
    parser.add_argument("--public-key", required=True, type=Path)
    parser.add_argument("--on", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    key = load_pem_public_key(args.public_key.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        parser.error("the public key is not an Ed25519 key")
    try:
        claims = verify(args.token, key)
    except NotGenuine:
        print(json.dumps({"status": "not_genuine"}))
        return 1
    status = claims.status_on(args.on)
    print(json.dumps({"status": status, **asdict(claims)}, ensure_ascii=False))
    return 0 if status == "current" else 1


if __name__ == "__main__":
    raise SystemExit(main())
