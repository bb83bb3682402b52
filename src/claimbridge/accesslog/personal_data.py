"""The personal data of the access log (who looked at personal data; decision 0029); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_ACCOUNT = Text(
    "记录谁在何时、为何查看或导出了个人信息，供信息持有方和本人核查（《个人信息保护法》第五十一条、第五十四条）",
    "recording who showed or exported personal data, when and why, for the holder and the person to check "
    "(PIPL arts. 51, 54)",
)
_HOLDERS = Text(
    "案件各方的保险公司、案件所在市的协会", "the insurers of the case's parties, the association of its city"
)
_SEEN = (Seen("insurer_staff", "full", _HOLDERS), Seen("association_staff", "full", _HOLDERS),
         Seen("platform_admin", "full"))  # fmt: skip


def _record(field: str, kind: Text) -> Declaration:
    return Declaration("accesslog.AccessRecord", field, kind, _ACCOUNT, "legal_duty", _SEEN, "access_log")


DECLARATIONS = (
    _record("actor", Text("查看人（工作人员账号）", "who looked (a staff account)")),
    _record("actor_label", Text("无账号的查看人（本人手机的化名）", "who looked without an account (the phone's pseudonym)")),
    _record("purpose_note", Text("查看理由（手机号、证件号已脱敏）", "why (phone and ID numbers masked)")),
)  # fmt: skip
