"""Calendar months in China time, for every "the last N months" window (R11's recent claims, R20's repeated
vehicles): N months back from an instant is the same wall-clock time on the same day N months earlier (the last day
of that month when it is shorter), never N × 30 days."""

from __future__ import annotations

import calendar
from datetime import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def months_before(instant: datetime, months: int) -> datetime:
    """The instant `months` calendar months before `instant` (aware), counted on China's calendar."""
    local = instant.astimezone(CHINA)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day).astimezone(instant.tzinfo)
