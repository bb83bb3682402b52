"""The personal data of anti-fraud clues, casework and links (PIPL art. 17; R11, R20); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_CASEWORK = Text("核查保险欺诈线索（反保险欺诈工作）", "investigating insurance-fraud clues (anti-fraud work)")
_ROUTED = Text("仅被转办的保险公司", "only the insurers the clue was routed to")
_SEEN = (Seen("antifraud_member", "full"), Seen("insurer_staff", "masked", _ROUTED),
         Seen("adjuster", "full", Text("本人报告的线索", "the clues they reported")), Seen("platform_admin", "masked"))  # fmt: skip
_NOTE_SEEN = (Seen("antifraud_member", "full"), Seen("platform_admin", "masked"))
_LINKS = Text(
    "发现多起案件之间的关联（假名化，不保存明文）", "finding links between cases (pseudonymised, nothing in clear)"
)


def _clue(model: str, field: str, kind: Text, seen: tuple[Seen, ...] = _SEEN) -> Declaration:
    return Declaration(f"fraud.{model}", field, kind, _CASEWORK, "legal_duty", seen, "fraud_casework")


DECLARATIONS = (
    _clue("Clue", "description", Text("线索描述", "the clue's description")),
    _clue("Clue", "latitude", Text("线索地点（纬度）", "clue's place (latitude)")),
    _clue("Clue", "longitude", Text("线索地点（经度）", "clue's place (longitude)")),
    _clue("Addendum", "text", Text("线索补充说明", "addendum to a clue")),
    _clue("CluePerson", "name", Text("线索涉及人员姓名", "name of a person in a clue")),
    _clue("CluePerson", "id_number", Text("线索涉及人员身份证号", "ID number of a person in a clue")),
    _clue("CluePerson", "phone", Text("线索涉及人员电话", "phone of a person in a clue")),
    _clue("CluePerson", "name_index", Text("姓名盲索引", "blind index of the name"), ()),
    _clue("CluePerson", "id_index", Text("身份证号盲索引", "blind index of the ID number"), ()),
    _clue("CluePerson", "phone_index", Text("电话盲索引", "blind index of the phone"), ()),
    _clue("ClueVehicle", "plate", Text("线索涉及车辆号牌", "plate in a clue")),
    _clue("ClueVehicle", "vin", Text("线索涉及车辆车架号", "VIN in a clue")),
    _clue("ClueNote", "text", Text("委员会内部工作记录", "the committee's internal note"), _NOTE_SEEN),
    _clue("FileRequest", "question", Text("向保险公司调阅材料的问题", "what the committee asks an insurer for")),
    _clue("FileRequest", "answer", Text("保险公司的答复", "the insurer's answer")),
    Declaration("fraud.CaseLink", "pseudonym", Text("关联标识的假名（号牌、车架号、电话、证件号）", "pseudonym of a linking identifier (plate, VIN, phone, ID)"),
                _LINKS, "legal_duty", (), "fraud_casework"),
    Declaration("fraud.CaseLink", "masked", Text("关联标识的脱敏显示", "the linking identifier, masked"), _LINKS,
                "legal_duty", (Seen("antifraud_member", "masked"),), "fraud_casework"),
)  # fmt: skip
