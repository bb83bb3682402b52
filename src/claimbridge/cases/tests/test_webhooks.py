"""Case events reach insurers' systems (B9): written with the change, signed, retried with back-off, logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from claimbridge.cases.tests.test_cases import wudu_case
from claimbridge.cases.webhooks import MAX_ATTEMPTS, DeliveryAttempt, OutboxMessage, WebhookEndpoint, deliver_due
from claimbridge.organisations.models import Insurer

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[Any, bytes]] = []  # (headers, looked up without regard to case; body)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/claimbridge"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture(autouse=True)
def no_background_delivery(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: None)


def endpoint_for(code: str, url: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(insurer=Insurer.objects.get(code=code), url=url, secret="s3cret-for-" + code)


def test_events_are_delivered_signed_to_the_insurers_of_the_case(users, receiver):
    endpoint_for("tianlong", receiver.url)
    endpoint_for("bailong", receiver.url)  # not in the case: gets nothing
    case = wudu_case(users["tianlong_adj1"])
    assert OutboxMessage.objects.filter(endpoint__insurer__code="bailong").count() == 0
    pending = OutboxMessage.objects.filter(endpoint__insurer__code="tianlong").count()
    assert pending >= 1
    assert deliver_due() == pending
    headers, body = receiver.received[0]
    timestamp, digest = (part.split("=", 1)[1] for part in headers["X-ClaimBridge-Signature"].split(","))
    expected = hmac.new(b"s3cret-for-tianlong", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(digest, expected)
    assert json.loads(body)["data"]["case"] == case.number
    assert deliver_due() == 0  # delivered once


def test_a_failing_receiver_is_retried_with_back_off_and_logged(users, receiver):
    receiver.status = 503
    endpoint_for("tianlong", receiver.url)
    wudu_case(users["tianlong_adj1"])
    message = OutboxMessage.objects.filter(endpoint__insurer__code="tianlong").first()
    deliver_due()
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.delivered_at is None
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert DeliveryAttempt.objects.get(message=message).status_code == 503
    assert deliver_due() == 0  # not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        deliver_due()
    message.refresh_from_db()
    assert message.given_up_at is not None
    assert message.attempts == MAX_ATTEMPTS


def test_an_unreachable_receiver_is_an_attempt_with_the_reason(users):
    endpoint_for("tianlong", "http://127.0.0.1:9/nowhere")
    wudu_case(users["tianlong_adj1"])
    deliver_due()
    attempt = DeliveryAttempt.objects.first()
    assert attempt.status_code is None
    assert attempt.error
