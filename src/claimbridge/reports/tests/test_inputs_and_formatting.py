"""The dashboard's query and how its figures read (issue 17): periods from quarters and months, the current quarter
by default; shares, waits, money and counts in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import override

from claimbridge.core.errors import AppError
from claimbridge.reports import formatting
from claimbridge.reports.dashboard import map_label, period_label, trend_period
from claimbridge.reports.inputs import Period, current_quarter, period_code, read_period
from claimbridge.reports.selectors import FigureQuery
from claimbridge.stats.figures import BY_CODE

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(("params", "first", "last"), [
    ({}, date(2026, 10, 1), date(2026, 12, 1)),  # the current quarter
    ({"period": "2026-Q3"}, date(2026, 7, 1), date(2026, 9, 1)),
    ({"period": "2025-q1"}, date(2025, 1, 1), date(2025, 3, 1)),
    ({"period": "2026-07"}, date(2026, 7, 1), date(2026, 7, 1)),
    ({"first": "2024-02"}, date(2024, 2, 1), date(2024, 2, 1)),
    ({"first": "2024-02", "last": "2025-01"}, date(2024, 2, 1), date(2025, 1, 1)),
    ({"first": "2023-01", "last": "2027-12"}, date(2023, 1, 1), date(2027, 12, 1)),  # five years, into the future
    ({"period": " 2026-Q4 "}, date(2026, 10, 1), date(2026, 12, 1)),
])  # fmt: skip
def test_periods(params: dict[str, str], first: date, last: date) -> None:
    assert read_period(params, today=TODAY) == Period(first, last)


@pytest.mark.parametrize(("params", "code"), [
    ({"period": "2026-Q4"}, "period_not_begun"),  # not yet: today is in the third quarter
    ({"first": "2023-01", "last": "2028-01"}, "period_too_long"),
    ({"period": "2022-12"}, "period_too_early"),
])  # fmt: skip
def test_periods_refused(params: dict[str, str], code: str) -> None:
    with pytest.raises(AppError) as refused:
        read_period(params, today=date(2026, 8, 1))
    assert refused.value.code == code
    assert refused.value.status == 422


def test_period_codes_and_labels() -> None:
    assert current_quarter(TODAY) == Period(date(2026, 10, 1), date(2026, 12, 1))
    assert period_code(Period(date(2026, 10, 1), date(2026, 12, 1))) == "2026-Q4"
    assert period_code(Period(date(2026, 7, 1), date(2026, 7, 1))) == "2026-07"
    assert period_code(Period(date(2026, 2, 1), date(2026, 4, 1))) == "2026-02..2026-04"
    with override("zh-hans"):
        assert period_label(Period(date(2026, 10, 1), date(2026, 12, 1))) == "2026年第4季度"
        assert period_label(Period(date(2026, 2, 1), date(2026, 4, 1))) == "2026年2月至2026年4月"
    with override("en"):
        assert period_label(Period(date(2026, 10, 1), date(2026, 12, 1))) == "2026 Q4"


def test_the_trend_ends_with_the_period_or_this_month() -> None:
    quarter = FigureQuery(first=date(2026, 10, 1), last=date(2026, 12, 1))
    assert trend_period(quarter, TODAY) == Period(date(2025, 12, 1), date(2026, 11, 1))
    past = FigureQuery(first=date(2025, 1, 1), last=date(2025, 3, 1))
    assert trend_period(past, TODAY) == Period(date(2024, 4, 1), date(2025, 3, 1))


@pytest.mark.parametrize(("minutes", "zh", "en"), [
    (0, "0 分钟", "0 min"), (45, "45 分钟", "45 min"), (60, "1 小时", "1 h"), (200, "3 小时 20 分钟", "3 h 20 min"),
    (1440, "1 天", "1 d"), (2853, "1 天 23 小时", "1 d 23 h"), (100_000, "69 天 10 小时", "69 d 10 h"),
])  # fmt: skip
def test_waits_read_in_minutes_hours_or_days(minutes: int, zh: str, en: str) -> None:
    with override("zh-hans"):
        assert formatting.minutes_text(minutes) == zh
    with override("en"):
        assert formatting.minutes_text(minutes) == en


def test_shares_money_and_counts() -> None:
    with override("zh-hans"):
        assert formatting.value_text(BY_CODE["cross_region_share"], Decimal("0.3750")) == "37.5%"
        assert formatting.value_text(BY_CODE["cross_region_share"], Decimal("0.12345")) == "12.3%"
        assert formatting.value_text(BY_CODE["quick_claim_share"], Decimal("1")) == "100.0%"
        assert formatting.value_text(BY_CODE["amount_paid"], Decimal("1234567.5")) == "1,234,567.50 元"
        assert formatting.value_text(BY_CODE["cases_reported"], 12345) == "12,345"
        assert formatting.value_text(BY_CODE["first_contact_median"], None) == "—"
    with override("en"):
        assert formatting.value_text(BY_CODE["amount_paid"], Decimal("12.3")) == "12.30 yuan"
    assert formatting.value_string(Decimal("0.1250")) == "0.1250"
    assert formatting.value_string(None) is None


def test_chart_scales_follow_the_table() -> None:
    share, wait = BY_CODE["cross_region_share"], BY_CODE["survey_median"]
    assert formatting.chart_scale(share, [Decimal("0.5")])[0] == 100
    assert formatting.chart_number(share, Decimal("0.3750"), 100) == 37.5
    factor, _unit = formatting.chart_scale(wait, [30, 600])
    assert formatting.chart_number(wait, 600, factor) == 10.0  # hours, past two hours
    assert formatting.chart_scale(wait, [30, 90])[0] == 1.0


def test_map_labels() -> None:
    assert map_label("张家川回族自治县") == "张家川"
    assert map_label("Wudu District") == "Wudu"
    assert map_label("Zhangjiachuan Hui Autonomous County") == "Zhangjiachuan"
    assert map_label("武都区") == "武都区"
