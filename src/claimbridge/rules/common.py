"""What every rule shares: bilingual text, input errors, money, dates and liability grades."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

LONGNAN = "621200"
TIANSHUI = "620500"
REGION_CITIES = frozenset({LONGNAN, TIANSHUI})
CHINA = ZoneInfo("Asia/Shanghai")  # the platform's calendar: days and months are China's

# 机动车综合商业保险示范条款: 主要 70 %, 同等 50 %, 次要 30 %; 全部 100 %, 无责任 0.
LIABILITY_RATIOS: dict[str, Decimal] = {
    "full": Decimal(1),
    "primary": Decimal("0.7"),
    "equal": Decimal("0.5"),
    "secondary": Decimal("0.3"),
    "none": Decimal(0),
}


class Text(NamedTuple):
    """One message in both languages of the platform (a named tuple: decisions make thousands of them a second)."""

    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


# The grades of liability by name, in both languages: the one list every page, document and message reads.
LIABILITY_NAMES: dict[str, Text] = {
    "full": Text("全部责任", "fully liable"), "primary": Text("主要责任", "mainly liable"),
    "equal": Text("同等责任", "equally liable"), "secondary": Text("次要责任", "partly liable"),
    "none": Text("无责任", "not liable"), "undetermined": Text("责任未定", "liability not determined"),
}  # fmt: skip
LIABILITY_NAMES_ZH = {grade: name.zh for grade, name in LIABILITY_NAMES.items()}


class RuleInputError(ValueError):
    """The input cannot be decided on; `field` is the path of the offending value, e.g. `parties[1].plate`."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        self.field = field
        self.text = Text(f"{field}：{zh}" if field else zh, f"{field}: {en}" if field else en)
        super().__init__(self.text.en)

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": "invalid_input", "field": self.field, **self.text.as_dict()}}


def money(amount: Decimal) -> str:
    """A decimal string with two places, rounded half up: the only form money leaves the kernel in."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def in_period(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` calendar months later (earlier when negative); the month's last day when it
    is shorter (31 January + 1 month = 28 or 29 February). A window of "N months" is this, never N × 30 days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_after(moment: datetime, months: int) -> datetime:
    """An aware instant `months` calendar months later on China's calendar (the same wall time, the day as
    `add_months`); a naive one is taken as China time and stays naive."""
    local = moment.astimezone(CHINA) if moment.tzinfo is not None else moment
    shifted = datetime.combine(add_months(local.date(), months), local.timetz())
    return shifted if moment.tzinfo is None else shifted.astimezone(moment.tzinfo)


class Dated(Protocol):
    @property
    def effective_from(self) -> date: ...


D = TypeVar("D", bound=Dated)


def version_on(versions: Sequence[D], day: date, *, field: str, zh: str, en: str) -> D:
    """The version in force on `day` from versions sorted by `effective_from` (R21: a revision never rewrites the
    past). Before the first one: an input error, `zh`/`en` completed with that first date."""
    in_force = [version for version in versions if version.effective_from <= day]
    if not in_force:
        first = versions[0].effective_from.isoformat()
        raise RuleInputError(field, zh.format(first=first), en.format(first=first))
    return in_force[-1]
