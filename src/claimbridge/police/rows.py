"""One police accident record checked field by field, from a file row or an API record (R20). Pure: no Django.

A row holds the record and up to MAX_VEHICLES vehicles in numbered columns (`plate_1`, `liability_1`, `driver_1`,
`driver_id_1`, …), headed in Chinese as the police's exports are (号牌1, 责任1, 驾驶人1, 驾驶人证件号1). A bad value
refuses the row with the field and the reason in both languages; nothing of a refused row is loaded.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from claimbridge.policies.rows import parse_instant
from claimbridge.rules.common import LIABILITY_NAMES, Text
from claimbridge.rules.identifiers import check_id_number, check_plate
from claimbridge.rules.police_match import ACCIDENT_TYPES

MAX_VEHICLES = 6

CHINESE_HEADERS = {
    "record_number": "事故编号", "accident_at": "事故时间", "place": "事故地点", "latitude": "纬度", "longitude": "经度",
    "accident_type": "事故类型",
    **{f"{column}_{n}": f"{zh}{n}" for n in range(1, MAX_VEHICLES + 1)
       for column, zh in (("plate", "号牌"), ("liability", "责任"), ("driver", "驾驶人"), ("driver_id", "驾驶人证件号"))},
}  # fmt: skip
HEADER_ALIASES = {zh: column for column, zh in CHINESE_HEADERS.items()} | {
    "认定书编号": "record_number", "事故认定书编号": "record_number", "发生时间": "accident_at", "地点": "place",
    **{f"车牌号{n}": f"plate_{n}" for n in range(1, MAX_VEHICLES + 1)},
}  # fmt: skip

_TYPE_WORDS = {code: code for code in ACCIDENT_TYPES} | {
    "财产损失": "property", "财产损失事故": "property", "财损": "property", "伤人": "injury", "伤人事故": "injury",
    "死亡": "fatal", "死亡事故": "fatal",
}  # fmt: skip
_LIABILITY_WORDS = {code: code for code in LIABILITY_NAMES} | {name.zh: code for code, name in LIABILITY_NAMES.items()} | {
    "全责": "full", "主责": "primary", "同责": "equal", "次责": "secondary", "无责": "none", "": "undetermined",
}  # fmt: skip


@dataclass(frozen=True)
class RowRefusal(Exception):
    field: str
    code: str
    text: Text


@dataclass(frozen=True)
class VehicleRow:
    plate: str
    liability: str
    driver_name: str
    driver_id_number: str


@dataclass(frozen=True)
class PoliceRow:
    number: str
    accident_at: datetime
    place: str
    latitude: float | None
    longitude: float | None
    accident_type: str
    vehicles: tuple[VehicleRow, ...]

    def facts(self) -> dict[str, Any]:
        """What the record says apart from personal data: the basis of the per-row report's "changed" list."""
        return {
            "accident_at": self.accident_at.isoformat(), "place": self.place, "latitude": self.latitude,
            "longitude": self.longitude, "accident_type": self.accident_type,
            "vehicles": [[v.plate, v.liability] for v in self.vehicles],
        }  # fmt: skip

    def digest(self) -> str:
        """SHA-256 of the whole row, personal data included, canonically: two loads of the same row give the same.
        (Kept next to the encrypted data it covers; the service keys it so it reveals nothing on its own.)"""
        whole = {**self.facts(), "drivers": [[v.driver_name, v.driver_id_number] for v in self.vehicles]}
        return hashlib.sha256(json.dumps(whole, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _refuse(field: str, code: str, zh: str, en: str) -> RowRefusal:
    return RowRefusal(field, code, Text(zh, en))


def _coordinate(row: dict[str, Any], field: str, low: float, high: float) -> float | None:
    text = _text(row.get(field))
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise _refuse(
            field, "bad_coordinate", f"坐标须为 {low} 至 {high} 之间的数", f"a coordinate between {low} and {high}"
        )
    return value


def _instant(value: Any) -> datetime:
    if isinstance(value, date) and not isinstance(value, datetime):
        value = None
    text = value if isinstance(value, datetime) else _text(value)
    try:
        moment = (
            parse_instant(text, end_of_day=False) if text and (isinstance(text, datetime) or len(text) > 10) else None
        )
    except ValueError:
        moment = None
    if moment is None:
        raise _refuse("accident_at", "bad_time", "事故时间须为日期和时刻，如 2025-03-01 08:30",
                      "the accident time is a date and a time of day, e.g. 2025-03-01 08:30")  # fmt: skip
    return moment


def parse_row(row: dict[str, Any], *, today: date) -> PoliceRow:
    """The row checked, or RowRefusal naming the first field that is wrong."""
    number = _text(row.get("record_number"))
    if not number or len(number) > 40:
        raise _refuse("record_number", "bad_number", "事故编号必填，最多 40 个字符", "the record number is required, at most 40 characters")  # fmt: skip
    at = _instant(row.get("accident_at"))
    place = _text(row.get("place"))
    if len(place) > 200:
        raise _refuse("place", "too_long", "事故地点最多 200 个字符", "the place is at most 200 characters")
    lat = _coordinate(row, "latitude", -90, 90)
    lon = _coordinate(row, "longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise _refuse("latitude", "half_point", "纬度和经度须同时填写或同时空着", "give both latitude and longitude, or neither")  # fmt: skip
    kind = _TYPE_WORDS.get(_text(row.get("accident_type")))
    if kind is None:
        raise _refuse("accident_type", "bad_type", "事故类型须为财产损失、伤人或死亡", "the accident type is property, injury or fatal")  # fmt: skip
    vehicles: list[VehicleRow] = []
    for n in range(1, MAX_VEHICLES + 1):
        values = {name: _text(row.get(f"{name}_{n}")) for name in ("plate", "liability", "driver", "driver_id")}
        if not any(values.values()):
            continue
        plate = check_plate(values["plate"])
        if not plate.valid:
            raise _refuse(f"plate_{n}", "bad_plate", f"第 {n} 辆车的号牌无效", f"the plate of vehicle {n} is not valid")
        if plate.normalized in {v.plate for v in vehicles}:
            raise _refuse(f"plate_{n}", "plate_twice", f"号牌 {plate.normalized} 重复", f"the plate {plate.normalized} is given twice")  # fmt: skip
        liability = _LIABILITY_WORDS.get(values["liability"])
        if liability is None:
            raise _refuse(f"liability_{n}", "bad_liability", "责任须为全部、主要、同等、次要、无责任或责任未定",
                          "the liability is full, primary, equal, secondary, none or undetermined")  # fmt: skip
        id_number = values["driver_id"].upper()
        if id_number and not check_id_number(id_number, today=today).valid:
            raise _refuse(f"driver_id_{n}", "bad_id_number", f"第 {n} 位驾驶人的身份证号无效", f"the ID number of driver {n} is not valid")  # fmt: skip
        if len(values["driver"]) > 100:
            raise _refuse(f"driver_{n}", "too_long", "驾驶人姓名最多 100 个字符", "a driver's name is at most 100 characters")  # fmt: skip
        vehicles.append(VehicleRow(plate.normalized, liability, values["driver"], id_number))
    if not vehicles:
        raise _refuse("plate_1", "no_vehicle", "至少填写一辆车的号牌", "give the plate of at least one vehicle")
    return PoliceRow(number, at, place, lat, lon, kind, tuple(vehicles))


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Which of a record's facts a corrected row changes ("drivers" when only personal data differs)."""
    return sorted(key for key in after if before.get(key) != after[key]) or ["drivers"]
