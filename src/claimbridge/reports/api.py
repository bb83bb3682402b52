"""/api/v1/reports/figures: the integration's figures over the API (issue 17; B9, R17, R19).

An insurer's system pulls its own company's figures with its API key (`insurer=<its code>`, or a claims unit of its
own) and the market's totals (no company named); another company's figures, or every company broken out
(`by=insurer`), are refused with 403, as for its staff on the dashboard. The associations, the regulator and the
platform read every company's. Values are strings — decimals exactly (`"0.1250"` is a share of 12.5 %, `"1234.50"`
yuan), counts and minutes as whole numbers — or null where a figure is undefined (a share of nothing, a median of
no waits). `/figures/definitions` lists every figure with its formula, for anyone.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import forbidden
from claimbridge.core.schemas import responses
from claimbridge.reports import inputs, selectors
from claimbridge.reports.formatting import value_string
from claimbridge.reports.selectors import FigureRow, FigureTable
from claimbridge.rules.common import Text
from claimbridge.stats.figures import FIGURES, Figure

router = Router(tags=["reports"])


class FigureQueryIn(Schema):
    period: str = ""  # a quarter 2026-Q3 or a month 2026-07 (default: the current quarter)
    first: str = ""  # or the first and last months, YYYY-MM
    last: str = ""
    city: str = ""  # administrative code, e.g. 621200
    county: str = ""  # administrative code, e.g. 621202
    insurer: str = ""  # a company's code, e.g. maiji
    claims_unit: str = ""  # a claims unit's id
    channel: str = ""  # driver | adjuster | hotline
    by: str = ""  # month | quarter | city | county | insurer | claims_unit | channel ("" for the total only)


class NameOut(Schema):
    zh: str
    en: str


class FigureValueOut(Schema):
    code: str
    value: str | None
    base: int  # the cases (parties, stops, clues) behind the value
    unit: str  # cases | share | minutes | yuan | count
    name: NameOut


class FigureRowOut(Schema):
    key: str  # the group: "2026-07", "2026-Q3", an id of a city, county, company or claims unit, a channel code
    label: str
    figures: list[FigureValueOut]


class FigureTableOut(Schema):
    first: str  # YYYY-MM
    last: str
    by: str
    insurer_view: bool  # counted by the company's weight: each case the company has a party in, once
    rows: list[FigureRowOut]
    total: FigureRowOut
    unavailable: list[str]  # figures the breakdown does not keep (e.g. waits by channel): their values are null


class DefinitionOut(Schema):
    code: str
    name: NameOut
    unit: str
    formula: NameOut
    requirement: str
    source: str  # cases | stops | clues


class DefinitionListOut(Schema):
    figures: list[DefinitionOut]


def _name(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def _figure(figure: Figure, row: FigureRow) -> dict[str, Any]:
    return {"code": figure.code, "value": value_string(row.values.get(figure.code)),
            "base": row.bases.get(figure.code, 0), "unit": figure.unit, "name": _name(figure.name)}  # fmt: skip


def _row(row: FigureRow, figures: tuple[Figure, ...]) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "figures": [_figure(figure, row) for figure in figures]}


def table_out(table: FigureTable) -> dict[str, Any]:
    query = table.query
    return {"first": f"{query.first:%Y-%m}", "last": f"{query.last:%Y-%m}", "by": query.by,
            "insurer_view": query.insurer_view, "rows": [_row(row, table.figures) for row in table.rows],
            "total": _row(table.total, table.figures), "unavailable": sorted(table.unavailable)}  # fmt: skip


@router.get("/figures", auth=API_AUTH, response=responses({200: FigureTableOut}),
            summary="The figures of a period, in total and by a grouping: one's own company and the market")  # fmt: skip
def figure_table(request: HttpRequest, params: Query[FigureQueryIn]) -> dict[str, Any]:
    scope = scope_for(request.user)
    if not scope.sees_statistics:  # refused before the query is read: nothing about it is told
        raise forbidden()
    return table_out(selectors.figures(scope, inputs.figure_query(params.dict())))


@router.get("/figures/definitions", response=responses({200: DefinitionListOut}),
            summary="Every figure: its code, names, unit and how it is computed")  # fmt: skip
def figure_definitions(request: HttpRequest) -> dict[str, Any]:
    return {"figures": [{"code": figure.code, "name": _name(figure.name), "unit": figure.unit,
                         "formula": _name(figure.formula), "requirement": figure.requirement,
                         "source": figure.source} for figure in FIGURES]}  # fmt: skip
