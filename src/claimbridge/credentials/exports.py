"""R15 reports as a spreadsheet and a PDF (Chinese headings, English second)."""

from __future__ import annotations

import io
from typing import Any

HEADINGS = ("查勘员 Adjuster", "他司案件 Other-company cases", "奖励（元）Reward (yuan)")


def report_xlsx(report: Any) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.create_sheet(index=0)
    book.remove(book.worksheets[1])
    sheet.title = f"{report.month:%Y-%m}"
    sheet.append([f"{report.association.name} · {report.insurer.name} · {report.month:%Y-%m}"])
    sheet.append(list(HEADINGS))
    for row in report.rows:
        sheet.append([row["name"], row["cases"], float(row["reward"])])
    sheet.append(["合计 Total", report.total_cases, float(report.total_reward)])
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
    title = ParagraphStyle("title", parent=body, fontSize=14, leading=20)
    data = [list(HEADINGS), *[[row["name"], row["cases"], row["reward"]] for row in report.rows],
            ["合计 Total", report.total_cases, str(report.total_reward)]]  # fmt: skip
    table = Table(data)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story: list[Any] = [Paragraph(f"查勘员跨公司服务月报 {report.month:%Y-%m}", title),
                        Paragraph(f"{report.association.name} · {report.insurer.name} · 每案奖励 {report.rate} 元", body),
                        Spacer(1, 8), table]  # fmt: skip
    for correction in report.corrections.all():
        story.append(Paragraph(f"更正（{correction.at:%Y-%m-%d}）：{correction.reason}", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"R15 {report.month:%Y-%m}").build(story)
    return buffer.getvalue()
