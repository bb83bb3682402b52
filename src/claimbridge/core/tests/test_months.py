"""Calendar months back from an instant, on China's calendar (R11, R20 windows): rules.common.months_after."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from claimbridge.rules.common import months_after


def months_before(instant, months):
    return months_after(instant, -months)


CHINA = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("now", "months", "then"), [
    (datetime(2026, 12, 1, 10, 0, tzinfo=CHINA), 12, datetime(2025, 12, 1, 10, 0, tzinfo=CHINA)),
    (datetime(2026, 3, 31, 8, 0, tzinfo=CHINA), 1, datetime(2026, 2, 28, 8, 0, tzinfo=CHINA)),  # shorter month
    (datetime(2028, 3, 31, 8, 0, tzinfo=CHINA), 1, datetime(2028, 2, 29, 8, 0, tzinfo=CHINA)),  # leap year
    (datetime(2026, 1, 15, 0, 30, tzinfo=CHINA), 13, datetime(2024, 12, 15, 0, 30, tzinfo=CHINA)),
    (datetime(2026, 0 + 1, 1, 0, 0, tzinfo=CHINA), 0, datetime(2026, 1, 1, 0, 0, tzinfo=CHINA)),
])  # fmt: skip
def test_months_before_counts_calendar_months_in_china(now, months, then):
    assert months_before(now, months) == then


def test_months_before_uses_chinas_day_not_utcs():
    # 16:30 UTC on 31 March is 00:30 on 1 April in China: one month back is 1 March there.
    now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert months_before(now, 1) == datetime(2026, 3, 1, 0, 30, tzinfo=CHINA)
    assert months_before(now, 1).tzinfo is UTC
