"""Case events reach insurers' systems (B9): written with the change, each cut to what its receiver may see, signed,
retried with back-off, logged, and sent by one worker at a time (issue 12, finding 2)."""

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
from tests.factories import agreed_case, wudu_case

from claimbridge.cases.models import DeliveryAttempt, OutboxMessage, WebhookEndpoint
from claimbridge.cases.services.webhooks import MAX_ATTEMPTS, deliver_due, messages_claim
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


def test_issue_12_each_insurer_hears_only_what_it_may_see(users):
    """Finding 2: every insurer of a case got every event whole. Now 天陇 (B's insurer) sees its own party in full
    and A only by label and insurer, and never hears of 麦积's claim steps for A."""
    from claimbridge.cases.services import claims

    endpoint_for("tianlong", "http://127.0.0.1:9/tianlong")
    endpoint_for("maiji", "http://127.0.0.1:9/maiji")
    case = agreed_case()
    a = case.parties.get(label="A")
    handler = users["maiji_unit1"]
    claim = claims.claim_register(party=a, user=handler)
    claims.claim_assess(claim=claim, user=handler, losses={"B": "2500"})
    tianlong = list(OutboxMessage.objects.filter(endpoint__insurer__code="tianlong").order_by("pk"))
    maiji = list(OutboxMessage.objects.filter(endpoint__insurer__code="maiji").order_by("pk"))
    assert {m.event_type for m in maiji} >= {"case.claim_registered", "case.claim_assess"}
    assert not {m.event_type for m in tianlong} & {"case.claim_registered", "case.claim_assess"}
    everything = json.dumps([m.payload for m in tianlong], ensure_ascii=False)
    assert "甘K12345" in everything  # its own party's plate
    assert "甘E6789A" not in everything  # the other company's party: label and insurer only
    for message in tianlong:
        other = next(p for p in message.payload["parties"] if p["label"] == "A")
        assert set(other) == {"label", "insurer"}
    covers = {m.payload["data"]["party"]: m.payload["data"] for m in maiji if m.event_type == "case.party_cover_found"}
    assert "claims_unit" in covers["A"]  # its own party's routing
    assert "claims_unit" not in covers["B"]  # the other company's stays with it
    assessed = next(m for m in maiji if m.event_type == "case.claim_assess")
    assert assessed.payload["data"]["losses"] == {"B": "2500.00"}


def test_issue_12_every_event_kind_is_registered_and_documented():
    """Event types are a registry with their payload shape, documented for insurers in docs/webhooks.md."""
    from pathlib import Path

    from claimbridge.cases.events import EVENT_TYPES, event_type, webhooks_document

    with pytest.raises(ValueError, match="unregistered"):
        event_type("case_teleported", {})
    with pytest.raises(ValueError, match="undeclared"):
        event_type("claim_pay", {"party": "A", "iban": "x"})
    document = Path(__file__).resolve().parents[4] / "docs" / "webhooks.md"
    assert document.read_text() == webhooks_document(), "run: python -m claimbridge.cases.events > docs/webhooks.md"
    assert all(f"`case.{kind}`" in document.read_text() for kind in EVENT_TYPES)


def test_issue_12_a_claimed_message_is_not_sent_again_by_another_worker(users):
    """Finding 2: `deliver_due` took no lock and runs from both the on-commit task and `deliver_webhooks --loop`,
    so a message could be sent twice. A worker leases what it takes; another finds nothing due meanwhile."""
    endpoint_for("tianlong", "http://127.0.0.1:9/nowhere")
    wudu_case(users["tianlong_adj1"])
    first = messages_claim()
    assert first
    assert messages_claim() == []  # the second worker, while the first is still sending
    OutboxMessage.objects.filter(pk__in=[m.pk for m in first]).update(next_attempt_at=timezone.now())
    assert len(messages_claim()) == len(first)  # the lease expired (a worker died): due again


def test_the_delivery_loop_outlives_a_database_restart(monkeypatch):
    """Issue 19 (B8, B9): the rehearsal restarted PostgreSQL and `deliver_webhooks --loop` died with it, so nothing
    was delivered after. A round that fails on the database is logged and the next round runs."""
    from django.core.management import call_command
    from django.db import OperationalError

    from claimbridge.cases.management.commands import deliver_webhooks as command

    rounds: list[str] = []

    def deliver() -> int:
        rounds.append("round")
        if len(rounds) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return 0

    class Stop(Exception):
        pass

    def sleep(seconds: float) -> None:
        if len(rounds) >= 3:
            raise Stop

    monkeypatch.setattr(command, "deliver_due", deliver)
    monkeypatch.setattr(command, "notices_send_stale", lambda: {"sent": 0, "failed": 0})
    monkeypatch.setattr(command.time, "sleep", sleep)
    closed: list[str] = []  # the real close_all would close the test's own transaction's connection on PostgreSQL
    monkeypatch.setattr(
        command, "connections", type("Connections", (), {"close_all": lambda self: closed.append("x")})()
    )
    with pytest.raises(Stop):
        call_command("deliver_webhooks", "--loop", "--every", "0")
    assert len(rounds) == 3
    assert closed == ["x"]  # the broken connection was dropped once, after the failed round


def test_the_retry_wait_and_the_lease_are_settings(settings):
    """Issue 19: the rehearsal shortens the first retry and the lease; production keeps 30 s and 120 s."""
    from claimbridge.cases.services import webhooks

    assert (webhooks.first_retry_seconds(), webhooks.lease_seconds()) == (30, 120)
    settings.WEBHOOK_FIRST_RETRY_SECONDS, settings.WEBHOOK_LEASE_SECONDS = 3, 15
    assert (webhooks.first_retry_seconds(), webhooks.lease_seconds()) == (3, 15)
