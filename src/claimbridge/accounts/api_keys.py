"""API keys for insurers' systems (B9): issued to a user, acting with that user's role and scope, revocable.

A key is `cb_<prefix>_<secret>`; the database keeps the prefix and a SHA-256 of the whole key. Each server process
remembers a verified key for KEY_CACHE_SECONDS, so a revocation takes effect within that time everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from claimbridge.accounts.models import ApiKey, User

KEY_CACHE_SECONDS = 30
_verified: dict[str, tuple[float, Any]] = {}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_key_create(*, user: User, name: str) -> tuple[ApiKey, str]:
    """The new key and its token; the token is shown once and cannot be recovered."""
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        token = f"cb_{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey.objects.create(user=user, name=name[:80], prefix=prefix, secret_hash=_digest(token))
    return key, token


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _verified.clear()


def user_for_token(token: str) -> User | None:
    digest = _digest(token)
    remembered = _verified.get(digest)
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "cb":
        return None
    key = (ApiKey.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True, user__is_active=True)
           .first())  # fmt: skip
    if key is None or not hmac.compare_digest(key.secret_hash, digest):
        return None
    if len(_verified) > 10_000:
        _verified.clear()
    _verified[digest] = (time.monotonic() + KEY_CACHE_SECONDS, key.user)
    return key.user


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


# Every signed-in API route: an insurer's system with its key, or a person with their browser session.
API_AUTH = [ApiKeyAuth(), django_auth]
