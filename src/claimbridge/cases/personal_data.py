"""The personal data of cases (PIPL art. 17; B8): what each field is, why it is kept, on what ground, who sees it and
how long it is kept. Collected into the register by `claimbridge.privacy.register` (docs/privacy-register.md)."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_QUICK_CLAIM = Text(
    "处理本次交通事故的报案、快处易赔协议和理赔", "handling this accident's report, quick-claim agreement and claim"
)
_CONTACT = Text("理赔联系和短信通知理赔进度", "contacting the driver about the claim and texting its progress")
_HANDLER_FULL = Text(
    "本方理赔经办人可查看完整信息，每次查看留痕", "the party's handler may show it in full; each showing is recorded"
)
_OWN_COMPANY = Text("仅本公司承保的当事方", "only their own company's parties")
_STAFF_MASKED = (Seen("insurer_staff", "masked", _HANDLER_FULL), Seen("adjuster", "masked"),
                 Seen("antifraud_member", "masked"), Seen("platform_admin", "masked"))  # fmt: skip
_VEHICLE_SEEN = (Seen("subject", "full"), Seen("driver", "full", Text("写入双方的协议书", "on both parties' agreement")),
                 Seen("insurer_staff", "full", _OWN_COMPANY), Seen("adjuster", "full", _OWN_COMPANY),
                 Seen("antifraud_member", "full"), Seen("platform_admin", "masked"))  # fmt: skip
_INTERNAL = ()  # a blind index or device string nobody reads on a page

DECLARATIONS = (
    Declaration("cases.CaseParty", "driver_name", Text("驾驶人姓名", "driver's name"), _QUICK_CLAIM, "contract",
                (Seen("subject", "full"), *_STAFF_MASKED), "claim_record"),
    Declaration("cases.CaseParty", "name_index", Text("驾驶人姓名的盲索引", "blind index of the driver's name"),
                Text("按姓名查找案件，不保存明文", "finding a case by name without storing it in clear"), "contract",
                _INTERNAL, "claim_record"),
    Declaration("cases.CaseParty", "driver_phone", Text("驾驶人手机号", "driver's mobile"), _CONTACT, "contract",
                (Seen("subject", "full"), *_STAFF_MASKED), "claim_record"),
    Declaration("cases.CaseParty", "phone_index", Text("手机号盲索引", "blind index of the mobile"),
                Text("本人凭验证过的手机号回到自己的案件", "letting the driver back to their cases with the proved mobile"),
                "contract", _INTERNAL, "claim_record"),
    Declaration("cases.CaseParty", "driver_licence", Text("驾驶证号", "driving licence number"),
                Text("协议书第二十一条规定的当事人信息", "the party's details the agreement must hold (art. 21)"), "contract",
                (Seen("subject", "masked"), *_STAFF_MASKED), "claim_record"),
    Declaration("cases.CaseParty", "confirmed_name", Text("确认时输入的姓名", "name typed to confirm"),
                Text("证明本人确认了协议书内容", "proving the party confirmed the agreement"), "contract",
                (Seen("subject", "masked"), *_STAFF_MASKED), "claim_record"),
    Declaration("cases.CaseParty", "confirmed_device", Text("确认时的设备信息", "device used to confirm"),
                Text("证明确认来自本人手机", "showing the confirmation came from the party's phone"), "contract",
                (Seen("platform_admin", "full"),), "claim_record"),
    Declaration("cases.CaseParty", "plate", Text("号牌号码", "plate number"),
                Text("查询保单、确定保险公司和理赔单位、定责理赔", "finding the cover, the insurer and the claims unit; liability and claim"),
                "contract", _VEHICLE_SEEN, "claim_record"),
    Declaration("cases.CaseParty", "vin", Text("车架号（VIN）", "VIN"),
                Text("识别车辆、查询保单", "identifying the vehicle and its cover"), "contract", _VEHICLE_SEEN, "claim_record"),
    Declaration("cases.Case", "latitude", Text("事故位置（纬度）", "accident position (latitude)"),
                Text("确定事故所在区县和就近的理赔服务单位", "finding the accident's county and the serving claims unit"),
                "contract", (Seen("subject", "full"), Seen("insurer_staff", "full", _OWN_COMPANY),
                             Seen("adjuster", "full", _OWN_COMPANY), Seen("antifraud_member", "full")), "claim_record"),
    Declaration("cases.Case", "longitude", Text("事故位置（经度）", "accident position (longitude)"),
                Text("确定事故所在区县和就近的理赔服务单位", "finding the accident's county and the serving claims unit"),
                "contract", (Seen("subject", "full"), Seen("insurer_staff", "full", _OWN_COMPANY),
                             Seen("adjuster", "full", _OWN_COMPANY), Seen("antifraud_member", "full")), "claim_record"),
    Declaration("cases.Case", "facts", Text("事故经过（各方的回答）", "what happened (the parties' answers)"), _QUICK_CLAIM,
                "contract", (Seen("subject", "full"), Seen("driver", "full"), Seen("insurer_staff", "full"),
                             Seen("adjuster", "full"), Seen("antifraud_member", "full")), "claim_record"),
    Declaration("cases.Case", "agreement_name", Text("事故协议书（PDF）", "accident agreement (PDF)"),
                Text("双方确认的快处易赔协议书，理赔依据", "the quick-claim agreement both confirmed: the basis of the claim"),
                "contract", (Seen("subject", "full"), Seen("driver", "full"), Seen("insurer_staff", "full", _OWN_COMPANY),
                             Seen("antifraud_member", "full")), "claim_record"),
    Declaration("cases.Case", "join_code", Text("加入码", "join code"),
                Text("让另一方驾驶人用自己的手机加入案件", "letting the other driver join from their own phone"), "contract",
                (Seen("subject", "full"),), "join_code"),
    Declaration("cases.CaseEvent", "data", Text("案件审计记录", "the case's audit trail"),
                Text("每项变更留痕、防篡改（B8）", "every change recorded, tamper-evident (B8)"), "legal_duty",
                (Seen("insurer_staff", "masked"), Seen("antifraud_member", "masked"), Seen("platform_admin", "masked")),
                "claim_record"),
    Declaration("cases.Claim", "payee_account", Text("收款银行账户", "payee's bank account"),
                Text("支付赔款", "paying the claim"), "contract",
                (Seen("insurer_staff", "masked", _HANDLER_FULL),), "claim_record"),
    Declaration("cases.DriverNotice", "text", Text("发给驾驶人的短信", "text messages sent to the driver"), _CONTACT,
                "contract", (Seen("subject", "full"), Seen("insurer_staff", "full", _OWN_COMPANY)), "claim_record"),
    Declaration("cases.WebhookEndpoint", "secret", Text("推送签名密钥", "webhook signing secret"),
                Text("对推送给保险公司系统的消息签名", "signing the messages sent to insurers' systems"), "not_personal", (),
                "not_personal", note=Text("不是个人信息；加密保存，以免数据库泄露后被用于伪造推送",
                                          "not personal: encrypted so that a leaked database cannot forge deliveries")),
)  # fmt: skip
