"""The progress report as a PDF (R19, B10), Chinese first: title and period, the integration in a sentence, the
association's texts, the headline figures, the charts (stats.charts, through svglib), the tables, the suppression
note, and the version with its reason when it corrects an earlier one. Made once, when the version is published.

The font is the standard PDF CJK font STSong-Light (Adobe-GB1), as for the 协议书 (cases/agreement.py): every
conforming reader supplies it, so the server needs no font files.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone

from claimbridge.reports.public_tables import SUPPRESSION_NOTE, TABLE_COLUMNS, shown, tables_of
from claimbridge.reports.publication_charts import report_charts
from claimbridge.reports.publication_models import ReportVersion
from claimbridge.stats.figures import BY_CODE, FIGURES

FONT = "STSong-Light"
TITLE = "陇南—天水车险理赔服务一体化进展报告"
INTEGRATION = ("自2023年8月15日起，陇南、天水两市车险理赔一体化：在一市投保、在另一市出险的车主，可到承保公司在两市的任一机构"
               "理赔（通赔通办）；无人伤亡的轻微两车事故，可在手机上快速处理、定责索赔（快处易赔）。")  # fmt: skip
TABLE_TITLES = {"city": ("按城市", "城市"), "county": ("按县区", "县区"), "insurer": ("按保险公司", "保险公司"),
                "month": ("按月（近12个月）", "月份")}  # fmt: skip


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _paragraphs(text: str) -> list[str]:
    return [escape(part.strip()) for part in text.split("\n") if part.strip()]


def report_pdf(*, version: ReportVersion, published_at: datetime | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from claimbridge.stats.charts import svg_to_drawing

    _register_font()
    report, snapshot = version.report, version.snapshot
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    number_style = ParagraphStyle("number", parent=cell_style, alignment=2)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=1)
    subtitle = ParagraphStyle("subtitle", parent=body, fontSize=11, leading=16, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=3,
                             textColor=colors.HexColor("#0b4f6c"))  # fmt: skip
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.HexColor("#57606a"))
    width = A4[0] - 30 * mm

    def grid(rows: list[list[Any]], widths: list[float], *, header: bool = True, total: bool = False) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style: list[Any] = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c959f")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]  # fmt: skip
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f6")))
        if total:
            style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f6f8fa")))
        table.setStyle(TableStyle(style))
        return table

    label = snapshot["period"]["label"]["zh"]
    story: list[Any] = [
        Paragraph(TITLE, title),
        Paragraph(f"第{report.number}期　{escape(label)}　第{version.n}版", subtitle),
        Spacer(1, 3 * mm),
        Paragraph(escape(INTEGRATION), body),
        Paragraph(
            f"数据截至 {escape(_local(snapshot['computed_at']))}，取自平台的统计汇总；"
            f"{'公布于 ' + timezone.localtime(published_at).strftime('%Y-%m-%d') if published_at else '尚未公布'}。",
            small,
        ),
    ]
    if version.correction_reason:
        story += [Spacer(1, 2 * mm), Paragraph(f"<b>更正说明（第{version.n}版）：</b>{escape(version.correction_reason)}",
                                               body)]  # fmt: skip
    for heading_text, text in (("概述", version.summary_zh), ("要点", version.highlights_zh)):
        if text.strip():
            story += [Paragraph(heading_text, heading), *[Paragraph(part, body) for part in _paragraphs(text)]]

    story.append(Paragraph("主要指标", heading))
    headline = snapshot["headline"]
    pairs = [(Paragraph(escape(figure.name.zh), cell_style),
              Paragraph(escape(shown(figure, headline.get(figure.code))), number_style)) for figure in FIGURES]  # fmt: skip
    half = (len(pairs) + 1) // 2
    rows = [[*pairs[i], *(pairs[i + half] if i + half < len(pairs) else ("", ""))] for i in range(half)]
    story.append(grid(rows, [width * 0.32, width * 0.18, width * 0.32, width * 0.18], header=False))

    drawn = report_charts(snapshot, id_prefix="pdf")
    story.append(KeepTogether([Paragraph("图表", heading), svg_to_drawing(drawn.trend, font=FONT, width=width * 0.8)]))
    pair = [svg_to_drawing(drawn.counties, font=FONT, width=width / 2 - 2 * mm)]
    if drawn.map is not None:
        pair.append(svg_to_drawing(drawn.map, font=FONT, width=width / 2 - 2 * mm))
    side_by_side = Table([pair], colWidths=[width / 2] * len(pair))
    side_by_side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [Spacer(1, 4 * mm), side_by_side]

    columns = [BY_CODE[code] for code in TABLE_COLUMNS]
    column_width = (width - 30 * mm) / len(columns)
    for name, table in tables_of(snapshot):
        title_text, first_column = TABLE_TITLES[name]
        header = [Paragraph(first_column, cell_style),
                  *[Paragraph(escape(figure.name.zh), cell_style) for figure in columns]]  # fmt: skip
        lines = [header]
        for row in [*table["rows"], *([table["total"]] if table.get("total") else [])]:
            lines.append([Paragraph(escape(row["label"]["zh"]), cell_style),
                          *[Paragraph(escape(shown(figure, row["cells"].get(figure.code))), number_style)
                            for figure in columns]])  # fmt: skip
        story += [
            Paragraph(title_text, heading),
            grid(lines, [30 * mm] + [column_width] * len(columns), total=bool(table.get("total"))),
        ]
    story += [Spacer(1, 3 * mm), Paragraph(escape(SUPPRESSION_NOTE.zh), small),
              Paragraph("指标的定义与计算方法见随附的电子表格（“说明”工作表）。", small)]  # fmt: skip

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#57606a"))
        canvas.drawString(15 * mm, 10 * mm, f"理赔桥　{TITLE}　第{report.number}期　第{version.n}版")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=17 * mm, title=f"{TITLE} 第{report.number}期 {label} 第{version.n}版",
                                 author="陇南市保险行业协会、天水市保险行业协会", creator="ClaimBridge",
                                 invariant=True)  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _local(moment: str) -> str:
    return datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M")
