"""The progress report's figures made public-safe, and written for people (R19, B10). Pure: no Django.

A published table never holds a cell counting fewer than `MIN_CELL` cases (stats.suppression), and where a total is
shown beside a line — the period's total under the counties, a city's total over its counties, the period's total
over its months — a line with a lone hidden cell hides its smallest other cell too, so that subtraction gives nothing
away. The counties are lines within their city (the city's figure is their published total); a city whose counties
cannot be protected within it (no other cell to hide) is hidden in the cities' table in turn. A hidden cell's value
is not kept at all: the snapshot holds only what may be published.

What a cell counts: for figures about cases, the fewer of the figure's own base and the row's cases (a share of 40
parties in a county of 3 cases is about 3 cases); for stops and clues, their own base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from claimbridge.rules.common import Text
from claimbridge.stats.figures import FIGURES, NUMERATOR, Figure
from claimbridge.stats.suppression import MIN_CELL, is_small, protect_line

SNAPSHOT_FORMAT = 1
INTEGRATION_START = date(2023, 8, 1)  # the month the integration came into force (R21: 2023-08-15)
TREND_MONTHS = 12
HIDDEN_MARK = "＊"
NO_VALUE = "—"
SUPPRESSION_NOTE = Text(
    "＊ 少于5件的单元格不公布；为免由合计推算，同一行列中另一单元格也可能随之不公布。",
    "* Cells of fewer than 5 cases are not published; so that they cannot be worked out from a total, another cell "
    "of the same line may be withheld with them.",
)
# The figures of the breakdown tables on the page and in the PDF (the spreadsheet has them all).
TABLE_COLUMNS = ("cases_reported", "agreements", "quick_claim_share", "cross_region_share", "first_contact_median",
                 "payment_median", "amount_paid")  # fmt: skip
TABLES = ("city", "county", "insurer", "month")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip


@dataclass(frozen=True)
class RawRow:
    """A row as computed from the roll-ups (unsafe: every value, small ones too)."""

    key: str
    label: Text
    values: Mapping[str, Any]
    bases: Mapping[str, int]
    group: str | None = None  # the line whose total is published (a county's city; the period's months); None: none


@dataclass
class _Table:
    rows: list[RawRow]
    hidden: dict[str, list[bool]] = field(default_factory=dict)


# --- periods --------------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_last(kind: str, start: date) -> date:
    return start if kind == "monthly" else add_months(start, 2)


def period_label(kind: str, start: date) -> Text:
    if kind == "monthly":
        return Text(f"{start.year}年{start.month}月", f"{MONTHS_EN[start.month - 1]} {start.year}")
    quarter = (start.month - 1) // 3 + 1
    return Text(f"{start.year}年第{quarter}季度", f"Q{quarter} {start.year}")


def month_label(key: str) -> Text:
    year, month = (int(part) for part in key.split("-"))
    return Text(f"{year}年{month}月", f"{MONTHS_EN[month - 1][:3]} {year}")


def valid_period(kind: str, start: date, today: date) -> bool:
    """A month or a calendar quarter that has begun, since the integration came into force."""
    if start.day != 1 or kind not in ("monthly", "quarterly"):
        return False
    if kind == "quarterly" and start.month not in (1, 4, 7, 10):
        return False
    return period_last(kind, start) >= INTEGRATION_START and start <= today.replace(day=1)


def periods(today: date) -> list[tuple[str, date]]:
    """Every period a report may be drafted for, the newest first: quarters, then months."""
    found: list[tuple[str, date]] = []
    month = today.replace(day=1)
    while month >= add_months(INTEGRATION_START, -2):
        found += [(kind, month) for kind in ("quarterly", "monthly") if valid_period(kind, month, today)]
        month = add_months(month, -1)
    return sorted(found, key=lambda period: (period[0] != "quarterly", -period[1].toordinal()))


def trend_months(last: date) -> list[date]:
    """The months of the trend: the twelve up to the period's last, none before the integration."""
    first = max(add_months(last, 1 - TREND_MONTHS), INTEGRATION_START)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


# --- suppression ----------------------------------------------------------------------------------------------------


def cell_count(figure: Figure, bases: Mapping[str, int]) -> int:
    """How many cases a published cell is about, for the small-count rule. A share is about its base, and also about
    its numerator and the rest of its base when either is not zero: 60 % of 5 cases is 3 cases, 80 % of 5 is 1."""
    base = int(bases.get(figure.code, 0))
    count = min(base, int(bases.get("cases_reported", 0))) if figure.source == "cases" else base
    numerator = bases.get(f"{figure.code}{NUMERATOR}")
    if numerator is not None:
        for part in (int(numerator), base - int(numerator)):
            if part > 0:
                count = min(count, part)
    return count


def _suppress(rows: Sequence[RawRow], figure: Figure, forced: set[str]) -> tuple[list[bool], set[str]]:
    """Which rows hide this figure, and the groups whose published total would give a hidden cell away."""
    counts = [cell_count(figure, row.bases) for row in rows]
    hidden = [is_small(count) or row.key in forced for count, row in zip(counts, rows, strict=True)]
    exposed: set[str] = set()
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row.group is not None:
            groups.setdefault(row.group, []).append(index)
    for group, indices in groups.items():
        if not protect_line(counts, hidden, indices):
            exposed.add(group)
    return hidden, exposed


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cells(row: RawRow, hidden: Mapping[str, bool]) -> dict[str, dict[str, Any]]:
    return {figure.code: {"value": None if hidden.get(figure.code) else _json(row.values.get(figure.code)),
                          "hidden": bool(hidden.get(figure.code))} for figure in FIGURES}  # fmt: skip


def _row_json(row: RawRow, hidden: Mapping[str, bool]) -> dict[str, Any]:
    return {"key": row.key, "label": row.label.as_dict(), "cells": _cells(row, hidden)}


def total_hidden(total: RawRow) -> dict[str, bool]:
    return {figure.code: is_small(cell_count(figure, total.bases)) for figure in FIGURES}


def public_table(rows: Sequence[RawRow], total: RawRow | None, *, forced: Mapping[str, set[str]] | None = None,
                 ) -> tuple[dict[str, Any], dict[str, set[str]]]:  # fmt: skip
    """The table as published ({"rows", "total"}), and per figure the groups whose totals must be hidden in turn."""
    forced = forced or {}
    masks: dict[str, list[bool]] = {}
    exposed: dict[str, set[str]] = {}
    for figure in FIGURES:
        masks[figure.code], exposed[figure.code] = _suppress(rows, figure, forced.get(figure.code, set()))
    table: dict[str, Any] = {
        "rows": [_row_json(row, {code: masks[code][index] for code in masks}) for index, row in enumerate(rows)],
        "total": _row_json(total, total_hidden(total)) if total is not None else None,
    }
    return table, {code: groups for code, groups in exposed.items() if groups}


def public_snapshot(*, kind: str, start: date, computed_at: str, total: RawRow, cities: Sequence[RawRow],
                    counties: Sequence[RawRow], insurers: Sequence[RawRow], months: Sequence[RawRow],
                    ) -> dict[str, Any]:  # fmt: skip
    """The version's figures as they may be published. `counties` carry their city's key as group; `months` the
    group "period" for the period's own months (their total is the headline)."""
    county_table, exposed_cities = public_table(counties, total)
    city_rows = [RawRow(row.key, row.label, row.values, row.bases, group="all") for row in cities]
    city_table, _ = public_table(city_rows, total, forced=exposed_cities)
    insurer_rows = [RawRow(row.key, row.label, row.values, row.bases, group="all") for row in insurers]
    insurer_table, _ = public_table(insurer_rows, total)
    month_table, _ = public_table(months, None)
    last = period_last(kind, start)
    return {
        "format": SNAPSHOT_FORMAT,
        "computed_at": computed_at,
        "min_cell": MIN_CELL,
        "period": {
            "kind": kind,
            "first": f"{start:%Y-%m}",
            "last": f"{last:%Y-%m}",
            "label": period_label(kind, start).as_dict(),
        },
        "headline": _cells(total, total_hidden(total)),
        "tables": {"city": city_table, "county": county_table, "insurer": insurer_table, "month": month_table},
    }


def tables_of(snapshot: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The snapshot's tables in their order (city, county, insurer, month): a JSON object's keys keep no order in
    PostgreSQL's jsonb."""
    return [(name, snapshot["tables"][name]) for name in TABLES if name in snapshot["tables"]]


# --- writing the figures for people --------------------------------------------------------------------------------


def in_language(text: Mapping[str, str] | Text, english: bool) -> str:
    if isinstance(text, Text):
        return text.en if english else text.zh
    return text.get("en" if english else "zh", "") or text.get("zh", "")


def figure_name(figure: Figure, english: bool) -> str:
    """A figure's name as a label: the English name begins with a capital there (it is written for sentences)."""
    name = figure.name.en if english else figure.name.zh
    return name[:1].upper() + name[1:]


def number(value: float | int | Decimal, places: int = 0) -> str:
    return f"{value:,.{places}f}"


def shown(figure: Figure, cell: Mapping[str, Any] | None, *, english: bool = False) -> str:
    """A cell as printed: ＊ when withheld, — when there is no value (a share of nothing, a wait nobody waited)."""
    if not cell or cell.get("hidden"):
        return HIDDEN_MARK if cell else NO_VALUE
    value = cell.get("value")
    if value is None:
        return NO_VALUE
    if figure.unit == "share":
        return f"{Decimal(str(value)) * 100:.1f}%"
    if figure.unit == "yuan":
        return number(Decimal(str(value)), 2)
    if figure.unit == "minutes":
        return f"{number(int(value))} min" if english else f"{number(int(value))} 分钟"
    return number(int(value))


def numeric(figure: Figure, cell: Mapping[str, Any] | None) -> float | int | None:
    """A cell as a number for a chart or a spreadsheet (None when withheld or undefined)."""
    if not cell or cell.get("hidden") or cell.get("value") is None:
        return None
    value = cell["value"]
    if figure.unit in ("share", "yuan"):
        return float(Decimal(str(value)))
    return int(value)


UNIT_NAMES = {"cases": Text("件", "cases"), "count": Text("次", "times"), "share": Text("%", "%"),
              "minutes": Text("分钟", "minutes"), "yuan": Text("元", "yuan")}  # fmt: skip
