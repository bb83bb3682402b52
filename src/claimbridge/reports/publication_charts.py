"""The progress report's charts, drawn from a version's public-safe snapshot through the charts kernel (stats.charts):
the monthly trend, the counties' bars and the county map — the same SVG inline on the public page and, through
`svg_to_drawing`, in the PDF. A withheld cell is a gap in the line, a ＊ instead of a bar, a grey county."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from claimbridge.reports.public_tables import HIDDEN_MARK, figure_name, in_language, numeric
from claimbridge.stats import charts
from claimbridge.stats.figures import BY_CODE

TREND_FIGURES = ("cases_reported", "agreements")
PLACE_FIGURE = "cases_reported"


@dataclass(frozen=True)
class ReportCharts:
    trend: str
    counties: str
    map: str | None  # None when no county boundaries are configured


def _wording(english: bool) -> charts.Wording:
    wording = charts.ENGLISH if english else charts.CHINESE
    return replace(wording, no_data="No data or withheld" if english else "无数据或不公布")


def _month_tick(key: str, first: bool, english: bool) -> str:
    year, month = (int(part) for part in key.split("-"))
    if english:
        name = MONTHS_EN[month - 1]
        return f"{name} {year % 100:02d}" if first or month == 1 else name
    return f"{year}年{month}月" if first or month == 1 else f"{month}月"


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short(name: str, english: bool) -> str:
    """A county as charts print it: 张家川回族自治县 → 张家川 (charts.short_name); Zhangjiachuan Hui Autonomous County →
    Zhangjiachuan, Wudu District → Wudu."""
    if not english:
        return charts.short_name(name)
    return re.sub(r" (Hui Autonomous County|Autonomous County|County|District)$", "", name)


def _span(first: str, last: str, english: bool) -> str:
    """2026年1月至12月, Jan–Dec 2026; across years 2025年8月至2026年7月, Aug 2025–Jul 2026."""
    (y1, m1), (y2, m2) = ((int(part) for part in key.split("-")) for key in (first, last))
    if english:
        return (
            f"{MONTHS_EN[m1 - 1]}–{MONTHS_EN[m2 - 1]} {y2}"
            if y1 == y2
            else f"{MONTHS_EN[m1 - 1]} {y1}–{MONTHS_EN[m2 - 1]} {y2}"
        )
    return f"{y1}年{m1}月至{m2}月" if y1 == y2 else f"{y1}年{m1}月至{y2}年{m2}月"


def _regions() -> list[charts.Region] | None:
    from claimbridge.rulebook.services import BoundariesNotConfigured, county_index

    try:
        return charts.regions_of(county_index())
    except BoundariesNotConfigured:
        return None


def report_charts(snapshot: dict[str, Any], *, english: bool = False, id_prefix: str = "report") -> ReportCharts:
    wording = _wording(english)
    tables = snapshot["tables"]
    months = tables["month"]["rows"]
    labels = [_month_tick(row["key"], index == 0, english) for index, row in enumerate(months)]
    series = [charts.Series(figure_name(BY_CODE[code], english),
                            [numeric(BY_CODE[code], row["cells"].get(code)) for row in months])
              for code in TREND_FIGURES]  # fmt: skip
    span = _span(months[0]["key"], months[-1]["key"], english) if months else ""
    title = f"Cases reported and agreements, by month ({span})" if english else f"每月报案数与达成协议数（{span}）"
    trend = charts.line_chart(series, labels, wording=wording, chart_id=f"{id_prefix}-trend", title=title,
                              unit="cases" if english else "件")  # fmt: skip
    figure = BY_CODE[PLACE_FIGURE]
    counties = [row for row in tables["county"]["rows"] if row["key"]]
    bars = sorted(
        (charts.Bar(_short(in_language(row["label"], english), english), numeric(figure, row["cells"][figure.code]))
         for row in counties),
        key=lambda bar: (bar.value is None, -(bar.value or 0)),
    )  # fmt: skip
    by_county = charts.bar_chart(bars, wording=wording, suppressed_text=HIDDEN_MARK, chart_id=f"{id_prefix}-counties",
                                 title="Cases reported by county" if english else "各县区报案数",
                                 unit="cases" if english else "件")  # fmt: skip
    regions = _regions()
    county_map = None
    if regions is not None:
        if english:
            names = {row["key"]: row["label"].get("en") or row["label"]["zh"] for row in counties}
            regions = [replace(region, name=names.get(region.code, region.name),
                               label=_short(names.get(region.code, region.name), True)) for region in regions]  # fmt: skip
        values = {row["key"]: numeric(figure, row["cells"][figure.code]) for row in counties}
        county_map = charts.choropleth(regions, values, wording=wording, chart_id=f"{id_prefix}-map",
                                       title="Cases reported, map of the counties" if english else "各县区报案数分布",
                                       unit="cases" if english else "件")  # fmt: skip
    return ReportCharts(trend=trend, counties=by_county, map=county_map)
