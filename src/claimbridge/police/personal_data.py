"""The personal data of traffic-police accident records (PIPL art. 17; R20, decision 0017); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_MATCH = Text("与报案比对，发现事故信息不一致（R20）", "matching against reported cases to find discrepancies (R20)")
_SEEN = (Seen("traffic_police", "full", Text("仅本单位的记录", "only their own unit's records")),
         Seen("antifraud_member", "masked"),
         Seen("insurer_staff", "masked", Text("仅涉及本公司当事方的比对信号", "only signals about their own parties")),
         Seen("platform_admin", "masked"))  # fmt: skip


def _record(model: str, field: str, kind: Text, seen: tuple[Seen, ...] = _SEEN) -> Declaration:
    return Declaration(f"police.{model}", field, kind, _MATCH, "legal_duty", seen, "police_record")


DECLARATIONS = (
    _record("PoliceRecord", "place", Text("事故地点", "accident place")),
    _record("PoliceRecord", "latitude", Text("事故位置（纬度）", "accident position (latitude)")),
    _record("PoliceRecord", "longitude", Text("事故位置（经度）", "accident position (longitude)")),
    _record("PoliceVehicle", "plate", Text("事故车辆号牌", "plate of a vehicle in the record")),
    _record("PoliceVehicle", "driver_name", Text("驾驶人姓名", "driver's name")),
    _record("PoliceVehicle", "driver_id_number", Text("驾驶人身份证号", "driver's ID number")),
    _record("PoliceVehicle", "driver_index", Text("驾驶人盲索引", "blind index of the driver"), ()),
)
