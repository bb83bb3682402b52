"""What a person may ask to correct, per kind of record (decision 0030): the fields the platform holds about them."""

from __future__ import annotations

from claimbridge.subjects.flow import Text

FIELDS: dict[str, dict[str, Text]] = {
    "case": {
        "driver_name": Text("姓名", "name"),
        "driver_licence": Text("驾驶证号", "driving licence number"),
        "plate": Text("号牌号码", "plate"),
        "vin": Text("车架号", "VIN"),
        "claim": Text("理赔记录", "claim record"),
        "other": Text("其他", "other"),
    },
    "consultation": {"question": Text("咨询内容", "the question"), "other": Text("其他", "other")},
    "account": {"full_name": Text("姓名", "name"), "phone": Text("手机号", "mobile"), "other": Text("其他", "other")},
    "register": {
        "full_name": Text("姓名", "name"),
        "id_number": Text("身份证号", "ID number"),
        "phone": Text("手机号", "mobile"),
        "other": Text("其他", "other"),
    },
}
RECORD_NAMES = {
    "case": Text("事故案件", "accident case"),
    "consultation": Text("咨询", "question"),
    "account": Text("平台账号", "platform account"),
    "register": Text("查勘员登记", "adjuster register entry"),
}
CORRECTION_MAX = 200
NAME_MAX = 40  # a corrected name, as the drivers' own form takes it
NOTE_MAX = 500
REASON_MAX = 300
