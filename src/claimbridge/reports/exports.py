"""The dashboard's tables as a spreadsheet and as CSV (issue 17): the same tables the page shows (dashboard.tables,
so the same scope), read from the roll-ups only. The spreadsheet has a sheet per table with numbers people can sum
(shares as percentages, money in yuan); the CSV is one long table for machines, values as the API writes them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from claimbridge.reports.dashboard import Tables, figure_name
from claimbridge.reports.formatting import value_string
from claimbridge.reports.selectors import FigureTable
from claimbridge.stats.figures import FIGURES, Figure

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = {"share": "0.0%", "yuan": "#,##0.00", "minutes": "#,##0", "cases": "#,##0", "count": "#,##0"}


def _table_names() -> dict[str, str]:
    return {"total": _("Totals"), "month": _("By month"), "county": _("By county or district"),
            "insurer": _("By insurer")}  # fmt: skip


def _scopes(found: Tables, grouping: str) -> list[tuple[str, str, FigureTable]]:
    """(scope code, scope name, table) of one grouping: the subject's first, then the market's."""
    scopes = []
    if grouping in found.own:
        scopes.append(("subject", found.subject_name, found.own[grouping]))
    if grouping in found.market:
        scopes.append(("market", _("Market"), found.market[grouping]))
    return scopes


def _rows(table: FigureTable, grouping: str) -> list[Any]:
    if grouping == "total":
        return [table.total]
    return [*table.rows, table.total]


def _cell_value(figure: Figure, value: Any) -> Any:
    if value is None:
        return None
    if figure.unit in ("share", "yuan"):
        return Decimal(value)
    return int(value)


def workbook(found: Tables) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for sheet_ in list(book.worksheets):  # the empty default sheet
        book.remove(sheet_)
    bold = Font(bold=True)
    names = _table_names()
    for grouping in ("total", "month", "county", "insurer"):
        scopes = _scopes(found, grouping)
        if not scopes:
            continue
        sheet = book.create_sheet(title=names[grouping][:31])
        sheet.append([f"{found.query.first:%Y-%m} – {found.query.last:%Y-%m}" if grouping != "month"
                      else f"{found.trend.first:%Y-%m} – {found.trend.last:%Y-%m}"])  # fmt: skip
        sheet.append([_("Scope"), _("Group"), *(figure_name(figure) for figure in FIGURES)])
        sheet.append(["", "", *(figure.code for figure in FIGURES)])
        for cell in (*sheet[2], *sheet[3]):
            cell.font = bold
        for _code, scope_name, table in scopes:
            for row in _rows(table, grouping):
                label = row.label if grouping == "total" or row.key != "total" else _("Total")
                sheet.append([scope_name, label, *(_cell_value(f, row.values.get(f.code)) for f in FIGURES)])
                for index, figure in enumerate(FIGURES, start=3):
                    sheet.cell(sheet.max_row, index).number_format = FORMATS.get(figure.unit, "General")
        sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CSV_COLUMNS = ("table", "scope", "scope_name", "key", "label", "figure", "figure_name", "unit", "value", "base")


def csv_text(found: Tables) -> str:
    """One line per table × scope × group × figure; a UTF-8 byte-order mark first, so that spreadsheets read the
    Chinese right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for grouping in ("total", "month", "county", "insurer"):
        for scope_code, scope_name, table in _scopes(found, grouping):
            for row in _rows(table, grouping):
                for figure in FIGURES:
                    writer.writerow([grouping, scope_code, scope_name, row.key, row.label, figure.code,
                                     figure_name(figure), figure.unit, value_string(row.values.get(figure.code)) or "",
                                     row.bases.get(figure.code, 0)])  # fmt: skip
    return buffer.getvalue()


def row_count(found: Tables) -> int:
    """How many rows (groups) the export holds, over every table and scope: the access record's count (issue 20)."""
    return sum(len(_rows(table, grouping)) for grouping in ("total", "month", "county", "insurer")
               for _code, _name, table in _scopes(found, grouping))  # fmt: skip
