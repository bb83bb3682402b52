"""The short-lived grant for "my data" (decision 0030): a mobile proved with a text-message code opens the person's
copy for GRANT_LIFETIME in this browser session only — a fresh proof, not the longer-lived proof of 我的案件, because
the copy holds every record at once. A signed-in account is its own person (an adjuster's register, their account)."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from claimbridge.core.errors import AppError
from claimbridge.core.phone_verification import challenge_verify, normalise_mobile
from claimbridge.subjects.selectors import Subject

GRANT_LIFETIME_SECONDS = 15 * 60
SESSION_KEY = "subjects_grant"


def grant_phone(request: HttpRequest) -> str:
    """The mobile the session was granted "my data" for, while the grant lasts ("" otherwise)."""
    grant: Any = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(grant, dict) or float(grant.get("until", 0)) < time.time():
        return ""
    return str(grant.get("phone", ""))


def grant_give(request: HttpRequest, *, phone: str, sms_code: str) -> str:
    """Check the code sent to the mobile (core.phone_verification: the same codes and limits) and grant the session."""
    phone = normalise_mobile(phone)
    if not _code_waiting(phone):
        # core.phone_verification says "expired" for a code never asked for (its callers share that word); here the
        # person pressed 继续 first: they are told to ask for a code
        raise AppError("code_not_sent", "请先点击“发送验证码”获取验证码，再填写并继续",
                       "Ask for a code first (Send me a code), then enter it and continue", status=422,
                       field="sms_code")  # fmt: skip
    challenge_verify(phone, sms_code)
    request.session[SESSION_KEY] = {"phone": phone, "until": time.time() + GRANT_LIFETIME_SECONDS}
    return phone


def _code_waiting(phone: str) -> bool:
    """A code was sent to the mobile and not used yet (expired or not: an expired one is core's own message)."""
    from claimbridge.core.crypto import blind_index
    from claimbridge.core.phone_verification import PhoneChallenge

    return PhoneChallenge.objects.filter(phone_index=blind_index(phone, purpose="phone"),
                                         verified_at__isnull=True).exists()  # fmt: skip


def grant_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def subject_of(request: HttpRequest) -> Subject:
    """Whom this request speaks for: the granted mobile first, else the signed-in account, else nobody."""
    phone = grant_phone(request)
    if phone:
        return Subject(phone=phone)
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return Subject(user=user)
    return Subject()
