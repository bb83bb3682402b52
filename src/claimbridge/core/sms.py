"""Text messages through a pluggable backend (`SMS_BACKEND`): the development backend writes to the log, the test
backend keeps an outbox; a real gateway is one class with a `send` method."""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from claimbridge.core.masking import mask_phone

logger = logging.getLogger("claimbridge.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Development: the message goes to the log (the phone number masked), where the developer reads the code."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", mask_phone(phone), text)


class MemorySmsBackend:
    """Tests: messages are kept in `outbox` as (phone, text)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def send_sms(phone: str, text: str) -> None:
    _backend(getattr(settings, "SMS_BACKEND", "claimbridge.core.sms.LogSmsBackend")).send(phone, text)
