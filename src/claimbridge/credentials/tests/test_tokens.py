"""Credential tokens (R6): genuine ones verify offline with the public key; forged, altered or foreign ones do not."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from claimbridge.credentials.tokens import CredentialClaims, NotGenuine, key_from_seed, sign, verify

CLAIMS = CredentialClaims("LN-2026-000123", "张*", "tianlong", "621200", "2026-01-01", "2028-12-31")
KEY = key_from_seed(bytes(range(32)))


def test_r6_a_genuine_token_verifies_with_the_public_key_alone():
    token = sign(CLAIMS, KEY)
    assert token.startswith("CB1.")
    assert verify(token, KEY.public_key()) == CLAIMS


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature altered
        lambda t: t.replace(t.split(".")[1], t.split(".")[1][::-1]),  # payload altered
        lambda t: "CB2" + t[3:],  # another format
        lambda t: t.split(".")[0] + "." + t.split(".")[1],  # signature missing
        lambda t: "hello",
        lambda t: "",
    ],
)
def test_r6_an_altered_or_made_up_token_is_not_genuine(tamper):
    with pytest.raises(NotGenuine):
        verify(tamper(sign(CLAIMS, KEY)), KEY.public_key())


def test_r6_a_token_signed_with_another_key_is_not_genuine():
    forged = sign(CLAIMS, Ed25519PrivateKey.generate())
    with pytest.raises(NotGenuine):
        verify(forged, KEY.public_key())


def test_r6_a_forger_cannot_change_the_holder_and_keep_the_signature():
    genuine = sign(CLAIMS, KEY)
    other = sign(CredentialClaims("LN-2026-000123", "李*", "tianlong", "621200", "2026-01-01", "2028-12-31"), KEY)
    spliced = ".".join([*other.split(".")[:2], genuine.split(".")[2]])
    with pytest.raises(NotGenuine):
        verify(spliced, KEY.public_key())


@pytest.mark.parametrize(
    ("day", "status"),
    [(date(2025, 12, 31), "not_yet_valid"), (date(2026, 1, 1), "current"), (date(2028, 12, 31), "current"),
     (date(2029, 1, 1), "expired")],
)  # fmt: skip
def test_validity_is_read_from_the_dates_inclusively(day, status):
    assert CLAIMS.status_on(day) == status


def test_the_token_module_is_framework_free():
    """Usable offline by anyone holding the public key: it imports nothing of Django."""
    import ast
    from pathlib import Path

    import claimbridge.credentials.tokens as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("django") for name in imported)


def test_r6_the_offline_check_needs_only_the_public_key_file(tmp_path, capsys):
    import json

    from cryptography.hazmat.primitives import serialization

    from claimbridge.credentials.tokens import main

    pem = tmp_path / "associations.pem"
    pem.write_bytes(
        KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    token = sign(CLAIMS, KEY)
    assert main([token, "--public-key", str(pem), "--on", "2027-06-01"]) == 0
    assert json.loads(capsys.readouterr().out)["holder"] == "张*"
    assert main([token, "--public-key", str(pem), "--on", "2029-06-01"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "expired"
    assert main([token[:-2] + "xx", "--public-key", str(pem)]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "not_genuine"
