"""The printable credential card (R6): badge size (85.6 × 54 mm), Chinese first, English second, with the QR code
of the verification link carrying the signed token."""

from __future__ import annotations

import io
from typing import Any

WIDTH_MM, HEIGHT_MM = 85.6, 54.0


def card_pdf(*, credential: Any, verify_url: str) -> bytes:
    import segno
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    adjuster = credential.adjuster
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(WIDTH_MM * mm, HEIGHT_MM * mm))
    page.setTitle(f"{credential.number}")
    page.setFillColor(colors.HexColor("#0b6e4f"))
    page.rect(0, (HEIGHT_MM - 11) * mm, WIDTH_MM * mm, 11 * mm, stroke=0, fill=1)
    page.setFillColor(colors.white)
    page.setFont(font, 9)
    page.drawString(4 * mm, (HEIGHT_MM - 5.5) * mm, f"{adjuster.association.name} 车险查勘员工作证")
    page.setFont("Helvetica", 6)
    page.drawString(4 * mm, (HEIGHT_MM - 9) * mm, "Motor claims adjuster — industry credential")
    page.setFillColor(colors.black)
    page.setStrokeColor(colors.grey)
    if adjuster.photo_name:
        from django.core.files.storage import default_storage

        with default_storage.open(adjuster.photo_name, "rb") as photo:
            page.drawImage(ImageReader(io.BytesIO(photo.read())), 4 * mm, 6 * mm, 20 * mm, 26.7 * mm)
    else:  # a box to paste the photo in
        page.rect(4 * mm, 6 * mm, 20 * mm, 26 * mm, stroke=1, fill=0)
        page.setFont(font, 6)
        page.drawCentredString(14 * mm, 18 * mm, "照片 Photo")
    lines = [
        ("姓名 Name", adjuster.full_name),  # the holder's own badge: the name in full
        ("公司 Company", adjuster.insurer.short_name),
        ("编号 No.", credential.number),
        ("有效期 Valid", f"{credential.valid_from:%Y-%m-%d} – {credential.valid_until:%Y-%m-%d}"),
    ]
    y = (HEIGHT_MM - 17) * mm
    for label, value in lines:
        page.setFont(font, 5.5)
        page.drawString(27 * mm, y, label)
        page.setFont(font, 7.5)
        page.drawString(27 * mm, y - 3.2 * mm, value)
        y -= 8 * mm
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    page.drawImage(ImageReader(qr), (WIDTH_MM - 27) * mm, 5 * mm, 24 * mm, 24 * mm)
    page.setFont(font, 5)
    page.drawCentredString((WIDTH_MM - 15) * mm, 3 * mm, "扫码核验 Scan to verify")
    page.showPage()
    page.save()
    return buffer.getvalue()


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI for a page (the same code as on the printed card), scaled by CSS."""
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=4, border=2))
