"""Case events to insurers' systems (B9): outbox rows are written with the change (`record.outbox_enqueue`, each
cut to its receiver), then delivered here by a background task or `claimbridge deliver_webhooks --loop`, signed with
HMAC-SHA256, retried with exponential back-off, every attempt logged; a message is sent by one worker at a time."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claimbridge.cases.models import DeliveryAttempt, OutboxMessage, WebhookEndpoint

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 5


def first_retry_seconds() -> float:
    """The first retry's wait (then doubled each time): WEBHOOK_FIRST_RETRY_SECONDS, 30 by default."""
    return float(getattr(settings, "WEBHOOK_FIRST_RETRY_SECONDS", 30))


def lease_seconds() -> float:
    """How long a worker holds the messages it took (WEBHOOK_LEASE_SECONDS, 120 by default): longer than one attempt
    can take (TIMEOUT_SECONDS) times a batch's worth of slow receivers; a killed worker's messages come due after it."""
    return float(getattr(settings, "WEBHOOK_LEASE_SECONDS", 120))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the receiver recomputes it and rejects stale times."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


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
        message.next_attempt_at = timezone.now() + timedelta(
            seconds=first_retry_seconds() * 2 ** (message.attempts - 1)
        )
    message.save(update_fields=["attempts", "delivered_at", "given_up_at", "next_attempt_at"])
    return message.delivered_at is not None


def messages_claim(limit: int = 200) -> list[OutboxMessage]:
    """Take the due messages for this worker, oldest first: each row is locked (others skip it) and leased — its next
    attempt moved past the lease — in one short transaction, so no other worker, the on-commit task or
    `deliver_webhooks --loop`, sends it meanwhile. Should this worker die, the message comes due again after the lease."""
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(delivered_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")[:limit]
        )
        if due:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(
                next_attempt_at=timezone.now() + timedelta(seconds=lease_seconds())
            )
    return due


def deliver_due(limit: int = 200) -> int:
    """Deliver every message whose time has come, each by one worker only; returns how many were delivered."""
    claimed = messages_claim(limit)
    endpoints = {
        endpoint.pk: endpoint for endpoint in WebhookEndpoint.objects.filter(pk__in={m.endpoint_id for m in claimed})
    }
    delivered = 0
    for message in claimed:
        message.endpoint = endpoints[message.endpoint_id]
        delivered += deliver(message)
    return delivered
