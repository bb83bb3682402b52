"""R15 reports as a spreadsheet and a PDF (Chinese headings, English second)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

HEADINGS = ("查勘员 Adjuster", "他司案件 Other-company cases", "奖励（元）Reward (yuan)",
            "确认欺诈线索 Confirmed fraud clues", "线索奖励（元）Fraud-clue rewards (yuan)")  # fmt: skip


def _line(row: dict[str, Any]) -> list[Any]:
    return [row["name"], row["cases"], row["reward"], row.get("fraud_rewards", 0), row.get("fraud_reward", "0.00")]


def _total(report: Any) -> list[Any]:
    count = sum(row.get("fraud_rewards", 0) for row in report.rows)
    return ["合计 Total", report.total_cases, str(report.total_reward), count, str(report.total_fraud_reward)]


def report_xlsx(report: Any) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.create_sheet(index=0)
    book.remove(book.worksheets[1])
    sheet.title = f"{report.month:%Y-%m}"
    sheet.append([f"{report.association.name} · {report.insurer.name} · {report.month:%Y-%m}"])
    sheet.append(list(HEADINGS))
    for line in [*map(_line, report.rows), _total(report)]:
        sheet.append([Decimal(cell) if index in (2, 4) else cell for index, cell in enumerate(line)])
        for cell in (sheet.cell(sheet.max_row, 3), sheet.cell(sheet.max_row, 5)):
            cell.number_format = "0.00"  # yuan to the fen
    for correction in report.corrections.all():
        sheet.append([f"更正 Correction {correction.at:%Y-%m-%d}: {correction.reason}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(report: Any) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=8, leading=11)  # wraps between words, not inside
    title = ParagraphStyle("title", parent=body, fontSize=14, leading=20)
    data = [[Paragraph(text, heading) for text in HEADINGS], *map(_line, report.rows), _total(report)]
    table = Table(data, colWidths=[110, 80, 80, 90, 100])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story: list[Any] = [Paragraph(f"查勘员跨公司服务月报 {report.month:%Y-%m}", title),
                        Paragraph(f"{report.association.name} · {report.insurer.name} · 每案奖励 {report.rate} 元", body),
                        Spacer(1, 8), table]  # fmt: skip
    for correction in report.corrections.all():
        story.append(Paragraph(f"更正（{correction.at:%Y-%m-%d}）：{correction.reason}", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"查勘员跨公司服务月报 {report.month:%Y-%m}").build(story)
    return buffer.getvalue()
