"""Reading the figures (issue 17): every dashboard, export and API answer comes from here, through the roll-ups only,
and only as far as the scope allows (accounts/scope.py: `sees_statistics`, `may_see_insurer_figures`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claimbridge.accounts.scope import Scope
from claimbridge.cases.models import Channel
from claimbridge.core.errors import AppError, forbidden, in_current_language
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer
from claimbridge.reports.models import GRAINS, CaseRollup, ClueRollup, DurationCount, StopRollup
from claimbridge.reports.rollups import ROLLUP_COUNTERS
from claimbridge.stats.figures import FIGURES, NUMERATOR, Figure, base_of, numerator_of, value_of
from claimbridge.stats.quantiles import Counts

GROUPINGS = ("month", "quarter", "city", "county", "insurer", "claims_unit", "channel")
_COLUMN = {"city": "city_id", "county": "county_id", "insurer": "insurer_id", "claims_unit": "claims_unit_id",
           "channel": "channel"}  # fmt: skip
SOURCE_DIMENSIONS = {  # what each source's roll-ups are kept by (besides the month)
    "cases": frozenset({"city", "county", "insurer", "claims_unit", "channel"}),
    "stops": frozenset({"city", "county", "insurer"}),
    "clues": frozenset({"city", "county", "insurer"}),
}
STOP_COUNTERS = ("stops", "stops_other")
CLUE_COUNTERS = ("clues", "confirmed", "amount_saved_fen")
Waits = dict[str, dict[str, dict[int, tuple[int, int]]]]  # group → measure → bucket → (count, minutes)


@dataclass(frozen=True)
class FigureQuery:
    first: date  # the first month (its first day)
    last: date  # the last month, included
    city: int | None = None
    county: int | None = None
    insurer: int | None = None
    claims_unit: int | None = None
    channel: str | None = None
    by: str = ""  # one of GROUPINGS, or "" for the total only

    @property
    def dimensions(self) -> frozenset[str]:
        used = {name for name in ("city", "county", "insurer", "claims_unit", "channel") if getattr(self, name)}
        if self.by in _COLUMN:
            used.add(self.by)
        return frozenset(used)

    @property
    def insurer_view(self) -> bool:
        """Counts cases by a company's weight: the query is about a company (or its units)."""
        return bool({"insurer", "claims_unit"} & self.dimensions)


@dataclass
class FigureRow:
    key: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)


@dataclass
class FigureTable:
    query: FigureQuery
    rows: list[FigureRow]
    total: FigureRow
    unavailable: frozenset[str]  # figures the query's breakdown does not keep (e.g. waits by channel)
    figures: tuple[Figure, ...] = FIGURES


def other_insurer(field: str = "insurer") -> AppError:
    return AppError("other_insurer", "不能查看其他保险公司的指标：可以查看本公司的指标和全市场合计",
                    "You cannot see another company's figures: your own company's and the market's totals are shown",
                    status=403, field=field)  # fmt: skip


def check_access(scope: Scope, query: FigureQuery) -> None:
    """Refuse what the user may not see: the dashboards at all, another company's figures, or every company broken
    out. Seeing the market's totals is never seeing a competitor's."""
    if not scope.sees_statistics:
        raise forbidden()
    if query.by == "insurer" and not scope.may_see_insurer_figures(None):
        raise other_insurer("by")
    if query.insurer is not None and not scope.may_see_insurer_figures(query.insurer):
        raise other_insurer()
    if query.claims_unit is not None or query.by == "claims_unit":
        owner = _unit_insurer(query.claims_unit) if query.claims_unit is not None else query.insurer
        if not scope.may_see_insurer_figures(owner):
            raise other_insurer("claims_unit")
        if query.claims_unit is not None and query.insurer is not None and owner != query.insurer:
            raise AppError.translated("unit_not_of_insurer", _("That claims unit is not one of this company's."),
                                      field="claims_unit")  # fmt: skip


def _unit_insurer(unit_id: int | None) -> int | None:
    if unit_id is None:
        return None
    unit = ClaimsUnit.objects.filter(pk=unit_id).values_list("branch__insurer_id", flat=True).first()
    if unit is None:
        raise AppError.translated("unknown_claims_unit", gettext_lazy("There is no such claims unit."),
                                  field="claims_unit")  # fmt: skip
    return unit


def figures(scope: Scope, query: FigureQuery) -> FigureTable:
    check_access(scope, query)
    return compute(query)


def compute(query: FigureQuery) -> FigureTable:
    """The figures of a query (access already checked): one row per group, and the total."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: Waits = defaultdict(lambda: defaultdict(dict))
    unavailable: set[str] = set()
    for source, model, counters in (("cases", CaseRollup, ROLLUP_COUNTERS), ("stops", StopRollup, STOP_COUNTERS),
                                    ("clues", ClueRollup, CLUE_COUNTERS)):  # fmt: skip
        if not query.dimensions <= SOURCE_DIMENSIONS[source]:
            unavailable |= {figure.code for figure in FIGURES if figure.source == source}
            continue
        for key, row in _grouped(model, query, counters):
            for name, value in row.items():
                sums[key][_name(name)] += int(value or 0)
    grain = _grain_for(query.dimensions)
    if grain is None:
        unavailable |= {figure.code for figure in FIGURES if figure.measure}
    else:
        rows = _filtered(DurationCount.objects.filter(grain=grain), query)
        group = _group_column(query)
        fields = [*([group] if group else []), "measure", "bucket"]
        values = rows.values(*fields).annotate(total=Sum("n"), minutes=Sum("minutes")).order_by()
        keys: dict[Any, str] = {}  # a group's key made once, not once per bucket (thousands of rows)
        for *grouped, measure, bucket, n, minutes in _raw_rows(values.values_list(*fields, "total", "minutes")):
            raw = grouped[0] if grouped else None
            found = keys.get(raw)
            if found is None:
                found = keys[raw] = _group_key(query, raw)
                sums[found]  # a group with waits only still has a row
            counts = waits[found][measure]
            before = counts.get(bucket)
            counts[bucket] = (n, minutes) if before is None else (before[0] + n, before[1] + minutes)
    if query.by == "quarter":
        sums, waits = _by_quarter(sums, waits)
    labels = _labels(query.by, sums.keys())
    rows = [_row(key, labels.get(key, key), sums[key], waits.get(key, {}), query, unavailable)
            for key in _ordered(query.by, sums.keys(), labels)]  # fmt: skip
    total_sums: dict[str, int] = defaultdict(int)
    total_waits: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for key in sums:
        for name, value in sums[key].items():
            total_sums[name] += value
        for measure, counts in waits.get(key, {}).items():
            for bucket, entry in counts.items():
                _add(total_waits[measure], bucket, entry)
    total = _row("total", _("Total"), total_sums, total_waits, query, unavailable)
    return FigureTable(query=query, rows=rows if query.by else [], total=total, unavailable=frozenset(unavailable))


def _raw_rows(queryset: Any) -> list[tuple[Any, ...]]:
    """The query's rows as the driver gives them: thousands of plain integers need none of the ORM's converters."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _name(column: str) -> str:
    return column[: -len("_fen")] if column.endswith("_fen") else column


def _row(key: str, label: str, sums: Mapping[str, int], waits: Mapping[str, Counts], query: FigureQuery,
         unavailable: set[str]) -> FigureRow:  # fmt: skip
    money = {name: Decimal(sums.get(name, 0)) / 100 for name in ("amount_settled", "amount_paid", "amount_saved")}
    values: dict[str, int | Decimal] = {**sums, **money}
    row = FigureRow(key=key, label=label)
    for figure in FIGURES:
        if figure.code in unavailable:
            row.values[figure.code], row.bases[figure.code] = None, 0
            continue
        row.values[figure.code] = value_of(figure, values, waits, insurer_view=query.insurer_view)
        row.bases[figure.code] = base_of(figure, values, waits, insurer_view=query.insurer_view)
        counted = numerator_of(figure, values, insurer_view=query.insurer_view)
        if counted is not None:  # what a public share must also protect (public_tables.cell_count)
            row.bases[f"{figure.code}{NUMERATOR}"] = counted
    return row


def _filtered(rows: Any, query: FigureQuery) -> Any:
    rows = rows.filter(month__gte=query.first, month__lte=query.last)
    for name, column in _COLUMN.items():
        value = getattr(query, name)
        if value:
            rows = rows.filter(**{column: value})
    return rows


def _group_column(query: FigureQuery) -> str:
    return "month" if query.by in ("month", "quarter") else _COLUMN.get(query.by, "")


def _group_key(query: FigureQuery, value: Any) -> str:
    if not query.by:
        return "total"
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    if query.by in ("month", "quarter"):  # a month as SQLite's driver gives it: "2026-10-01"
        return str(value)[:7]
    return str(value if value is not None else 0)


def _grouped(model: Any, query: FigureQuery, counters: Iterable[str]) -> Iterable[tuple[str, dict[str, Any]]]:
    group = _group_column(query)
    rows = _filtered(model.objects.all(), query)
    values = rows.values(*([group] if group else [])).annotate(**{f"s_{c}": Sum(c) for c in counters}).order_by()
    for row in values:
        key = _group_key(query, row.get(group) if group else None)
        yield key, {name[2:]: value for name, value in row.items() if name.startswith("s_")}


def _grain_for(dimensions: frozenset[str]) -> str | None:
    """The coarsest grouping of the waits that keeps every dimension asked for (None: none keeps them all)."""
    wanted = {_COLUMN[name] for name in dimensions}
    fitting = [grain for grain, kept in GRAINS.items() if wanted <= set(kept)]
    return min(fitting, key=lambda grain: len(GRAINS[grain])) if fitting else None


def _add(counts: dict[int, tuple[int, int]], bucket: int, entry: tuple[int, int]) -> None:
    n, minutes = counts.get(bucket, (0, 0))
    counts[bucket] = (n + entry[0], minutes + entry[1])


def _by_quarter(sums: Any, waits: Any) -> tuple[Any, Any]:
    quarter_sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    quarter_waits: Waits = defaultdict(lambda: defaultdict(dict))
    for key, row in sums.items():
        year, month = (int(part) for part in key.split("-"))
        quarter = f"{year}-Q{(month - 1) // 3 + 1}"
        for name, value in row.items():
            quarter_sums[quarter][name] += value
        for measure, counts in waits.get(key, {}).items():
            for bucket, entry in counts.items():
                _add(quarter_waits[quarter][measure], bucket, entry)
    return quarter_sums, quarter_waits


def quarter_label(key: str) -> str:
    year, quarter = key.split("-Q")
    return in_current_language(f"{year}年第{quarter}季度", f"{year} Q{quarter}")


def month_label(key: str) -> str:
    year, month = key.split("-")
    return in_current_language(f"{year}年{int(month)}月", f"{year}-{month}")


def _labels(by: str, keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    if by == "month":
        return {key: month_label(key) for key in keys}
    if by == "quarter":
        return {key: quarter_label(key) for key in keys}
    if by == "channel":
        return {key: str(Channel(key).label) if key in Channel.values else key for key in keys}
    models: dict[str, Any] = {"city": City, "county": County, "insurer": Insurer, "claims_unit": ClaimsUnit}
    model = models.get(by)
    if model is None:
        return {}
    ids = [int(key) for key in keys if key.isdigit() and key != "0"]
    names = {str(obj.pk): obj.display_name for obj in model.objects.filter(pk__in=ids)}
    return {key: names.get(key, _("not known")) for key in keys}


def _ordered(by: str, keys: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    if by in ("month", "quarter"):
        return sorted(keys)
    return sorted(keys, key=lambda key: (key == "0", labels.get(key, key)))
