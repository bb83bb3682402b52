"""The 协议书 as a PDF, in Chinese (道路交通事故处理程序规定 第二十一条), with a code that proves it came from here.

Every field the article asks for is printed: time, place, weather; each party's name, driving licence or ID number,
contact, vehicle type and plate, insurer and insurance certificate number; the kind of collision, the point of
impact and each party's liability; and how each party confirmed it. Whether there were witnesses is printed as the
parties answered it (有/无), or 未回答 when nobody did: the question is optional. The document is a legal record for
the parties and their insurers, so identity numbers are printed in full; who may download it is decided by the
callers.

The font is the standard PDF CJK font STSong-Light (Adobe-GB1), which every conforming reader supplies, so the
server needs no font files.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation

from claimbridge.cases.models import Case, CaseParty
from claimbridge.cases.vocabulary import CollisionForm, CollisionPart, Damage, VehicleType, Weather
from claimbridge.rules.circumstances import catalogue_on
from claimbridge.rules.common import LIABILITY_NAMES_ZH
from claimbridge.rules.identifiers import code_as_typed as typed_code
from claimbridge.rules.identifiers import readable_code

FONT = "STSong-Light"
WITNESSES_ZH = {True: "有", False: "无"}  # an optional question: not answered is printed as such (未回答)


def verification_code(digest: str) -> str:
    """16 symbols of the readable alphabet (no 0/O, 1/I, 2/Z, 5/S, 8/B) derived from the agreement's content with the
    server's secret, printed in groups of four: `ACDE-FGHJ-KLMN-PQRT` (about 75 bits)."""
    from django.utils.crypto import salted_hmac

    return typed_code(readable_code(salted_hmac("claimbridge.cases.agreement", digest).digest()[:12], 16), group=4)


def code_as_typed(text: str) -> str:
    """A verification code as people type it from paper (any case, with or without dashes or spaces, full-width),
    back in its printed form; what is not 16 symbols is returned folded, to be refused."""
    letters = typed_code(text)
    return typed_code(text, group=4) if len(letters) == 16 else letters[:19]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else "—"


def cjk_font() -> str:
    """The CJK font registered with reportlab once, by name: every Chinese PDF of the platform prints with it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def agreement_pdf(*, case: Case, parties: list[CaseParty], liability: dict[str, str], code: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    cjk_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)

    def cell(text: Any) -> Paragraph:
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), body)

    def grid(rows: list[list[Any]], widths: list[float]) -> Table:
        table = Table([[cell(value) for value in row] for row in rows], colWidths=widths)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))  # fmt: skip
        return table

    catalogue = catalogue_on(timezone.localdate(case.accident_at) if case.accident_at else None)
    facts = case.facts
    with translation.override("zh-hans"):
        place = f"{case.city.name if case.city else ''}{case.county.name if case.county else ''} {facts.get('place', '')}".strip()
        story: list[Any] = [
            Paragraph("机动车交通事故快速处理协议书", title), Spacer(1, 4 * mm),
            Paragraph(f"案件编号：{case.number}　　协议书核验码：{code}", body), Spacer(1, 3 * mm),
            grid([["事故时间", _local(case.accident_at)], ["事故地点", place or "—"],
                  ["天气", _label(Weather, facts.get("weather", ""))],
                  ["事故形态", _label(CollisionForm, facts.get("collision_form", ""))],
                  ["伤情及物损", "无人员伤亡；" + _label(Damage, facts.get("damage", ""))],
                  ["目击者", WITNESSES_ZH.get(facts.get("witnesses"), "未回答")]], [32 * mm, 138 * mm]),
            Spacer(1, 4 * mm),
        ]  # fmt: skip
        for party in parties:
            numbers = case.circumstances.get(party.label, [])
            circumstances = "；".join(
                f"第 {n} 项 {catalogue.items[n].text.zh}" for n in numbers if n in catalogue.items
            )
            story += [
                grid([
                    [f"当事人 {party.label}", party.driver_name],
                    ["驾驶证号或身份证号", party.driver_licence],
                    ["联系方式", party.driver_phone],
                    ["机动车种类", _label(VehicleType, party.vehicle_type)],
                    ["号牌号码", party.plate],
                    ["保险公司", party.insurer.name if party.insurer else "—"],
                    ["保险凭证号（交强险）", party.ctpl_policy_number or "—"],
                    ["碰撞部位", _label(CollisionPart, party.collision_part)],
                    ["事故情形", circumstances or "无"],
                    ["当事人的责任", LIABILITY_NAMES_ZH.get(liability.get(party.label, ""), "—")],
                    ["确认", f"{party.confirmed_name}，{_local(party.confirmed_at)}，已勾选同意"],
                ], [42 * mm, 128 * mm]),
                Spacer(1, 4 * mm),
            ]  # fmt: skip
        story += [
            Paragraph(
                "各方当事人对上述事实及责任无异议，自愿按本协议向各自承保的保险公司申请理赔。"
                "本协议由各方在理赔桥平台上以本人手机验证后逐一确认。",
                body,
            ),
            Spacer(1, 3 * mm),
            Paragraph(
                f"生成时间：{_local(case.agreed_at or timezone.now())}。凭案件编号和协议书核验码可在理赔桥核验本协议书真伪。",
                small,
            ),
        ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"协议书 {case.number}", author="理赔桥 ClaimBridge",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm)  # fmt: skip
    document.build(story)
    return buffer.getvalue()


def agreement_kept(case: Case) -> bool:
    """Whether the case's signed 协议书 is in storage to be served: made, and not erased by the retention sweep or a
    deletion request (decision 0028 keeps `agreement_name` as the record that it was agreed)."""
    from django.core.files.storage import default_storage

    return bool(case.agreement_name) and bool(default_storage.exists(case.agreement_name))
