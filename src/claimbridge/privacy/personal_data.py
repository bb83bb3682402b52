"""The personal data of consent records (PIPL art. 14, 17); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_PROOF = Text(
    "证明本人何时、依据哪一版说明作出同意（《个人信息保护法》第十四条）",
    "proving when the person consented, and under which notice (PIPL art. 14)",
)

DECLARATIONS = (
    Declaration("privacy.ConsentRecord", "phone_index", Text("同意人的手机号（盲索引）", "the consenting mobile (blind index)"),
                _PROOF, "legal_duty", (), "consent_record"),
    Declaration("privacy.ConsentRecord", "device", Text("同意时的设备信息", "device used to consent"), _PROOF,
                "legal_duty", (Seen("platform_admin", "full"),), "consent_record"),
    Declaration("privacy.ConsentRecord", "given_at", Text("同意的时间", "when consent was given"), _PROOF,
                "legal_duty", (Seen("subject", "full"), Seen("platform_admin", "full")), "consent_record"),
)  # fmt: skip
