"""The personal data of the policy register (PIPL art. 17; R3); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_COVER = Text("按登记的保单核实事故车辆的保险", "checking an accident vehicle's cover against the written policy")
_OWN = Text(
    "本公司保单完整；他公司车辆仅在其可见案件中显示协议书所需内容",
    "their own company's policies in full; another's only as on the agreement, on a case they may see",
)
_SEEN = (Seen("insurer_staff", "full", _OWN), Seen("adjuster", "full", _OWN), Seen("antifraud_member", "masked"),
         Seen("platform_admin", "masked"))  # fmt: skip
_LOOKUP = Text("记录谁在何时查询了哪辆车的保单（B8）", "recording who looked up which vehicle's cover, and when (B8)")

DECLARATIONS = (
    Declaration("policies.PolicyVersion", "personal", Text("投保人和被保险人的姓名、身份证号、电话", "holder's and insured's names, ID numbers, phones"),
                _COVER, "contract", (Seen("insurer_staff", "masked", _OWN), Seen("platform_admin", "masked")), "policy_register"),
    Declaration("policies.PolicyVersion", "plate", Text("保单车辆号牌", "insured vehicle's plate"), _COVER, "contract",
                _SEEN, "policy_register"),
    Declaration("policies.PolicyVersion", "vin", Text("保单车辆车架号", "insured vehicle's VIN"), _COVER, "contract",
                _SEEN, "policy_register"),
    Declaration("policies.PolicyLookup", "plate", Text("被查询的号牌", "plate looked up"), _LOOKUP, "legal_duty",
                (Seen("platform_admin", "full"),), "access_log"),
    Declaration("policies.PolicyLookup", "vin", Text("被查询的车架号", "VIN looked up"), _LOOKUP, "legal_duty",
                (Seen("platform_admin", "full"),), "access_log"),
)  # fmt: skip
