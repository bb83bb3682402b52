"""A specialist's deadline in working days (R13: "escalate to specialists when unsure", with a time to answer).
Pure: no Django. Weekends are skipped in China time; public holidays and the weekend days worked in their place
(调休) are not known here (decision 0023), so a deadline over a holiday is a day or two early, never late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def due_after_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start` (aware), at the same time of day in China, as an aware UTC datetime. A
    question escalated on a Saturday is due as if escalated on Monday at nine."""
    if start.tzinfo is None:
        raise ValueError("start must be aware")
    if days < 1:
        raise ValueError("at least one working day")
    local = start.astimezone(CHINA)
    if local.weekday() >= 5:  # escalated at the weekend: the clock starts on Monday morning
        local = (local + timedelta(days=7 - local.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    left = days
    while left:
        local += timedelta(days=1)
        if local.weekday() < 5:
            left -= 1
    return local.astimezone(UTC)
