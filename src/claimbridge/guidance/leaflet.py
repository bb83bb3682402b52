"""The guide as a leaflet to print (R18): the steps at the roadside, when 快处易赔 applies and when it does not, the
21 circumstances with their drawings, and the photos to take — the same lists as the pages (`content`), so a rule
changed in the kernel changes the leaflet too.

The font is the standard PDF CJK font STSong-Light, registered and used the way the progress report does it
(`reports.pdf`, `stats.charts.svg_to_drawing`): every conforming reader supplies it, so no font file ships. The
drawings are the very SVGs of the pages (`cases.diagrams`), converted by svglib.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, override

from claimbridge.core.errors import in_current_language
from claimbridge.guidance import content
from claimbridge.reports.pdf import FONT
from claimbridge.rules.circumstances import Catalogue

COLUMNS = 3  # circumstances per row on A4


def leaflet_pdf(*, catalogue: Catalogue, language: str) -> bytes:
    """The leaflet in `language`, made once per catalogue (version and items), language and set of required photos."""
    from claimbridge.evidence.slots import required_slot_codes

    key = (catalogue.version, catalogue.effective_from, tuple(catalogue.items), language, required_slot_codes())
    if key not in _MADE:
        if len(_MADE) >= 8:
            _MADE.clear()
        with override(language):
            _MADE[key] = _build(catalogue)
    return _MADE[key]


_MADE: dict[tuple[object, ...], bytes] = {}


def _build(catalogue: Catalogue) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        KeepTogether,
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from claimbridge.stats.charts import svg_to_drawing

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15.5, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5)
    muted = ParagraphStyle("muted", parent=small, textColor=colors.HexColor("#5b6673"))
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=25, alignment=1,
                           textColor=colors.HexColor("#0b6e4f"))  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4,
                             textColor=colors.HexColor("#0b6e4f"))  # fmt: skip
    width = A4[0] - 30 * mm

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def listed(
        lines: list[str], *, numbered: bool = False, style: ParagraphStyle = body, bullet: str = "●"
    ) -> ListFlowable:
        items: list[Any] = [ListItem(para(line, style), leftIndent=14) for line in lines]
        options: dict[str, Any] = {"bulletFontName": FONT, "bulletFontSize": style.fontSize, "leftIndent": 14}
        if numbered:
            return ListFlowable(items, bulletType="1", bulletFormat="%s.", **options)
        return ListFlowable(items, bulletType="bullet", start=bullet, **options)

    def halves(lines: list[str]) -> Table:
        """A long list in two columns (STSong-Light has no check mark: a round bullet)."""
        middle = (len(lines) + 1) // 2
        columns = [listed(lines[:middle], style=small), listed(lines[middle:], style=small)]
        table = Table([columns], colWidths=[width / 2] * 2)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    guide_url = settings.SITE_URL.rstrip("/") + reverse("guide")
    story: list[Any] = [
        para(gettext("Longnan–Tianshui motor claims: a guide for drivers"), title),
        Spacer(1, 2 * mm),
        para(gettext("One claims service in both cities"), heading),
        para(gettext("Since 15 August 2023 motor claims in Longnan and Tianshui are one service. Insured in one city "
                     "and had an accident in the other? You do not have to go back: any office of your insurer, in "
                     "the city where you bought the policy or in the city of the accident, takes your claim.")),
        para(gettext("快处易赔: settle a minor accident yourselves"), heading),
        para(gettext("A minor accident between two motor vehicles, with only light exterior damage, nobody hurt, no "
                     "other property damaged and both cars still drivable, can be settled online:")),
        listed([str(step) for step in content.STEPS], numbered=True),
        para(gettext("It applies only when all of these hold"), heading),
        halves(content.conditions()),
        para(gettext("When it does not apply"), heading),
        listed(content.when_not(), style=small, bullet="×"),
    ]  # fmt: skip

    # The 21 circumstances, three to a row, each drawing above its number, title and who is liable.
    cell_width = width / COLUMNS
    cells: list[Any] = []
    for entry in content.circumstances(catalogue, size=80):
        drawing = svg_to_drawing(entry.svg, width=22 * mm)
        words = [
            Paragraph(f"<b>{entry.number}.</b> {escape(entry.title)}", small),
            para(entry.liable, muted),
        ]
        if not entry.decides_alone:
            words.append(para(gettext("Counts only when both parties confirm it or the police decide online."), muted))
        cells.append(Table([[drawing, words]], colWidths=[24 * mm, cell_width - 26 * mm],
                           style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 1),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))  # fmt: skip
    rows = [cells[index : index + COLUMNS] for index in range(0, len(cells), COLUMNS)]
    rows[-1] += [""] * (COLUMNS - len(rows[-1]))
    grid = Table(rows, colWidths=[cell_width] * COLUMNS)
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                              ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.HexColor("#d8dee6"))]))  # fmt: skip
    story += [
        para(gettext("The 21 circumstances and who is liable"), heading),
        para(in_current_language(catalogue.rule.zh, catalogue.rule.en)),
        para(gettext("In each drawing the orange car is the one at fault and the blue car the other; the arrows show "
                     "where each was going."), muted),
        Spacer(1, 2 * mm),
        grid,
    ]  # fmt: skip

    # The photos, required ones first, each with its example picture.
    photo_rows = []
    for photo in content.photos():
        picture: Any = ""
        if photo.example_path:
            with open(photo.example_path, encoding="utf-8") as example:
                picture = svg_to_drawing(example.read(), width=20 * mm)
        marks = []
        if photo.required:
            marks.append(gettext("required"))
        if photo.per_party:
            marks.append(gettext("for each vehicle"))
        joined = in_current_language("（{}）", " ({})").format(in_current_language("、", ", ").join(marks))
        name = f"<b>{escape(photo.name)}</b>" + (escape(joined) if marks else "")
        photo_rows.append([picture, [Paragraph(name, small), para(photo.hint, muted)]])
    photos = Table(photo_rows, colWidths=[23 * mm, width - 23 * mm])
    photos.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.HexColor("#d8dee6"))]))  # fmt: skip
    story += [
        para(gettext("Photos to take at the scene"), heading),
        para(gettext("Switch on the hazard lights and put out the warning triangle first. At least %(n)s photos "
                     "are needed: the side-front and side-rear views and the point of collision; each photo should "
                     "show the number plates and the road markings.") % {"n": content.minimum_photos()}),
        Spacer(1, 2 * mm),
        photos,
        Spacer(1, 4 * mm),
        KeepTogether([para(gettext("Someone hurt, a driver who may have drunk, a car that cannot move? Call the "
                                   "police on %(phone)s and stay at the scene.") % {"phone": content.POLICE_PHONE}),
                      para(gettext("This guide online: %(url)s") % {"url": guide_url}, muted)]),
    ]  # fmt: skip

    footer_text = gettext("ClaimBridge | Longnan–Tianshui motor claims integration")

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#5b6673"))
        canvas.drawString(15 * mm, 10 * mm, footer_text)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, gettext("Page %(n)s") % {"n": document.page})
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                                 bottomMargin=16 * mm, title=gettext("Longnan–Tianshui motor claims: a guide for drivers"),
                                 author=gettext("ClaimBridge"))  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
