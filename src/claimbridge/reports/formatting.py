"""Figures as people read them (issue 17): shares as percentages to one decimal, waits in minutes, hours or days,
money in yuan with thousands separators, counts grouped — in the reader's language. Charts get plain numbers on the
same scale (`chart_scale`), so that a bar and the table beside it say the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from claimbridge.stats.figures import Figure

NOTHING = "—"
HOUR, DAY = 60, 24 * 60


def grouped(value: int | Decimal, places: int = 0) -> str:
    return f"{value:,.{places}f}"


def share_text(value: Decimal) -> str:
    percent = (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{percent}%"


def minutes_text(minutes: int) -> str:
    """45 分钟; 3 小时 20 分钟; 2 天 4 小时 (the minutes dropped past a day: nobody counts them there)."""
    minutes = int(minutes)
    if minutes < HOUR:
        return _("%(minutes)s min") % {"minutes": minutes}
    if minutes < DAY:
        hours, rest = divmod(minutes, HOUR)
        if not rest:
            return _("%(hours)s h") % {"hours": hours}
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    days, rest = divmod(minutes, DAY)
    hours = rest // HOUR
    if not hours:
        return _("%(days)s d") % {"days": days}
    return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}


def yuan_text(value: Decimal) -> str:
    return _("%(amount)s yuan") % {"amount": grouped(Decimal(value), 2)}


def value_text(figure: Figure, value: Any) -> str:
    """A figure's value for people; "—" when there is none (a share of nothing, a median of no waits)."""
    if value is None:
        return NOTHING
    if figure.unit == "share":
        return share_text(Decimal(value))
    if figure.unit == "minutes":
        return minutes_text(int(value))
    if figure.unit == "yuan":
        return yuan_text(Decimal(value))
    return grouped(int(value))


def value_string(value: Any) -> str | None:
    """A value for machines (the API, CSV): a decimal as its exact digits, a count as a whole number, or None."""
    if value is None:
        return None
    return str(value)


def unit_label(figure: Figure, *, hours: bool = False) -> str:
    """The unit written on a chart of this figure."""
    if figure.unit == "share":
        return "%"
    if figure.unit == "minutes":
        return _("hours") if hours else _("minutes")
    if figure.unit == "yuan":
        return _("yuan")
    if figure.unit == "cases":
        return pgettext("unit", "cases")
    return ""


def chart_scale(figure: Figure, values: Iterable[Any]) -> tuple[float, str]:
    """(factor, unit) to draw a figure's values with: shares in percent, waits in hours once they pass two hours."""
    if figure.unit == "share":
        return 100.0, unit_label(figure)
    if figure.unit == "minutes":
        longest = max((float(value) for value in values if value is not None), default=0.0)
        if longest > 2 * HOUR:
            return 1 / HOUR, unit_label(figure, hours=True)
    return 1.0, unit_label(figure)


def chart_number(figure: Figure, value: Any, factor: float) -> float | None:
    """A value as drawn: scaled, and rounded as the table beside the chart shows it."""
    if value is None:
        return None
    number = float(value) * factor
    if figure.unit == "yuan":
        return round(number, 2)
    return round(number, 1) if factor != 1.0 else number
