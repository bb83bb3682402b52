"""The person's copy of their data (PIPL art. 45, decision 0030): JSON in the documented shape (`selectors.holdings`,
schema `claimbridge.subject-data` version 1) and a PDF in Chinese.

Both say, next to the data, what each kind of it is for, on what ground, who sees it and for how long (`processing`:
the register's rows of the records in the copy, PIPL art. 44), so the copy explains itself.

Times are shown in China time as people write them (2026年12月3日 10:05, Django's zh-hans DATETIME_FORMAT). The
PDF embeds its Chinese font: the CJK fonts installed here (Noto CJK, `fonts-noto-cjk`) have PostScript (CFF)
outlines, which reportlab cannot embed, so the characters the copy uses are cut out of the font with fontTools and
their outlines turned into TrueType ones (as fontTools' otf2ttf snippet does) — a font of a few dozen kilobytes,
embedded, that reads the same in every viewer. With no such font on the machine the PDF falls back to the standard
CID font STSong-Light (not embedded: the viewer supplies it) and says so in the log.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import logging
import threading
from collections import OrderedDict
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from claimbridge.rules.case_flow import STATES as CASE_STATES
from claimbridge.rules.claim_flow import CLAIM_STATES
from claimbridge.subjects.flow import KINDS, STATES

logger = logging.getLogger("claimbridge.subjects")

# Where Debian's fonts-noto-cjk puts its collections, Sans first (the face of the site); the SC face is found by name.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
CJK_FACE = "CJK SC"  # the simplified-Chinese face of a Noto CJK collection ("Noto Sans CJK SC")
FALLBACK_FONT = "STSong-Light"
_FONTS_KEPT = 32  # cut fonts registered with reportlab at once (a name per set of characters), the oldest dropped
_registered: OrderedDict[str, None] = OrderedDict()
_lock = threading.Lock()

# The copy's sections and the records each holds, for the register's rows that explain them.
SECTION_MODELS: dict[str, tuple[str, ...]] = {
    "cases": ("cases.CaseParty", "cases.Case", "cases.Claim", "evidence.StoredObject", "evidence.EvidenceItem"),
    "consultations": ("consultations.Consultation",),
    "consents": ("privacy.ConsentRecord",),
    "requests": ("subjects.SubjectRequest",),
    "account": ("accounts.User",),
    "register": ("credentials.Adjuster",),
}


# --- times ----------------------------------------------------------------------------------------------------------


def shown_at(value: Any) -> str:
    """An ISO time (or date) of the copy in China time as Chinese writes it: 2026年12月3日 10:05 (2026年12月3日 for a
    date); "—" when there is none."""
    from django.utils import formats, timezone, translation

    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        moment: Any = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    else:
        moment = value
    with translation.override("zh-hans"):
        if isinstance(moment, datetime):
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        if isinstance(moment, date):
            return formats.date_format(moment, "DATE_FORMAT")
    return str(value)


# --- what the copy's data is for ------------------------------------------------------------------------------------


def processing(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The register's entries (privacy.register) for the sections of the copy that hold something: the kinds of data
    with one purpose, legal basis, audience and retention. In Chinese, as the copy's other words are (the English is
    the register's, at /privacy/). What only the system reads (blind indexes) is left out: the copy holds none of it."""
    from claimbridge.privacy.register import declarations, grouped_rows

    declared = declarations()
    found: list[dict[str, Any]] = []
    for section, models in SECTION_MODELS.items():
        if data.get(section):
            for row in grouped_rows("zh", [d for d in declared if d.model in models], internal=False):
                found.append({"section": section, "kinds": row["kinds"], "purpose": row["purpose"],
                              "legal_basis": row["basis"], "seen_by": row["seen_by"],
                              "retention": row["retention_words"]})  # fmt: skip
    return found


def copy_json(data: dict[str, Any]) -> bytes:
    """The copy as UTF-8 JSON, Chinese as itself (no \\u escapes), with what each kind of data is for."""
    return json.dumps({**data, "processing": processing(data)}, ensure_ascii=False, indent=2).encode("utf-8")


# --- the PDF's font -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _cjk_font_file() -> tuple[str, int] | None:
    """(path, face number) of an installed Noto CJK font's simplified-Chinese face, or None."""
    from fontTools.ttLib import TTCollection, TTFont

    paths = [*CJK_FONT_FILES, *sorted(glob.glob("/usr/share/fonts/**/Noto*CJK*", recursive=True))]
    for path in dict.fromkeys(paths):
        try:
            if path.endswith(".ttc"):
                for number, face in enumerate(TTCollection(path, lazy=True).fonts):
                    if CJK_FACE in str(face["name"].getDebugName(1)):
                        return path, number
            elif path.endswith((".otf", ".ttf")):
                TTFont(path, lazy=True)
                return path, -1
        except (OSError, ValueError, KeyError):  # not there, or not a font
            continue
    return None


def _truetype_cut(path: str, number: int, text: str) -> bytes:
    """The glyphs of `text` cut out of the font at `path`, as a TrueType font (reportlab embeds glyf outlines only)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter reports each table at INFO
    font = TTFont(path, fontNumber=number, lazy=True) if number >= 0 else TTFont(path, lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline, options.hinting = [], ["*"], True, False
    options.glyph_names = True
    cutter = subset.Subsetter(options)
    cutter.populate(text=text)
    cutter.subset(font)
    if "glyf" not in font:  # PostScript outlines: quadratic curves instead, within one unit of the originals
        order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = order, {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["glyf"], font["loca"] = glyf, newTable("loca")
        for table in ("CFF ", "VORG"):
            if table in font:
                del font[table]
        maxp = font["maxp"]
        maxp.tableVersion, maxp.maxZones = 0x00010000, 1
        for name in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints",
                     "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                     "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):  # fmt: skip
            setattr(maxp, name, 0)
        font["head"].glyphDataFormat, font["head"].indexToLocFormat = 0, 0
        post = font["post"]
        post.formatType, post.extraNames, post.mapping = 2.0, [], {}
        font.sfntVersion = "\x00\x01\x00\x00"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def embedded_font(text: str) -> str:
    """The name of a font registered with reportlab that has every character of `text` and is embedded in the PDF;
    the standard CID font (not embedded) when no CJK font is installed, with a warning in the log."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    characters = "".join(sorted(set(text) | set(" 0123456789—")))
    name = "ClaimBridgeCJK-" + hashlib.sha256(characters.encode("utf-8")).hexdigest()[:12]
    with _lock:
        if name in _registered:
            _registered.move_to_end(name)
            return name
        try:
            found = _cjk_font_file()
            if found is None:
                raise OSError("no Noto CJK font installed (apt-get install fonts-noto-cjk)")
            font = TTFont(name, io.BytesIO(_truetype_cut(*found, characters)))
            # reportlab registers a TrueType font under its face's name too and hands a later font of the same face
            # the first one registered: every cut is NotoSansCJKsc-Regular, so each gets a face name of its own
            font.face.name = name.encode("ascii")
        except (ImportError, OSError, ValueError, KeyError, AssertionError) as failure:
            logger.warning("subject copy: no CJK font to embed (%s); the PDF uses %s, which the viewer supplies",
                           failure, FALLBACK_FONT)  # fmt: skip
            from claimbridge.cases.agreement import cjk_font

            return cjk_font()
        pdfmetrics.registerFont(font)
        _registered[name] = None
        while len(_registered) > _FONTS_KEPT:  # reportlab has no way to unregister: drop the oldest cut font
            old, _ = _registered.popitem(last=False)
            pdfmetrics._fonts.pop(old, None)  # type: ignore[attr-defined]
    return name


# --- the PDF --------------------------------------------------------------------------------------------------------


def _zh(names: dict[str, Any], code: Any) -> Any:
    return names[code].zh if code in names else code


def _blocks(data: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """The copy's sections as (heading, rows of label and value), in the order printed; times in China time."""
    blocks: list[tuple[str, list[list[Any]]]] = []
    subject = data["subject"]
    if subject.get("phone"):
        blocks.append(("", [["手机号", subject["phone"]]]))
    if data.get("account"):
        account = data["account"]
        blocks.append(("平台账号", [["用户名", account["username"]], ["姓名", account["full_name"]],
                                ["手机号", account["phone"]], ["机构", account["organisation"]],
                                ["开通时间", shown_at(account["joined_at"])],
                                ["最近登录", shown_at(account.get("last_login"))]]))  # fmt: skip
    for entry in data.get("register") or []:
        credentials = "；".join(f"{c['number']}（{shown_at(c['valid_from'])} 至 {shown_at(c['valid_until'])}）"
                               for c in entry["credentials"])  # fmt: skip
        blocks.append((f"查勘员登记 {entry['id']}", [["保险公司", entry["insurer"]], ["行业协会", entry["association"]],
                       ["姓名", entry["full_name"]], ["身份证号", entry["id_number"]], ["手机号", entry["phone"]],
                       ["状态", entry["status"]], ["提交时间", shown_at(entry.get("submitted_at"))],
                       ["资格证", credentials]]))  # fmt: skip
    for case in data["cases"]:
        claim = case["claim"] or {}
        blocks.append((f"事故案件 {case['case']}（当事人 {case['party']}）", [
            ["案件状态", _zh(CASE_STATES, case["state"])], ["事故时间", shown_at(case["accident_at"])],
            ["事故地点", case["county"]], ["姓名", case["driver_name"]], ["手机号", case["driver_phone"]],
            ["驾驶证号", case["driver_licence"]], ["号牌号码", case["plate"]], ["车架号", case["vin"]],
            ["保险公司", case["insurer"]], ["交强险保单号", case["ctpl_policy_number"]],
            ["确认时间", shown_at(case.get("confirmed_at"))],
            ["理赔状态", _zh(CLAIM_STATES, claim.get("state"))], ["立案时间", shown_at(claim.get("registered_at"))],
            ["核定赔款（元）", claim.get("payable")], ["已付赔款（元）", claim.get("paid_amount")],
            ["付款时间", shown_at(claim.get("paid_at"))], ["收款账户", claim.get("payee_account")],
        ]))  # fmt: skip
    for question in data["consultations"]:
        blocks.append((f"咨询 {question['number']}", [
            ["咨询对象", question["addressed_to"]], ["提问时间", shown_at(question["asked_at"])],
            ["问题", question["question"]], ["答复", question["answer"]],
            ["答复时间", shown_at(question.get("answered_at"))]]))  # fmt: skip
    if data["consents"]:
        blocks.append(("同意记录", [[c.get("purpose", ""), shown_at(c.get("given_at"))] for c in data["consents"]]))
    for request in data["requests"]:
        blocks.append((f"个人信息请求 {request['number']}", [
            ["类型", KINDS[request["kind"]].zh], ["状态", STATES[request["state"]].zh],
            ["受理时间", shown_at(request["received_at"])], ["办理期限", shown_at(request["deadline"])],
            ["办理机构", request["holder"]], ["不予办理的理由", (request["refusal"] or {}).get("zh")]]))  # fmt: skip
    return blocks


def copy_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    title_text = "我的个人信息副本"
    generated = (
        f"生成时间：{shown_at(data['generated_at'])}（北京时间）　格式：{data['schema']} 第 {data['schema_version']} 版"
    )
    blocks = _blocks(data)
    explained = processing(data)
    empty = not (data["cases"] or data["consultations"] or data.get("account") or data["requests"])
    closing = ["平台没有保存与您有关的个人信息。"] if empty else []
    closing.append("本副本仅供您本人使用，请妥善保管。机器可读的副本请下载 JSON 格式。")
    about_heading = "这些信息为什么保存、谁能看到、保存多久"
    words = [title_text, generated, about_heading, *closing, "信息种类", "用途", "可查看者", "保存期限"]
    words += [f"{heading}{label}{'' if value is None else value}" for heading, rows in blocks for label, value in rows]
    words += ["、".join(row["kinds"]) + row["purpose"] + row["seen_by"] + row["retention"] for row in explained]
    font = embedded_font("".join(words))

    body = ParagraphStyle("body", fontName=font, bulletFontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)

    def cell(text: Any, style: ParagraphStyle = body) -> Paragraph:
        shown = "—" if text in (None, "", []) else text
        return Paragraph(str(shown).replace("&", "&amp;").replace("<", "&lt;"), style)

    def grid(rows: list[list[Any]], widths: tuple[float, ...] = (45 * mm, 125 * mm), style: ParagraphStyle = body,
             ) -> Table:  # fmt: skip
        table = Table([[cell(value, style) for value in row] for row in rows], colWidths=list(widths), repeatRows=0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                                   ("FONTNAME", (0, 0), (-1, -1), font)]))  # the cells' own font: not Helvetica  # fmt: skip
        return table

    story: list[Any] = [Paragraph(title_text, title), Spacer(1, 3 * mm), Paragraph(generated, small), Spacer(1, 4 * mm)]
    for head, rows in blocks:
        if head:
            story.append(Paragraph(head, heading))
        story += [grid(rows), Spacer(1, 4 * mm)]
    story += [Paragraph(text, body if text.startswith("平台没有") else small) for text in closing]
    if explained:
        rows = [["信息种类", "用途", "可查看者", "保存期限"]]
        rows += [["、".join(r["kinds"]), r["purpose"], r["seen_by"], r["retention"]] for r in explained]
        story += [Spacer(1, 6 * mm), Paragraph(about_heading, heading),
                  grid(rows, (34 * mm, 44 * mm, 52 * mm, 40 * mm), small)]  # fmt: skip
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title_text, author="理赔桥 ClaimBridge",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                                 initialFontName=font, initialFontSize=10)  # fmt: skip
    # the page's first font is the copy's own (not Helvetica), so no font but the embedded one is named in the file
    document.build(story)
    return buffer.getvalue()
