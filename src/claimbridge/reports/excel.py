"""The progress report as a spreadsheet (R19, B10): a sheet per table with every published figure — numbers as
numbers, shares as percentages, a withheld cell as ＊ — and a sheet "说明" with each figure's definition (the
formulas of stats.figures, the ones the code runs) and the suppression note. Made once, when the version is
published."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl.styles import Alignment

from claimbridge.reports.pdf import INTEGRATION, TITLE
from claimbridge.reports.public_tables import HIDDEN_MARK, SUPPRESSION_NOTE, UNIT_NAMES, numeric, tables_of
from claimbridge.reports.publication_models import ReportVersion
from claimbridge.stats.figures import FIGURES, Figure

SHEETS = {"headline": "主要指标", "city": "按城市", "county": "按县区", "insurer": "按保险公司", "month": "按月"}
RIGHT = Alignment(horizontal="right")
FORMATS = {"share": "0.0%", "yuan": "#,##0.00", "minutes": "#,##0", "cases": "#,##0", "count": "#,##0"}


def _header(figure: Figure) -> str:
    unit = UNIT_NAMES[figure.unit].zh
    return f"{figure.name.zh}（{unit}）" if figure.unit not in ("share", "yuan") else figure.name.zh


def _put(sheet: Any, row: int, column: int, figure: Figure, cell: dict[str, Any] | None) -> None:
    target = sheet.cell(row=row, column=column)
    if cell and cell.get("hidden"):
        target.value = HIDDEN_MARK
        target.alignment = RIGHT
        return
    target.value = numeric(figure, cell)
    target.number_format = FORMATS[figure.unit]


def report_xlsx(*, version: ReportVersion, published_at: datetime | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    report, snapshot = version.report, version.snapshot
    bold = Font(bold=True)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)

    sheet = book.create_sheet(SHEETS["headline"])
    sheet.append([f"{TITLE} 第{report.number}期 {snapshot['period']['label']['zh']} 第{version.n}版"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"数据截至 {snapshot['computed_at'][:16].replace('T', ' ')}"
                  + (f"；公布于 {timezone.localtime(published_at):%Y-%m-%d}" if published_at else "")])  # fmt: skip
    if version.correction_reason:
        sheet.append([f"更正说明：{version.correction_reason}"])
    sheet.append([])
    sheet.append(["指标", "数值", "代码"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for figure in FIGURES:
        sheet.append([_header(figure), None, figure.code])
        _put(sheet, sheet.max_row, 2, figure, snapshot["headline"].get(figure.code))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 24

    for name, table in tables_of(snapshot):
        sheet = book.create_sheet(SHEETS[name])
        sheet.append([SHEETS[name].removeprefix("按"), *[_header(figure) for figure in FIGURES]])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in [*table["rows"], *([table["total"]] if table.get("total") else [])]:
            sheet.append([row["label"]["zh"]])
            for index, figure in enumerate(FIGURES, start=2):
                _put(sheet, sheet.max_row, index, figure, row["cells"].get(figure.code))
        if table.get("total"):
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.freeze_panes = "B2"
        sheet.column_dimensions["A"].width = 22
        for index in range(2, len(FIGURES) + 2):
            sheet.column_dimensions[get_column_letter(index)].width = 14

    sheet = book.create_sheet("说明")
    sheet.append(["说明"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([INTEGRATION])
    sheet.append([SUPPRESSION_NOTE.zh])
    sheet.append([SUPPRESSION_NOTE.en])
    sheet.append([])
    sheet.append(["代码", "指标", "单位", "计算方法", "Figure", "Definition", "依据"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for figure in FIGURES:
        sheet.append([figure.code, figure.name.zh, UNIT_NAMES[figure.unit].zh, figure.formula.zh, figure.name.en,
                      figure.formula.en, figure.requirement])  # fmt: skip
    for column, width in zip("ABCDEFG", (24, 24, 8, 60, 30, 60, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    book.properties.title = f"{TITLE} 第{report.number}期 第{version.n}版"
    book.properties.creator = "ClaimBridge"
    if published_at is not None:
        book.properties.created = book.properties.modified = published_at.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
