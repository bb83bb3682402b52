"""The statistics dashboard (issue 17): the tables a reader may see for a query, and the cards, charts and tables
drawn from them. Every number comes from `selectors.figures` (the roll-ups, within the reader's scope); the charts
are `stats.charts` SVG with a `<table>` of the same numbers beside each.

Who sees what (accounts/scope.py): the associations, the regulator and the platform see every company — the market,
one company picked out beside it, and the bars by company; a company's staff see their own company beside the
market's totals and never another company broken out (no bars by company: their own against the market instead).
The exports (`exports.py`) write the same tables.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from claimbridge.accounts.scope import Scope
from claimbridge.core.errors import in_current_language, reading_english
from claimbridge.organisations import selectors as organisation_selectors
from claimbridge.reports import formatting
from claimbridge.reports.inputs import Period, add_months, period_code
from claimbridge.reports.selectors import (
    FigureQuery,
    FigureRow,
    FigureTable,
    check_access,
    figures,
    month_label,
    quarter_label,
)
from claimbridge.stats import charts
from claimbridge.stats.figures import BY_CODE, FIGURES, Figure

CARD_CODES = ("cases_reported", "cross_region_share", "quick_claim_share", "online_one_stop_share",
              "first_contact_median", "sla_first_contact", "sla_survey", "sla_closure", "amount_paid",
              "fraud_clues", "confirmed_frauds", "amount_saved", "adjuster_stops", "other_company_help")  # fmt: skip
COMPARED = ("cross_region_share", "quick_claim_share", "online_one_stop_share", "sla_first_contact", "sla_survey",
            "sla_closure")  # fmt: skip
TREND_MONTHS = 12
DEFAULT_FIGURE = "cases_reported"


def figure_name(figure: Figure, *, with_unit: bool = True) -> str:
    """The figure's name in the reader's language; without "（元）" where the value says yuan itself."""
    name = in_current_language(figure.name.zh, figure.name.en[:1].upper() + figure.name.en[1:])
    if not with_unit:
        for suffix in ("（元）", " (yuan)"):
            name = name.removesuffix(suffix)
    return name


def period_label(period: Period) -> str:
    code = period_code(period)
    if "-Q" in code:
        return quarter_label(code)
    if ".." not in code:
        return month_label(code)
    return _("%(first)s to %(last)s") % {"first": month_label(f"{period.first:%Y-%m}"),
                                         "last": month_label(f"{period.last:%Y-%m}")}  # fmt: skip


# --- the tables ------------------------------------------------------------------------------------------------------
@dataclass
class Tables:
    """What a reader may see for a query: the market's figures and, when one company (or claims unit) is the
    subject, its own beside them, in total, by month (the trend), by county and — for those who see every
    company — by company."""

    query: FigureQuery  # the market's query (no company, no claims unit)
    subject: FigureQuery | None
    subject_name: str
    trend: Period
    market: dict[str, FigureTable] = field(default_factory=dict)  # "total" | "month" | "county" | "insurer"
    own: dict[str, FigureTable] = field(default_factory=dict)


def subject_of(scope: Scope, query: FigureQuery) -> FigureQuery | None:
    """The company (or claims unit) the query is about: the one asked for, or a company's staff's own."""
    if query.insurer is None and query.claims_unit is None and not scope.sees_all_statistics:
        query = replace(query, insurer=scope.insurer_id)
    return replace(query, by="") if query.insurer is not None or query.claims_unit is not None else None


def trend_period(query: FigureQuery, today: date | None = None) -> Period:
    """The last twelve months up to the period's end (or this month, when the period runs on into the future)."""
    this_month = (today or timezone.localdate()).replace(day=1)
    last = min(query.last, this_month)
    return Period(add_months(last, 1 - TREND_MONTHS), last)


def tables(scope: Scope, query: FigureQuery, *, today: date | None = None) -> Tables:
    """Every table of the dashboard; `AppError` 403 for what the reader may not see (selectors.check_access)."""
    subject = subject_of(scope, query)
    if subject is not None:
        check_access(scope, subject)  # refused before anything is read
    market = replace(query, insurer=None, claims_unit=None, by="")
    trend = trend_period(query, today)
    result = Tables(query=market, subject=subject, subject_name=_subject_name(subject), trend=trend)
    for by, base in (("total", market), ("month", replace(market, first=trend.first, last=trend.last)),
                     ("county", market), ("insurer", market)):  # fmt: skip
        if by == "insurer" and not scope.may_see_insurer_figures(None):
            continue
        grouped = replace(base, by="" if by == "total" else by)
        result.market[by] = figures(scope, grouped)
        if subject is not None and by != "insurer":
            result.own[by] = figures(scope, replace(subject, first=grouped.first, last=grouped.last, by=grouped.by))
    if "insurer" in result.market:
        _short_insurer_names(result.market["insurer"].rows)
    return result


def _subject_name(subject: FigureQuery | None) -> str:
    if subject is None:
        return ""
    if subject.claims_unit is not None:
        return organisation_selectors.claims_unit_name(subject.claims_unit)
    return insurer_names().get(str(subject.insurer), "") or _("The company")


def insurer_names() -> dict[str, str]:
    """Every insurer's short name by id (public: the service directory names them)."""
    return {str(insurer.pk): insurer.display_short_name for insurer in organisation_selectors.insurer_list_public()}


def _short_insurer_names(rows: Iterable[FigureRow]) -> None:
    names = insurer_names()
    for row in rows:
        row.label = names.get(row.key, row.label)


# --- what the page shows -----------------------------------------------------------------------------------------------
@dataclass
class Line:
    """One figure: its value for the subject (when there is one) and for the market, as text."""

    figure: Figure
    name: str
    formula: str
    market: str
    market_base: int
    own: str = ""
    own_base: int = 0
    unavailable: bool = False


@dataclass
class ChartTable:
    """A chart and the table of its numbers."""

    key: str
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric: Sequence[int] = ()  # the columns holding numbers (right-aligned)


@dataclass
class Dashboard:
    tables: Tables
    period: Period
    period_label: str
    figure: Figure
    own_company: bool  # a company's staff: their own beside the market, nothing of any other company
    lines: list[Line]
    cards: list[Line]
    charts: list[ChartTable]

    @property
    def subject_name(self) -> str:
        return self.tables.subject_name


def build(scope: Scope, query: FigureQuery, *, figure_code: str = DEFAULT_FIGURE, today: date | None = None
          ) -> Dashboard:  # fmt: skip
    found = tables(scope, query, today=today)
    period = Period(query.first, query.last)
    figure = BY_CODE.get(figure_code, BY_CODE[DEFAULT_FIGURE])
    lines = [_line(figure_, found) for figure_ in FIGURES]
    by_code = {line.figure.code: line for line in lines}
    board = Dashboard(tables=found, period=period, period_label=period_label(period), figure=figure,
                      own_company=not scope.sees_all_statistics, lines=lines,
                      cards=[by_code[code] for code in CARD_CODES], charts=[])  # fmt: skip
    board.charts = [
        _trend(found, BY_CODE["cases_reported"], "trend-cases"),
        _trend(found, BY_CODE["cross_region_share"], "trend-cross-region"),
    ]
    if found.subject is not None:
        board.charts.append(_comparison(found))
    board.charts.append(_by_county(found, figure, board.period_label))
    if "insurer" in found.market:
        board.charts.append(_by_insurer(found, figure, board.period_label, query.insurer))
    board.charts.append(_map(found, figure, board.period_label, query.city))
    return board


def _line(figure: Figure, found: Tables) -> Line:
    market = found.market["total"]
    line = Line(figure=figure, name=figure_name(figure, with_unit=False),
                formula=in_current_language(figure.formula.zh, figure.formula.en),
                market=formatting.value_text(figure, market.total.values.get(figure.code)),
                market_base=market.total.bases.get(figure.code, 0),
                unavailable=figure.code in market.unavailable)  # fmt: skip
    own = found.own.get("total")
    if own is not None:
        line.own = formatting.value_text(figure, own.total.values.get(figure.code))
        line.own_base = own.total.bases.get(figure.code, 0)
        line.unavailable = line.unavailable and figure.code in own.unavailable
    return line


def _safe(svg: str) -> SafeString:
    """A chart as markup: `stats.charts` escapes every text it writes."""
    return mark_safe(svg)  # noqa: S308 - built by stats.charts, every text escaped


def _wording() -> charts.Wording:
    return charts.ENGLISH if reading_english() else charts.CHINESE


def _market_name() -> str:
    return _("Market")


def _unavailable_note(figure: Figure, *tables_: FigureTable | None) -> str:
    if any(table is not None and figure.code in table.unavailable for table in tables_):
        return _("This figure is not kept for these filters: waits are not counted by channel, adjusters' stops and "
                 "fraud clues neither by channel nor by claims unit.")  # fmt: skip
    return ""


def _trend(found: Tables, figure: Figure, key: str) -> ChartTable:
    months = [add_months(found.trend.first, index) for index in range(TREND_MONTHS)]
    keys = [f"{month:%Y-%m}" for month in months]
    market = {row.key: row.values.get(figure.code) for row in found.market["month"].rows}
    own_table = found.own.get("month")
    own = {row.key: row.values.get(figure.code) for row in own_table.rows} if own_table else None
    zero = 0 if figure.unit in ("cases", "count") else None  # a month without cases has none; its share is undefined
    market_values = [market.get(month, zero) for month in keys]
    own_values = [own.get(month, zero) for month in keys] if own is not None else None
    factor, unit = formatting.chart_scale(figure, [*market_values, *(own_values or [])])
    series = []
    if own_values is not None:
        series.append(
            charts.Series(found.subject_name, [formatting.chart_number(figure, v, factor) for v in own_values])
        )
    series.append(charts.Series(_market_name(), [formatting.chart_number(figure, v, factor) for v in market_values]))
    title = _("%(figure)s by month") % {"figure": figure_name(figure)}
    svg = charts.line_chart(
        series,
        keys,
        title=title,
        unit=unit,
        wording=_wording(),
        chart_id=f"chart-{key}",
        whole=figure.unit in ("cases", "count") and factor == 1,
    )
    columns = [_("Month")] + ([found.subject_name] if own_values is not None else []) + [_market_name()]
    rows = []
    for index, month in enumerate(keys):
        cells = [month_label(month)]
        if own_values is not None:
            cells.append(formatting.value_text(figure, own_values[index]))
        cells.append(formatting.value_text(figure, market_values[index]))
        rows.append(cells)
    return ChartTable(
        key=key,
        title=title,
        svg=_safe(svg),
        columns=columns,
        rows=rows,
        numeric=range(1, len(columns)),
        note=_unavailable_note(figure, found.market["month"], own_table),
    )


def _comparison(found: Tables) -> ChartTable:
    own, market = found.own["total"].total, found.market["total"].total
    bars, rows = [], []
    for code in COMPARED:
        figure = BY_CODE[code]
        name = figure_name(figure)
        bars.append(charts.Bar(f"{name} · {found.subject_name}", formatting.chart_number(figure, own.values.get(code), 100),
                               highlight=True))  # fmt: skip
        bars.append(
            charts.Bar(f"{name} · {_market_name()}", formatting.chart_number(figure, market.values.get(code), 100))
        )
        rows.append([name, formatting.value_text(figure, own.values.get(code)),
                     formatting.value_text(figure, market.values.get(code))])  # fmt: skip
    title = _("%(subject)s and the market") % {"subject": found.subject_name}
    svg = charts.bar_chart(bars, title=title, unit="%", suppressed_text=formatting.NOTHING, wording=_wording(),
                           chart_id="chart-comparison")  # fmt: skip
    return ChartTable(
        key="comparison",
        title=title,
        svg=_safe(svg),
        columns=[_("Figure"), found.subject_name, _market_name()],
        rows=rows,
        numeric=(1, 2),
    )


def _grouped_values(table: FigureTable | None, figure: Figure) -> dict[str, Any]:
    if table is None:
        return {}
    return {row.key: row.values.get(figure.code) for row in table.rows}


def _counties(city_id: int | None = None) -> list[Any]:
    counties = list(organisation_selectors.county_list())
    return [county for county in counties if city_id is None or county.city_id == city_id]


def _by_county(found: Tables, figure: Figure, period: str) -> ChartTable:
    market_table, own_table = found.market["county"], found.own.get("county")
    market, own = _grouped_values(market_table, figure), _grouped_values(own_table, figure)
    shown = own if own_table is not None else market
    counties = _counties(found.query.city)
    if found.query.county is not None:
        counties = [county for county in counties if county.pk == found.query.county]
    zero = 0 if figure.unit in ("cases", "count") else None
    values = [shown.get(str(county.pk), zero) for county in counties]
    factor, unit = formatting.chart_scale(figure, values)
    bars = [charts.Bar(county.display_name, formatting.chart_number(figure, value, factor))
            for county, value in zip(counties, values, strict=True)]  # fmt: skip
    whose = found.subject_name if own_table is not None else _market_name()
    title = _("%(figure)s by county or district, %(whose)s, %(period)s") % {
        "figure": figure_name(figure), "whose": whose, "period": period}  # fmt: skip
    svg = charts.bar_chart(bars, title=title, unit=unit, suppressed_text=formatting.NOTHING, wording=_wording(),
                           chart_id="chart-county")  # fmt: skip
    columns = [_("County or district")] + ([found.subject_name] if own_table is not None else []) + [_market_name()]
    rows = []
    for county in counties:
        cells = [county.display_name]
        if own_table is not None:
            cells.append(formatting.value_text(figure, own.get(str(county.pk), zero)))
        cells.append(formatting.value_text(figure, market.get(str(county.pk), zero)))
        rows.append(cells)
    return ChartTable(
        key="county",
        title=title,
        svg=_safe(svg),
        columns=columns,
        rows=rows,
        numeric=range(1, len(columns)),
        note=_unavailable_note(figure, market_table, own_table),
    )


def _by_insurer(found: Tables, figure: Figure, period: str, picked: int | None) -> ChartTable:
    table = found.market["insurer"]
    rows_ = [row for row in table.rows if row.key != "0"]  # parties no company took on are the market's only
    zero = 0 if figure.unit in ("cases", "count") else None
    ranked = sorted(
        ((row, row.values.get(figure.code, zero)) for row in rows_),
        key=lambda pair: (pair[1] is None, -float(pair[1] or 0), pair[0].label),
    )  # the largest first
    factor, unit = formatting.chart_scale(figure, [value for _row, value in ranked])
    bars = [charts.Bar(row.label, formatting.chart_number(figure, value, factor), highlight=row.key == str(picked))
            for row, value in ranked]  # fmt: skip
    title = _("%(figure)s by insurer, %(period)s") % {"figure": figure_name(figure), "period": period}
    svg = charts.bar_chart(bars, title=title, unit=unit, suppressed_text=formatting.NOTHING, wording=_wording(),
                           chart_id="chart-insurer")  # fmt: skip
    rows = [[row.label, formatting.value_text(figure, value), formatting.grouped(row.bases.get(figure.code, 0))]
            for row, value in ranked]  # fmt: skip
    return ChartTable(key="insurer", title=title, svg=_safe(svg),
                      columns=[_("Insurer"), figure_name(figure), _("Base")], rows=rows, numeric=(1, 2),
                      note=_unavailable_note(figure, table) or (_(
                          "A case between two companies' customers counts once for each company, so the companies' "
                          "rows add up to more than the total, which counts each case once.")
                          if figure.case_weighted else ""))  # fmt: skip


def _map(found: Tables, figure: Figure, period: str, city_id: int | None) -> ChartTable:
    own_table = found.own.get("county")
    table = own_table if own_table is not None else found.market["county"]
    by_id = _grouped_values(table, figure)
    counties = _counties(city_id)
    codes = {county.code for county in counties}
    zero = 0 if figure.unit in ("cases", "count") else None
    values = {county.code: by_id.get(str(county.pk), zero) for county in counties}
    factor, unit = formatting.chart_scale(figure, values.values())
    whose = found.subject_name if own_table is not None else _market_name()
    title = _("Map: %(figure)s, %(whose)s, %(period)s") % {"figure": figure_name(figure), "whose": whose,
                                                            "period": period}  # fmt: skip
    regions = [region for region in county_regions() if region.code in codes]
    if regions:
        drawn = {code: formatting.chart_number(figure, value, factor) for code, value in values.items()}
        breaks, labels = _whole_classes(figure, drawn.values())
        svg = charts.choropleth(regions, drawn, title=title, unit=unit, breaks=breaks, legend_labels=labels,
                                wording=_wording(), chart_id="chart-map")  # fmt: skip
    else:
        svg = ""
    rows = [[county.display_name, formatting.value_text(figure, values[county.code])] for county in counties]
    note = "" if regions else _("The county boundaries are not configured: the map cannot be drawn.")
    return ChartTable(key="map", title=title, svg=_safe(svg),
                      columns=[_("County or district"), figure_name(figure)], rows=rows, numeric=(1,),
                      note=note or _unavailable_note(figure, table))  # fmt: skip


def _whole_classes(figure: Figure, values: Iterable[float | None]) -> tuple[list[float] | None, list[str] | None]:
    """For counts, classes of whole numbers (0, 1, 2 or 0–4, 5–9 …) rather than 0–0.4; None for other figures (the
    chart's own round classes)."""
    if figure.unit not in ("cases", "count"):
        return None, None
    top = int(max((value for value in values if value is not None), default=0))
    step = max(1, math.ceil((top + 1) / len(charts.SEQUENTIAL)))
    edges = [float(step * index) for index in range(math.ceil((top + 1) / step) + 1)]
    wording = _wording()
    labels = [formatting.grouped(int(low)) if step == 1
              else wording.range.format(lo=formatting.grouped(int(low)), hi=formatting.grouped(int(high) - 1))
              for low, high in itertools.pairwise(edges)]  # fmt: skip
    return edges, labels


def county_regions() -> list[charts.Region]:
    """The counties' outlines (the configured boundaries), or none when no boundaries are configured."""
    from claimbridge.rulebook.services import BoundariesNotConfigured, county_index

    try:
        index = county_index()
    except BoundariesNotConfigured:
        return []
    names = {county.code: county.display_name for county in organisation_selectors.county_list()}
    return [charts.Region(code=region.code, name=names.get(region.code, region.name), geometry=region.geometry,
                          label=map_label(names.get(region.code, region.name)))
            for region in charts.regions_of(index)]  # fmt: skip


_ENGLISH_SUFFIXES = (" Hui Autonomous County", " Autonomous County", " District", " County")


def map_label(name: str) -> str:
    """A county's name as the map prints it: 张家川回族自治县 → 张家川; Wudu District → Wudu."""
    for suffix in _ENGLISH_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return charts.short_name(name)


# --- the filters above the dashboard --------------------------------------------------------------------------------
@dataclass
class Option:
    value: str
    label: str
    group: str = ""


@dataclass
class Field:
    name: str
    label: str
    value: str
    options: list[Option]
    error: Any = None  # an AppError shown next to the field

    @property
    def groups(self) -> list[tuple[str, list[Option]]]:
        """The options by group, in order (a select's optgroups; one unnamed group when none is named)."""
        grouped: dict[str, list[Option]] = {}
        for option in self.options:
            grouped.setdefault(option.group, []).append(option)
        return list(grouped.items())


PICKED_MONTHS = 24


def period_options(today: date | None = None, current: str = "") -> list[Option]:
    """Every quarter since the integration began, and the last two years' months, newest first."""
    from claimbridge.reports.inputs import EARLIEST, current_quarter

    today = today or timezone.localdate()
    quarters, months = [], []
    quarter = current_quarter(today).first
    while quarter >= date(2023, 7, 1) and quarter >= EARLIEST:
        code = f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
        quarters.append(Option(code, quarter_label(code), _("Quarters")))
        quarter = add_months(quarter, -3)
    month = today.replace(day=1)
    for _index in range(PICKED_MONTHS):
        code = f"{month:%Y-%m}"
        months.append(Option(code, month_label(code), _("Months")))
        month = add_months(month, -1)
    options = quarters + months
    if current and current not in {option.value for option in options}:
        options.insert(0, Option(current, current, _("Chosen")))
    return options


def picker(scope: Scope, params: Any, errors: dict[str, Any], *, period: str = "", today: date | None = None
           ) -> list[Field]:  # fmt: skip
    """The filter fields with their options (a company's staff pick no company: theirs is the subject)."""
    from claimbridge.cases.models import Channel

    def value(name: str) -> str:
        return str(params.get(name, "") or "")[:40]

    any_option = Option("", _("All"))
    cities = list(organisation_selectors.city_list())
    fields = [
        Field("period", _("Period"), value("period") or period, period_options(today, value("period")),
              errors.get("period") or errors.get("first") or errors.get("last")),
        Field("city", _("City"), value("city"), [any_option, *(Option(city.code, city.display_name) for city in cities)],
              errors.get("city")),
        Field("county", _("County or district"), value("county"),
              [any_option, *(Option(county.code, county.display_name, city.display_name)
                             for city in cities for county in city.counties.all())], errors.get("county")),
    ]  # fmt: skip
    if scope.sees_all_statistics:
        insurers = organisation_selectors.insurer_list_public()
        fields.append(Field("insurer", _("Insurer"), value("insurer"),
                            [Option("", _("Whole market")), *(Option(i.code, i.display_short_name) for i in insurers)],
                            errors.get("insurer") or errors.get("claims_unit")))  # fmt: skip
    fields.append(Field("channel", _("Channel"), value("channel"),
                        [any_option, *(Option(str(code), str(label)) for code, label in Channel.choices)],
                        errors.get("channel")))  # fmt: skip
    fields.append(
        Field(
            "figure",
            _("Figure for the bars and the map"),
            value("figure") or DEFAULT_FIGURE,
            [Option(figure.code, figure_name(figure)) for figure in FIGURES],
            errors.get("figure"),
        )
    )
    return fields
