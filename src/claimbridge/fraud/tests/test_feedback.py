"""The reward for a confirmed fraud clue in the R15 monthly feedback (issue 15; R11, R15, B8): counted once, in the
report of the reporter's company for the clue's city, in the month of the decision (China time), in the exports, and
on the adjuster's own page once published; nobody else reads the adjuster's line."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import wudu_case

from claimbridge.credentials.models import MonthlyReport
from claimbridge.credentials.reports import month_compute, month_publish
from claimbridge.credentials.selectors import own_feedback_for_adjuster
from claimbridge.fraud import services

pytestmark = pytest.mark.django_db


def _confirmed(users, amount: str = "8000.00"):
    """A clue of 武都 (Longnan) by Tianlong's adjuster, confirmed by the Longnan committee: 麦积 owes 5 %."""
    case = wudu_case(users["tianlong_adj1"])
    clue = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                description="车损与经过不符", case_number=case.number, submit=True)  # fmt: skip
    for action in ("screen", "investigate"):
        services.clue_move(user=users["af_ln"], clue=clue, action=action)
    services.clue_move(user=users["af_ln"], clue=clue, action="confirm_fraud", reasons=["evidence_sufficient"],
                       amount_saved=Decimal(amount), underwriter_code="maiji")  # fmt: skip
    return clue


def _report(city: str, insurer: str) -> MonthlyReport:
    month = timezone.localdate().replace(day=1)
    return MonthlyReport.objects.get(association__city__code=city, insurer__code=insurer, month=month)


def test_r11_r15_the_reward_counts_once_in_the_reporters_company_report_of_the_clues_city(users, committees, ratios):
    _confirmed(users)
    month_compute(month=timezone.localdate())
    longnan = _report("621200", "tianlong")
    line = next(row for row in longnan.rows if row["adjuster"] == users["tianlong_adj1"].pk)
    assert (line["fraud_rewards"], line["fraud_reward"]) == (1, "400.00")
    assert longnan.total_fraud_reward == Decimal("400.00")
    # Not in the other city's report, nor in the underwriter's: each reward is in exactly one report.
    others = MonthlyReport.objects.exclude(pk=longnan.pk).filter(month=longnan.month)
    assert sum((r.total_fraud_reward for r in others), Decimal(0)) == Decimal(0)
    # Recomputing says the same: no correction, the same figures.
    month_publish(month=longnan.month)
    month_compute(month=longnan.month)
    longnan.refresh_from_db()
    assert longnan.corrections.count() == 0
    assert longnan.total_fraud_reward == Decimal("400.00")


def test_r15_a_clue_decided_at_the_months_end_in_china_is_in_that_months_report(users, committees, ratios, monkeypatch):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    first = timezone.localdate().replace(day=1)
    instant = datetime.combine(first, datetime.min.time(), ZoneInfo("Asia/Shanghai")) - timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    _confirmed(users)  # 23:55 on the last day of the previous month, China time (15:55 UTC)
    previous = (first - timedelta(days=1)).replace(day=1)
    month_compute(month=previous)
    month_compute(month=first)
    reports = MonthlyReport.objects.filter(association__city__code="621200", insurer__code="tianlong")
    assert {r.month: r.total_fraud_reward for r in reports} == {previous: Decimal("400.00"), first: Decimal(0)}


def test_r15_the_exports_show_the_fraud_rewards(users, committees, ratios):
    from openpyxl import load_workbook

    from claimbridge.credentials.exports import report_pdf, report_xlsx

    _confirmed(users, amount="1234.56")  # 5 % = 61.728 → 61.73 to the fen
    month_compute(month=timezone.localdate())
    report = _report("621200", "tianlong")
    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert "线索奖励（元）Fraud-clue rewards (yuan)" in values[1]
    assert values[-1][0] == "合计 Total"
    assert Decimal(str(values[-1][4])) == Decimal("61.73")
    assert report_pdf(report).startswith(b"%PDF")


def test_r15_b8_only_the_adjuster_reads_their_own_published_line(users, committees, ratios):
    _confirmed(users)
    month_compute(month=timezone.localdate())
    assert own_feedback_for_adjuster(user=users["tianlong_adj1"]) == []  # a draft is not shown yet
    month_publish(month=timezone.localdate())
    lines = own_feedback_for_adjuster(user=users["tianlong_adj1"])
    assert [(line["city"].code, line["fraud_rewards"], line["fraud_reward"]) for line in lines] == [
        ("621200", 1, Decimal("400.00"))]  # fmt: skip
    for other in ("tianlong_adj2", "maiji_adj1", "tianlong_hq", "af_ln", "maiji_hq"):
        if other in users:
            assert own_feedback_for_adjuster(user=users[other]) == []
    client = Client()
    client.force_login(users["tianlong_adj1"])
    page = client.get("/credentials/my-feedback/", secure=True).content.decode()
    assert "400.00" in page
    api = client.get("/api/v1/credentials/my-feedback", secure=True).json()
    assert api[0]["fraud_reward"] == "400.00"
    client.force_login(users["maiji_adj1"])
    assert client.get("/api/v1/credentials/my-feedback", secure=True).json() == []
    assert "400.00" not in client.get("/credentials/my-feedback/", secure=True).content.decode()
