"""Case events to insurers' systems (B9): an outbox row written in the same transaction as the change, delivered
by a background task, signed with HMAC-SHA256, retried with exponential back-off, every attempt logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.organisations.models import Insurer

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
TIMEOUT_SECONDS = 5


class WebhookEndpoint(models.Model):
    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("insurer"))
    url = models.URLField(_("URL"), max_length=400)
    secret = EncryptedTextField(_("signing secret"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        app_label = "cases"
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class OutboxMessage(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "cases"
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "cases"
        ordering = ["at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.message_id} {self.status_code or self.error}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the receiver recomputes it and rejects stale times."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def outbox_add(*, insurers: list[int], event_type: str, payload: dict[str, Any]) -> list[OutboxMessage]:
    """Call inside the transaction of the change: the message exists exactly when the change does."""
    from claimbridge.cases.reference import webhook_endpoints

    endpoints = webhook_endpoints()
    messages = [
        OutboxMessage(endpoint=endpoint, event_type=event_type, payload=payload)
        for insurer in insurers
        for endpoint in endpoints.get(insurer, [])
    ]
    OutboxMessage.objects.bulk_create(messages)
    if messages:
        from claimbridge.cases.tasks import deliver_webhooks

        transaction.on_commit(lambda: deliver_webhooks.enqueue())
    return messages


def deliver(message: OutboxMessage) -> bool:
    """One attempt; schedules the next with back-off (30 s, 60 s, 120 s, …) or gives up after MAX_ATTEMPTS."""
    body = json.dumps({"id": message.pk, "type": message.event_type, "data": message.payload}, ensure_ascii=False,
                      sort_keys=True, default=str).encode()  # fmt: skip
    timestamp = str(int(time.time()))
    request = urllib.request.Request(message.endpoint.url, data=body, method="POST", headers={  # noqa: S310 - URLs are entered by administrators
        "Content-Type": "application/json; charset=utf-8", "X-ClaimBridge-Event": message.event_type,
        "X-ClaimBridge-Delivery": str(message.pk), "X-ClaimBridge-Signature": signature(message.endpoint.secret, timestamp, body),
    })  # fmt: skip
    started = time.perf_counter()
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as failure:
        error = str(getattr(failure, "reason", failure))[:300]
    DeliveryAttempt.objects.create(message=message, status_code=status, error=error,
                                   duration_ms=int((time.perf_counter() - started) * 1000))  # fmt: skip
    message.attempts += 1
    if status is not None and 200 <= status < 300:
        message.delivered_at = timezone.now()
    elif message.attempts >= MAX_ATTEMPTS:
        message.given_up_at = timezone.now()
    else:
        message.next_attempt_at = timezone.now() + timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (message.attempts - 1))
    message.save(update_fields=["attempts", "delivered_at", "given_up_at", "next_attempt_at"])
    return message.delivered_at is not None


def deliver_due(limit: int = 200) -> int:
    """Deliver every message whose time has come, oldest first; returns how many were delivered."""
    due = OutboxMessage.objects.filter(
        delivered_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=timezone.now()
    )
    delivered = 0
    for message in due.select_related("endpoint")[:limit]:
        delivered += deliver(message)
    return delivered
