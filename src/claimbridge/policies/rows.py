"""One policy row as insurers send it (CSV, Excel or JSON), checked field by field. Pure: no Django.

Periods follow Chinese practice: a policy given as dates runs from 00:00 of the start day to 24:00 of the end day
(China Standard Time), so the end is stored as the exclusive instant 00:00 of the following day. Times of day, when
given, are taken as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin
from claimbridge.rules.inputs import PLAIN_AMOUNT, money_text

CHINA = timezone(timedelta(hours=8))
COVER_TYPES = ("ctpl", "third_party", "own_damage", "other")
COVER_ALIASES = {"交强险": "ctpl", "商业三者险": "third_party", "第三者责任险": "third_party", "三者险": "third_party",
                 "车损险": "own_damage", "机动车损失保险": "own_damage"}  # fmt: skip
COLUMNS = (
    "policy_number", "branch", "cover_type", "cover_name", "plate", "vin", "vehicle_type", "limit", "start", "end",
    "status", "cancelled_at", "endorsement_at", "holder_name", "holder_id_number", "holder_phone", "insured_name",
    "insured_id_number", "insured_phone",
)  # fmt: skip
REQUIRED = ("policy_number", "branch", "cover_type", "plate", "start", "end")
PERSONAL = ("holder_name", "holder_id_number", "holder_phone", "insured_name", "insured_id_number", "insured_phone")
# The longest value a column takes: its database column where the register stores it as typed, a person's name for
# the personal data; every other cell is bounded by its own check (plate, VIN, code, date) and by MAX_CELL.
MAX_LENGTHS = {"cover_name": 60, "vehicle_type": 40, "holder_name": 100, "insured_name": 100}
MAX_CELL = 100
# A limit above this cannot be stored (DecimalField(max_digits=14, decimal_places=2)); the shell passes its own
# ceiling (settings.MONEY_MAX_YUAN).
MAX_LIMIT = Decimal("999999999999.99")
# Policy periods, cancellations and endorsements fall in these years; anything else is a typing accident.
EARLIEST = datetime(1980, 1, 1, tzinfo=CHINA)
LATEST = datetime(2200, 1, 1, tzinfo=CHINA)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_POLICY_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/]{3,39}$")
_DIVISION = re.compile(r"^[1-9]\d{5}$")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class PolicyRow:
    row: int
    policy_number: str
    branch_code: str
    cover_type: str
    cover_name: str
    plate: str
    vin: str
    vehicle_type: str
    limit: Decimal | None
    period_start: datetime
    period_end: datetime  # exclusive
    cancelled_at: datetime | None
    endorsement_at: datetime | None
    personal: dict[str, str] = field(default_factory=dict)

    def version_key(self) -> tuple[Any, ...]:
        """What an endorsement can change: a row with a different key starts a new version of the policy."""
        return (self.plate, self.vin, self.vehicle_type, self.limit, self.period_start, self.period_end,
                tuple(sorted(self.personal.items())))  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def plausible(moment: datetime) -> bool:
    """Whether an aware instant falls in the years policies are written for (EARLIEST to LATEST)."""
    return EARLIEST <= moment < LATEST


def parse_instant(value: Any, *, end_of_day: bool) -> datetime | None:
    """A date (00:00, or 24:00 when `end_of_day`) or a date and time, in China Standard Time unless an offset is given.
    ValueError when it is none, or falls outside EARLIEST to LATEST."""
    try:
        moment = _instant(value, end_of_day=end_of_day)
    except (ValueError, OverflowError):
        raise ValueError(_text(value)) from None
    if moment is not None and not plausible(moment):
        raise ValueError(_text(value))
    return moment


def _instant(value: Any, *, end_of_day: bool) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CHINA)
    if isinstance(value, date):
        day = value
    else:
        text = _text(value).replace("/", "-")
        if not text:
            return None
        if len(text) <= 10:
            day = date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
            return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
    start = datetime.combine(day, time(0), tzinfo=CHINA)
    return start + timedelta(days=1) if end_of_day else start


def parse_row(raw: dict[str, Any], row: int, *, max_limit: Decimal = MAX_LIMIT) -> PolicyRow | list[RowError]:
    errors: list[RowError] = []

    def fail(name: str, code: str, zh: str, en: str) -> None:
        errors.append(RowError(row, name, code, zh, en))

    values = {name: _text(raw.get(name)) for name in COLUMNS}
    unknown = sorted(set(raw) - set(COLUMNS) - {""}, key=str)
    for name in unknown:
        shown = _CONTROL.sub("?", str(name))[:40]
        fail(shown, "unknown_column", f"未知的列“{shown}”", f"unknown column “{shown}”")
    broken: set[str] = set()  # cells refused as they stand: never quoted back, never checked further
    for name, value in values.items():
        longest = MAX_LENGTHS.get(name, MAX_CELL)
        if _CONTROL.search(value):
            fail(name, "bad_characters", "包含无法接受的字符（控制字符或无效的 Unicode）",
                 "contains characters that cannot be accepted (control characters or invalid Unicode)")  # fmt: skip
        elif len(value) > longest:
            fail(name, "too_long", f"最长 {longest} 个字符", f"at most {longest} characters")
        else:
            continue
        broken.add(name)
        values[name] = ""
    for name in REQUIRED:
        if not values[name] and name not in broken:
            fail(name, "required", "必填", "required")

    number = values["policy_number"]
    if number and not _POLICY_NUMBER.match(number):
        fail(
            "policy_number",
            "bad_policy_number",
            "保单号只能包含字母、数字和 - _ /，长度 4–40",
            "a policy number has 4–40 letters, digits, - _ or /",
        )
    branch = values["branch"]
    if branch and not _DIVISION.match(branch):
        fail(
            "branch",
            "bad_branch",
            "出单机构应为 6 位行政区划代码（城市或区县）",
            "the branch is the 6-digit code of its city or county",
        )
    cover = COVER_ALIASES.get(values["cover_type"], values["cover_type"].lower())
    if values["cover_type"] and cover not in COVER_TYPES:
        fail("cover_type", "bad_cover_type", "险种应为 ctpl（交强险）、third_party（商业三者险）、own_damage（车损险）或 other",
             "the cover is ctpl, third_party, own_damage or other")  # fmt: skip
    if cover == "other" and not values["cover_name"]:
        fail("cover_name", "required", "其他险种须填写险种名称", "name the cover when it is “other”")

    plate = check_plate(values["plate"]) if values["plate"] else None
    if plate is not None and not plate.valid:
        fail("plate", "bad_plate", f"号牌“{values['plate']}”无效", f"“{values['plate']}” is not a valid plate")
    vin = check_vin(values["vin"]) if values["vin"] else None
    if vin is not None and not vin.valid:
        reason = (
            ("校验位应为 " + str(vin.expected_check_digit), f"check digit should be {vin.expected_check_digit}")
            if vin.expected_check_digit
            else ("须为 17 位且不含 I、O、Q", "must be 17 characters without I, O or Q")
        )
        fail("vin", "bad_vin", f"车架号无效：{reason[0]}", f"the VIN is not valid: {reason[1]}")

    limit = None
    if values["limit"]:
        try:
            typed = money_text(values["limit"])
            if not PLAIN_AMOUNT.fullmatch(typed):
                raise InvalidOperation
            limit = Decimal(typed)
            if not limit.is_finite() or limit <= 0:
                raise InvalidOperation
            if limit > max_limit:
                fail("limit", "bad_limit", f"保额不能超过 {max_limit} 元", f"the limit cannot exceed {max_limit} yuan")
                limit = None
            elif limit != limit.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            fail(
                "limit",
                "bad_limit",
                "保额应为正数，最多两位小数",
                "the limit is a positive amount with at most two decimals",
            )
            limit = None
    if cover == "third_party" and limit is None and not any(e.field == "limit" for e in errors):
        fail("limit", "required", "商业三者险须填写责任限额", "commercial third-party cover needs its limit")

    instants: dict[str, datetime | None] = {}
    for name, end_of_day in (("start", False), ("end", True), ("cancelled_at", False), ("endorsement_at", False)):
        if name in broken:
            instants[name] = None
            continue
        try:
            instants[name] = parse_instant(raw.get(name), end_of_day=end_of_day)
        except ValueError:
            fail(
                name,
                "bad_date",
                f"“{values[name]}”不是 {EARLIEST.year} 至 {LATEST.year - 1} 年间有效的日期或时间",
                f"“{values[name]}” is not a valid date or time between {EARLIEST.year} and {LATEST.year - 1}",
            )
            instants[name] = None
    start, end = instants["start"], instants["end"]
    if start and end and end <= start:
        fail("end", "end_before_start", "保险止期早于起期", "the policy ends before it starts")
    status = values["status"].lower() or "in_force"
    if status not in {"in_force", "cancelled", "有效", "退保", "已注销"}:
        fail("status", "bad_status", "状态应为 in_force 或 cancelled", "the status is in_force or cancelled")
    cancelled = status in {"cancelled", "退保", "已注销"}
    if cancelled and instants["cancelled_at"] is None and not any(e.field == "cancelled_at" for e in errors):
        fail("cancelled_at", "required", "已注销的保单须填写注销时间", "a cancelled policy needs its cancellation time")

    personal = {name: values[name] for name in PERSONAL if values[name]}
    for name in ("holder_id_number", "insured_id_number"):
        if name in personal and not check_id_number(personal[name]).valid:
            fail(name, "bad_id_number", "身份证号码无效", "the resident ID number is not valid")
    for name in ("holder_phone", "insured_phone"):
        if name in personal and not _PHONE.match(personal[name]):
            fail(name, "bad_phone", "手机号码应为 11 位", "a mobile number has 11 digits")

    if errors:
        return errors
    assert start is not None
    assert end is not None
    assert plate is not None
    return PolicyRow(
        row=row, policy_number=number, branch_code=branch, cover_type=cover, cover_name=values["cover_name"][:60],
        plate=plate.normalized, vin=vin.normalized if vin else "", vehicle_type=values["vehicle_type"][:40], limit=limit,
        period_start=start, period_end=end, cancelled_at=instants["cancelled_at"] if cancelled else None,
        endorsement_at=instants["endorsement_at"], personal=personal,
    )  # fmt: skip
