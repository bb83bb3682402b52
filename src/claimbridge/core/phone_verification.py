"""One-time codes to a mobile number (B1): a driver proves the phone is theirs before starting or joining a case.

Codes are six digits, valid ten minutes, tried at most five times, sent at most five times an hour per number;
only a keyed hash of the code and a blind index of the number are stored.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError
from claimbridge.core.sms import send_sms

T = TypeVar("T")

CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
MAX_SENDS_PER_HOUR = 5
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class PhoneChallenge(models.Model):
    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    tries = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("phone check")
        verbose_name_plural = _("phone checks")

    def __str__(self) -> str:
        return f"{self.phone_index[:8]} {self.created_at:%Y-%m-%d %H:%M}"


def _refused(code: str, message: Any, status: int = 422, field: str = "phone") -> AppError:
    """A phone check refused: the one bilingual error type (core.errors)."""
    return AppError.translated(code, message, status=status, field=field)


def normalise_mobile(phone: str) -> str:
    digits = re.sub(r"[\s\-]", "", phone).removeprefix("+86")
    if not _MOBILE.match(digits):
        raise _refused("bad_phone", _("Enter an 11-digit mainland mobile number."))
    return digits


def _code_hash(phone: str, code: str) -> str:
    return blind_index(f"{phone}:{code}", purpose="phone-code")


def challenge_send(phone: str) -> PhoneChallenge:
    phone = normalise_mobile(phone)
    index = blind_index(phone, purpose="phone")
    recent = PhoneChallenge.objects.filter(
        phone_index=index, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= MAX_SENDS_PER_HOUR:
        raise _refused("too_many_codes", _("Too many codes for this number: try again in an hour."), status=429)
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = PhoneChallenge.objects.create(phone_index=index, code_hash=_code_hash(phone, code))
    send_sms(phone, f"【理赔桥】验证码 {code}，10 分钟内有效。请勿告诉他人。")
    return challenge


def challenge_verify(phone: str, code: str, *, then: Callable[[], T] | None = None) -> T | None:
    """Raises AppError unless `code` is the latest unexpired, unused code sent to `phone`. `then` (what the code is
    for) runs in the same transaction when the code is right: if it fails, or the database goes away before the
    commit, the code is not spent and the retry can use it (issue 19); a wrong code's try is counted all the same."""
    phone = normalise_mobile(phone)
    result: T | None = None
    with transaction.atomic():
        challenge = (
            PhoneChallenge.objects.select_for_update()
            .filter(phone_index=blind_index(phone, purpose="phone"), verified_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if challenge is None or challenge.created_at < timezone.now() - CODE_LIFETIME:
            raise _refused("code_expired", _("The code has expired: ask for a new one."), field="sms_code")
        if challenge.tries >= MAX_TRIES:
            raise _refused("too_many_tries", _("Too many wrong codes: ask for a new one."), field="sms_code")
        challenge.tries += 1
        right = hmac.compare_digest(challenge.code_hash, _code_hash(phone, code.strip()))
        if right:
            challenge.verified_at = timezone.now()
        challenge.save(update_fields=["tries", "verified_at"])  # a wrong try is counted: it must commit
        if right and then is not None:
            result = then()
    if not right:
        raise _refused("wrong_code", _("That code is not right."), field="sms_code")
    return result
