"""The person's copy of their data (PIPL art. 45, decision 0030): JSON in the documented shape (`selectors.holdings`,
schema `claimbridge.subject-data` version 1) and a PDF in Chinese, with the font of the 协议书 (`cases.agreement`)."""

from __future__ import annotations

import io
import json
from typing import Any

from claimbridge.rules.case_flow import STATES as CASE_STATES
from claimbridge.rules.claim_flow import CLAIM_STATES
from claimbridge.subjects.flow import KINDS, STATES


def _zh(names: dict[str, Any], code: Any) -> Any:
    return names[code].zh if code in names else code


def copy_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


def copy_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from claimbridge.cases.agreement import cjk_font

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)

    def cell(text: Any) -> Paragraph:
        shown = "—" if text in (None, "", []) else text
        return Paragraph(str(shown).replace("&", "&amp;").replace("<", "&lt;"), body)

    def grid(rows: list[list[Any]]) -> Table:
        table = Table([[cell(a), cell(b)] for a, b in rows], colWidths=[45 * mm, 125 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))  # fmt: skip
        return table

    story: list[Any] = [Paragraph("我的个人信息副本", title), Spacer(1, 3 * mm),
                        Paragraph(f"生成时间：{data['generated_at']}　格式：{data['schema']} 第 {data['schema_version']} 版", small),
                        Spacer(1, 4 * mm)]  # fmt: skip
    subject = data["subject"]
    if subject.get("phone"):
        story += [grid([["手机号", subject["phone"]]]), Spacer(1, 4 * mm)]
    if data.get("account"):
        account = data["account"]
        story += [Paragraph("平台账号", heading), grid([["用户名", account["username"]], ["姓名", account["full_name"]],
                  ["手机号", account["phone"]], ["机构", account["organisation"]], ["开通时间", account["joined_at"]]]),
                  Spacer(1, 4 * mm)]  # fmt: skip
    for entry in data.get("register", []):
        credentials = "；".join(
            f"{c['number']}（{c['valid_from']} 至 {c['valid_until']}）" for c in entry["credentials"]
        )
        story += [Paragraph(f"查勘员登记 {entry['id']}", heading), grid([["保险公司", entry["insurer"]],
                  ["行业协会", entry["association"]], ["姓名", entry["full_name"]], ["身份证号", entry["id_number"]],
                  ["手机号", entry["phone"]], ["状态", entry["status"]], ["资格证", credentials]]), Spacer(1, 4 * mm)]  # fmt: skip
    for case in data["cases"]:
        claim = case["claim"] or {}
        story += [Paragraph(f"事故案件 {case['case']}（当事人 {case['party']}）", heading), grid([
            ["案件状态", _zh(CASE_STATES, case["state"])], ["事故时间", case["accident_at"]],
            ["事故地点", case["county"]], ["姓名", case["driver_name"]], ["手机号", case["driver_phone"]],
            ["驾驶证号", case["driver_licence"]], ["号牌号码", case["plate"]], ["车架号", case["vin"]],
            ["保险公司", case["insurer"]], ["交强险保单号", case["ctpl_policy_number"]],
            ["理赔状态", _zh(CLAIM_STATES, claim.get("state"))], ["核定赔款（元）", claim.get("payable")],
            ["已付赔款（元）", claim.get("paid_amount")], ["收款账户", claim.get("payee_account")],
        ]), Spacer(1, 4 * mm)]  # fmt: skip
    for question in data["consultations"]:
        story += [Paragraph(f"咨询 {question['number']}", heading), grid([
            ["咨询对象", question["addressed_to"]], ["提问时间", question["asked_at"]], ["问题", question["question"]],
            ["答复", question["answer"]]]), Spacer(1, 4 * mm)]  # fmt: skip
    if data["consents"]:
        story += [
            Paragraph("同意记录", heading),
            grid([[c.get("purpose", ""), c.get("given_at", "")] for c in data["consents"]]),
            Spacer(1, 4 * mm),
        ]
    for request in data["requests"]:
        story += [Paragraph(f"个人信息请求 {request['number']}", heading), grid([
            ["类型", KINDS[request["kind"]].zh], ["状态", STATES[request["state"]].zh],
            ["受理时间", request["received_at"]], ["办理期限", request["deadline"]], ["办理机构", request["holder"]],
            ["不予办理的理由", (request["refusal"] or {}).get("zh")]]), Spacer(1, 4 * mm)]  # fmt: skip
    if not (data["cases"] or data["consultations"] or data.get("account") or data["requests"]):
        story.append(Paragraph("平台没有保存与您有关的个人信息。", body))
    story.append(Paragraph("本副本仅供您本人使用，请妥善保管。机器可读的副本请下载 JSON 格式。", small))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title="我的个人信息副本", author="理赔桥 ClaimBridge",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm)  # fmt: skip
    document.build(story)
    return buffer.getvalue()
