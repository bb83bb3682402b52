"""Text messages through a pluggable backend (`SMS_BACKEND`): the development backend writes to the log, the test
backend keeps an outbox; a real gateway is one class with a `send` method."""

from __future__ import annotations

import json
import logging
import urllib.request
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


class HttpSmsBackend:
    """A text-message gateway over HTTP (what carriers' SMS platforms offer): `{"phone", "text"}` posted as JSON to
    SMS_GATEWAY_URL with the bearer SMS_GATEWAY_TOKEN; anything but a 2xx answer raises, so the caller knows the
    message was not accepted (the number is never logged unmasked)."""

    timeout_seconds = 5

    def send(self, phone: str, text: str) -> None:
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not url.startswith(("https://", "http://")):
            raise RuntimeError("SMS_GATEWAY_URL must be an http(s) URL for HttpSmsBackend")
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if token := getattr(settings, "SMS_GATEWAY_TOKEN", ""):
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - the operator's URL
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise RuntimeError(f"the SMS gateway answered {response.status} for {mask_phone(phone)}")


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def send_sms(phone: str, text: str) -> None:
    _backend(getattr(settings, "SMS_BACKEND", "claimbridge.core.sms.LogSmsBackend")).send(phone, text)
