"""/api/v1/credentials/…: the public check of a credential token and the associations' public key (R6)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from claimbridge.credentials import keys, services

router = Router(tags=["credentials"])


@router.get("/verify", summary="What a credential token says: genuine and current, revoked, expired or not genuine")
def verify(request: HttpRequest, token: str) -> dict[str, Any]:
    result = services.credential_verify(token[:2000])
    claims = result.claims
    return {
        "status": result.status,
        "credential": None if claims is None or result.status == "not_genuine" else
        {"number": claims.number, "holder": claims.holder, "company": claims.company, "city": claims.city,
         "valid_from": claims.valid_from, "valid_until": claims.valid_until},
    }  # fmt: skip


@router.get("/public-key", summary="The associations' Ed25519 public key (PEM), for checking cards offline")
def public_key(request: HttpRequest) -> dict[str, str]:
    return {"algorithm": "Ed25519", "pem": keys.public_key_pem()}
