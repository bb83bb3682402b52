"""`claimbridge demo` (make run): something real on every page, made through the services, and made once (issue 13)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from claimbridge.accounts.models import User
from claimbridge.cases.models import Case, Claim
from claimbridge.credentials.models import Credential, MonthlyReport, ServiceStop
from claimbridge.evidence.models import EvidenceItem
from claimbridge.fraud.models import RewardRatio
from claimbridge.organisations.models import AntiFraudCommittee

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {"cases": Case.objects.count(), "claims": Claim.objects.count(), "photos": EvidenceItem.objects.count(),
            "credentials": Credential.objects.count(), "stops": ServiceStop.objects.count(),
            "reports": MonthlyReport.objects.count(), "users": User.objects.count(),
            "committees": AntiFraudCommittee.objects.count(), "ratios": RewardRatio.objects.count()}  # fmt: skip


def test_the_demo_has_cases_in_every_state_and_runs_twice_without_doubling(isolated_storage, settings):
    """B1, R4–R8, R15: a draft waiting for the other driver, one being confirmed, agreed ones, a claim registered, a
    claim paid and closed, a case with the police; credentialed adjusters with stops; this month's reports. A second
    run creates nothing and lists the same cases. Issue 15 (R11, R20): each city's anti-fraud committee with a member,
    printed after the joint one's, and every insurer's reward ratio."""
    settings.SMS_BACKEND = "claimbridge.core.sms.LogSmsBackend"
    first = StringIO()
    call_command("demo", "--url", "http://127.0.0.1:8010", stdout=first)
    made = _counts()
    states = set(Case.objects.values_list("state", flat=True))
    assert {"draft", "awaiting_confirmation", "agreed", "police"} <= states
    claim_states = set(Claim.objects.values_list("state", flat=True))
    assert "registered" in claim_states or "assessed" in claim_states
    paid = Claim.objects.filter(payment_reference__startswith="DEMO-BANK-")
    assert paid.exists()
    assert all(claim.paid_amount == claim.payable and claim.closed_at is not None for claim in paid)
    assert "concluded" in states  # both insurers' claims closed: 已结案
    assert made["photos"] >= 15
    assert made["credentials"] > 0
    assert made["stops"] > 0
    assert made["reports"] > 0
    assert Case.objects.filter(state="draft", join_code_expires_at__isnull=False).exists()
    # issue 15 (R11, R20): each city's committee beside the joint one, with a member each; every insurer's ratio
    assert made["committees"] == 3
    assert made["ratios"] == 4

    second = StringIO()
    call_command("demo", "--url", "http://127.0.0.1:8010", stdout=second)
    assert _counts() == made
    numbers = [case.number for case in Case.objects.all()]
    for text in (first.getvalue(), second.getvalue()):
        assert all(number in text for number in numbers)
        assert "http://127.0.0.1:8010/" in text
        assert "SMS to" in text  # where the one-time codes are read in development
        logins = [line.split()[0] for line in text.splitlines() if line.startswith("  ")]
        assert logins[logins.index("antifraud") : logins.index("antifraud") + 3] == ["antifraud", "antifraud_ln",
                                                                                     "antifraud_ts"]  # fmt: skip
        assert "Reward ratios for confirmed fraud clues, from 2023-08-15: 天陇财险 5 %" in text
        assert "伏羲财险 3 %" in text
