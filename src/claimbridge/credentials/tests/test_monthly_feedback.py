"""R15: each company's adjusters' other-company cases per month, China time, with corrections after publication."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from claimbridge.credentials import services
from claimbridge.credentials.models import MonthlyReport
from claimbridge.credentials.reports import month_compute, month_publish

CHINA = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=CHINA)  # "now", pinned: the stops below are recent enough to be recorded


@pytest.fixture(autouse=True)
def on_duty(users, credentialed, clock):
    """Tianlong's Longnan adjuster has held a credential since September; "now" is mid-November 2026."""
    credentialed("tianlong_adj1", since=date(2026, 9, 1))
    clock(NOW)


def stop(users, at, customer, county="621202", username="tianlong_adj1", case_number=""):
    return services.stop_record(user=users[username], kind="accident", at=at, services=["scene_help"], credential_shown=True,
                                customer_consented=True, county_code=county, customer_insurer_code=customer,
                                case_number=case_number)  # fmt: skip


@pytest.fixture
def october(users, settings):
    settings.ADJUSTER_REWARD_PER_CASE = "20.00"
    stop(users, datetime(2026, 10, 5, 9, 0, tzinfo=CHINA), "maiji")  # another company's customer: counts
    stop(users, datetime(2026, 10, 6, 9, 0, tzinfo=CHINA), "tianlong")  # own customer: does not
    stop(users, datetime(2026, 10, 7, 9, 0, tzinfo=CHINA), "")  # insurer not known: does not
    stop(users, datetime(2026, 10, 31, 23, 30, tzinfo=CHINA), "fuxi")  # 15:30 UTC, still October in China
    stop(users, datetime(2026, 11, 1, 0, 10, tzinfo=CHINA), "fuxi")  # 16:10 UTC on 31 October, but November here
    stop(users, datetime(2026, 10, 8, 9, 0, tzinfo=CHINA), "maiji", county="620502")  # in Tianshui: the other report


def report(code="621200", insurer="tianlong", month=date(2026, 10, 1)):
    return MonthlyReport.objects.get(association__city__code=code, insurer__code=insurer, month=month)


def test_r15_only_other_companies_customers_count_in_the_china_month(users, october):
    month_compute(month=date(2026, 10, 1))
    longnan = report()
    assert longnan.total_cases == 2
    assert longnan.total_reward == Decimal("40.00")
    assert [row["cases"] for row in longnan.rows] == [2]
    assert report("620500").total_cases == 1
    month_compute(month=date(2026, 11, 1))
    assert report(month=date(2026, 11, 1)).total_cases == 1


def test_r15_recomputing_gives_the_same_figures(users, october):
    first = {r.pk: (r.rows, r.total_reward) for r in month_compute(month=date(2026, 10, 1))}
    again = {r.pk: (r.rows, r.total_reward) for r in month_compute(month=date(2026, 10, 1))}
    assert first == again


def test_r15_a_change_after_publication_is_a_correction_not_a_silent_edit(users, october):
    month_compute(month=date(2026, 10, 1))
    month_publish(month=date(2026, 10, 1))
    stop(users, datetime(2026, 10, 20, 9, 0, tzinfo=CHINA), "bailong")  # a stop entered late
    call_command("monthly_feedback", "--month", "2026-10", "--reason", "late entry")
    longnan = report()
    assert longnan.total_cases == 3
    correction = longnan.corrections.get()
    assert correction.reason == "late entry"
    assert sum(row["cases"] for row in correction.rows_before) == 2
    assert sum(row["cases"] for row in correction.rows_after) == 3


def test_the_same_case_served_twice_counts_once(users, case_of):
    case = case_of("tianlong_adj1")
    for day in (3, 4):
        stop(users, datetime(2026, 10, day, 9, 0, tzinfo=CHINA), "maiji", case_number=case.number)
    month_compute(month=date(2026, 10, 1))
    assert report(month=date(2026, 10, 1)).total_cases == 1


def test_r15_a_company_sees_its_own_report_the_association_all_and_both_export(users, october, client):
    month_compute(month=date(2026, 10, 1))
    own = report()
    client.force_login(users["tianlong_hq"])
    page = client.get("/credentials/reports/", secure=True).content.decode()
    assert page.count('data-testid="report"') == MonthlyReport.objects.filter(insurer__code="tianlong").count()
    assert client.get(f"/credentials/reports/{own.pk}.xlsx", secure=True).status_code == 200
    other = report(insurer="maiji")
    assert client.get(f"/credentials/reports/{other.pk}.pdf", secure=True).status_code == 404
    client.force_login(users["ln_assoc"])
    pdf = client.get(f"/credentials/reports/{other.pk}.pdf", secure=True)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
