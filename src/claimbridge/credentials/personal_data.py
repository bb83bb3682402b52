"""The personal data of the adjusters' register and their stops (PIPL art. 17; B8, R7, R8); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_REGISTER = Text(
    "行业查勘员登记、发放和核验工作证", "the industry register of adjusters: issuing and checking work cards"
)
_OWN = Text("仅本公司的查勘员", "only their own company's adjusters")
_REGISTER_SEEN = (Seen("subject", "full"), Seen("insurer_staff", "full", _OWN), Seen("association_staff", "full"),
                  Seen("platform_admin", "masked"))  # fmt: skip
_STOP = Text(
    "记录查勘员到场服务、出示工作证和客户同意（R7、R8）",
    "recording the adjuster's stop, the card shown and the customer's consent (R7, R8)",
)
_STOP_SEEN = (Seen("adjuster", "full", Text("本人的服务记录", "their own stops")), Seen("insurer_staff", "full", _OWN),
              Seen("association_staff", "full"), Seen("platform_admin", "masked"))  # fmt: skip

DECLARATIONS = (
    Declaration("credentials.Adjuster", "full_name", Text("查勘员姓名", "adjuster's name"), _REGISTER, "hr",
                (*_REGISTER_SEEN, Seen("public", "masked")), "adjuster_register"),
    Declaration("credentials.Adjuster", "id_number", Text("查勘员身份证号", "adjuster's resident ID number"), _REGISTER,
                "hr", _REGISTER_SEEN, "adjuster_register"),
    Declaration("credentials.Adjuster", "id_index", Text("身份证号盲索引", "blind index of the ID number"),
                Text("识别同一人的多条登记，不保存明文", "recognising one person's several entries without the number in clear"),
                "hr", (), "adjuster_register"),
    Declaration("credentials.Adjuster", "phone", Text("查勘员手机号", "adjuster's mobile"), _REGISTER, "hr",
                _REGISTER_SEEN, "adjuster_register"),
    Declaration("credentials.Adjuster", "photo_name", Text("查勘员照片（重新编码，无元数据）", "adjuster's portrait (re-encoded, no metadata)"),
                Text("印在工作证上，供客户核对身份", "printed on the work card so customers can check who helps them"), "hr",
                (*_REGISTER_SEEN, Seen("public", "full")), "adjuster_register"),
    Declaration("credentials.ServiceStop", "latitude", Text("查勘服务位置（纬度）", "stop position (latitude)"), _STOP,
                "hr", _STOP_SEEN, "service_stop_consent"),
    Declaration("credentials.ServiceStop", "longitude", Text("查勘服务位置（经度）", "stop position (longitude)"), _STOP,
                "hr", _STOP_SEEN, "service_stop_consent"),
    Declaration("credentials.ServiceStop", "customer_consented", Text("客户同意查勘员代为处理", "customer's consent to the adjuster"),
                _STOP, "legal_duty", _STOP_SEEN, "service_stop_consent"),
    Declaration("credentials.ServiceStop", "rating_comment", Text("客户评价留言", "customer's rating comment"),
                Text("改进查勘服务、月度反馈", "improving the service; the monthly feedback"), "consent",
                _STOP_SEEN, "service_stop_consent"),
)  # fmt: skip
