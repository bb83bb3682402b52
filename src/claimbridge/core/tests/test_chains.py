"""The keyed chains other than a case's (decision 0012; B9, R19): appended by one helper, verified by `audit verify`,
whatever zone the clock that stamped them was in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claimbridge.consultations import services as consultations
from claimbridge.consultations.models import ConsultationEvent
from claimbridge.consultations.selectors import consultation_chains_verify

pytestmark = pytest.mark.django_db
PHONE = "13800000007"


def _question():
    return consultations.consultation_ask(phone=PHONE, question="异地出险去哪里理赔？", insurer_code="maiji")


def test_a_chain_appended_under_a_clock_in_shanghai_verifies(users, monkeypatch):
    """An event stamped with an aware Shanghai time hashes its `at` in UTC, as the database gives it back."""
    shanghai = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: shanghai)
    question = _question()
    assert question.events_count >= 1
    assert consultation_chains_verify() == []
    call_command("audit", "verify")


def test_audit_verify_names_an_edited_consultation_event(users):
    question = _question()
    ConsultationEvent.objects.filter(consultation=question, sequence=1).update(kind="edited")
    assert consultation_chains_verify() == [f"consultation {question.number}: event 1 was altered"]
    with pytest.raises(CommandError, match=f"consultation {question.number}: event 1 was altered"):
        call_command("audit", "verify")


def test_audit_verify_names_a_consultation_chain_cut_short(users):
    question = _question()
    ConsultationEvent.objects.filter(consultation=question).order_by("-sequence").first().delete()
    problems = consultation_chains_verify()
    assert problems == [f"consultation {question.number}: events after {question.events_count - 1} were removed"]
