"""The notice drivers read where they give their data, and the consents the flow asks for (PIPL art. 14, 17, 23).
Pure: no Django. `NOTICE_VERSION` names the text in force; publishing a new notice is changing the text here and
bumping the version (each consent is recorded with the version the driver saw, `privacy.models.ConsentRecord`)."""

from __future__ import annotations

from claimbridge.privacy.declarations import Text

NOTICE_VERSION = "2026-12"

# The short notice, shown next to the consent box (its long form is /privacy/, generated from the declarations).
SHORT_NOTICE: tuple[Text, ...] = (
    Text("理赔桥由陇南、天水两市保险行业协会运营，用于处理本次交通事故的快处易赔和理赔。",
         "ClaimBridge is run by the insurance associations of Longnan and Tianshui to settle this accident's quick claim."),
    Text("我们处理您的手机号、号牌、车架号、事故时间和位置、现场照片，以及您随后填写的姓名和驾驶证号。",
         "We handle your mobile, plate, VIN, the accident's time and place, scene photos, and the name and licence "
         "number you enter later."),
    Text("这些信息会提供给事故另一方和各方的保险公司，用于定责、定损和赔付；涉嫌欺诈时提供给反保险欺诈委员会。",
         "They are given to the other driver and every party's insurer for liability, assessment and payment; to the "
         "anti-fraud committee when fraud is suspected."),
    Text("信息加密保存，页面中脱敏显示；立案的理赔记录按《保险法》保存，未立案的报案到期删除。您可以查阅、更正或撤回同意。",
         "Everything is encrypted at rest and shown masked; claim records are kept as the Insurance Law requires, "
         "unclaimed reports are deleted when due. You may see, correct, or withdraw your consent."),
)  # fmt: skip

NOTICE_TITLE = Text("《个人信息处理说明》", "Personal Information Notice")
CONSENT_PREFIX = Text("我已阅读并同意", "I have read and agree to the ")
CONSENT_LABEL = Text(CONSENT_PREFIX.zh + NOTICE_TITLE.zh, CONSENT_PREFIX.en + NOTICE_TITLE.en)

# What the driver agrees to, by key: the flow's step names the purposes it needs (cases: start and join).
PURPOSES: dict[str, Text] = {
    "quick_claim": Text(
        "为处理本次事故，向事故另一方及各方保险公司提供本人信息（《个人信息保护法》第二十三条单独同意）",
        "giving my details to the other driver and every party's insurer to settle this accident (PIPL art. 23, "
        "separate consent)"),
}  # fmt: skip
QUICK_CLAIM_PURPOSES = ("quick_claim",)
