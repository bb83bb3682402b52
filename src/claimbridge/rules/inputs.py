"""Strict reading of the JSON documents the rules take: every field checked, unknown fields refused.

Errors name the field and say what is wrong in Chinese and English, so a caller never has to read a traceback.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from claimbridge.rules.common import CENT, LIABILITY_RATIOS, ONE, ZERO, RuleInputError

_MISSING: Any = object()
_PLAIN_MONEY = re.compile(r"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,2})?")  # below a trillion, at most two decimals
MAX_MONEY = Decimal("1000000000000")  # a trillion yuan: anything above is a typing accident, not a loss


def parse_document(raw: str | bytes) -> Any:
    """JSON with exact decimals; NaN, Infinity and repeated keys are refused."""

    def no_constants(name: str) -> Any:
        raise RuleInputError("", f"不接受 {name}", f"{name} is not accepted")

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise RuleInputError(key, "字段重复", "the field appears twice")
            result[key] = value
        return result

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, parse_float=Decimal, parse_constant=no_constants, object_pairs_hook=no_repeats)
    except UnicodeDecodeError:
        raise RuleInputError("", "输入不是 UTF-8 编码的文本", "the input is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RuleInputError(
            "",
            f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列有误）",
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None


class Fields:
    """One JSON object being read; `done()` refuses any field that was not asked for."""

    __slots__ = ("_data", "_path", "_seen")

    def __init__(self, data: Any, path: str = "") -> None:
        if not isinstance(data, dict):
            raise RuleInputError(path, "应为 JSON 对象", "must be a JSON object")
        self._data: dict[str, Any] = data
        self._path = path
        self._seen: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def has(self, key: str) -> bool:
        return key in self._data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self._seen.add(key)
        if key in self._data and self._data[key] is not None:
            return self._data[key]
        if default is _MISSING:
            raise RuleInputError(self.path(key), "缺少必填字段", "this field is required")
        return default

    def done(self) -> None:
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            raise RuleInputError(self.path(unknown[0]), "未知字段", "unknown field")

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        self._seen.add(key)
        value = self._data.get(key)
        if value is True or value is False:
            return value
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise RuleInputError(self.path(key), "应为 true 或 false", "must be true or false")
        return value

    def integer(self, key: str, *, low: int, high: int, default: Any = _MISSING) -> int:
        value = self.raw(key, default)
        return integer_in(value, self.path(key), low, high)

    def text(self, key: str, *, choices: tuple[str, ...] | None = None, default: Any = _MISSING) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise RuleInputError(self.path(key), "应为文本", "must be a string")
        if choices is not None and value not in choices:
            allowed = "、".join(choices)
            raise RuleInputError(self.path(key), f"应为以下之一：{allowed}", f"must be one of: {', '.join(choices)}")
        return value

    def day(self, key: str, default: Any = _MISSING) -> date:
        value = self.raw(key, default)
        return value if isinstance(value, date) else day_from(value, self.path(key))

    def money(self, key: str, default: Any = _MISSING) -> Decimal:
        self._seen.add(key)
        value = self._data.get(key)
        if value is None:
            if default is _MISSING:
                raise RuleInputError(self.path(key), "缺少必填字段", "this field is required")
            return default
        if type(value) is str and _PLAIN_MONEY.fullmatch(value):
            return Decimal(value)  # the common case, already known to be a plain amount of at most two decimals
        return money_from(value, self.path(key))

    def fraction(self, key: str, default: Any = _MISSING) -> Decimal:
        """A number from 0 to 1 inclusive (a ratio or a rate)."""
        return fraction_from(self.raw(key, default), self.path(key))

    def fields(self, key: str) -> Fields:
        return Fields(self.raw(key), self.path(key))

    def items(self, key: str, *, at_least: int = 0, default: Any = _MISSING) -> Iterator[tuple[str, Any]]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise RuleInputError(self.path(key), "应为 JSON 数组", "must be a JSON array")
        if len(value) < at_least:
            raise RuleInputError(self.path(key), f"至少需要 {at_least} 项", f"needs at least {at_least} item(s)")
        return ((f"{self.path(key)}[{index}]", item) for index, item in enumerate(value))

    def mapping(self, key: str) -> Iterator[tuple[str, str, Any]]:
        value = self.raw(key)
        if not isinstance(value, dict):
            raise RuleInputError(self.path(key), "应为 JSON 对象", "must be a JSON object")
        return ((name, f"{self.path(key)}.{name}", item) for name, item in value.items())


def integer_in(value: Any, path: str, low: int, high: int) -> int:
    if type(value) is int and low <= value <= high:
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise RuleInputError(path, "应为整数", "must be a whole number")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RuleInputError(path, "应为整数", "must be a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise RuleInputError(path, "应为整数", "must be a whole number")
    if not low <= number <= high:
        raise RuleInputError(path, f"应在 {low} 到 {high} 之间", f"must be between {low} and {high}")
    return int(number)


def number_from(value: Any, path: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str | int) and not isinstance(value, bool):
        try:
            number = Decimal(value)  # strings may carry surrounding spaces; Decimal ignores them
        except InvalidOperation:
            raise RuleInputError(path, f"“{value}”不是数字", f"“{value}” is not a number") from None
    elif isinstance(value, float):
        number = Decimal(repr(value))  # the shortest decimal that reads back as this float, not its binary expansion
    else:
        raise RuleInputError(path, "应为数字或数字文本", "must be a number or a numeric string")
    if not number.is_finite():
        raise RuleInputError(path, "应为有限的数字", "must be a finite number")
    return number


def money_from(value: Any, path: str) -> Decimal:
    amount = number_from(value, path)
    if amount < 0:
        raise RuleInputError(path, "金额不能为负数", "an amount cannot be negative")
    if amount > MAX_MONEY:
        raise RuleInputError(path, "金额过大", "the amount is implausibly large")
    if amount != amount.quantize(CENT):
        raise RuleInputError(path, "金额最多保留两位小数（分）", "an amount has at most two decimal places (fen)")
    return amount + ZERO  # drops a negative zero


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
PLAIN_AMOUNT = re.compile(r"\d+(\.\d+)?")  # what money_text must give for an amount: digits, a point, digits


def money_text(value: str) -> str:
    """An amount as people type it, as a plain decimal string — the one reading of typed money on the platform: full-
    width digits and signs folded (NFKC), spaces dropped, a leading ¥ or a trailing 元 dropped, commas removed only
    where they group thousands ("12,000", "１２，０００元" → "12000"). Anything else is returned as it was folded, for
    the caller to refuse ("12,00", "1e3", "十二"): a comma in the wrong place is a typing slip, never a guess."""
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "").replace("\u3000", "")
    text = text.removeprefix("¥").removeprefix("￥").removesuffix("元").removesuffix("圆")
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text


def fraction_from(value: Any, path: str) -> Decimal:
    number = number_from(value, path)
    if not ZERO <= number <= ONE:
        raise RuleInputError(path, "应在 0 到 1 之间", "must be between 0 and 1")
    return number + ZERO


def day_from(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise RuleInputError(path, "日期应为 YYYY-MM-DD 格式的文本", "a date must be a YYYY-MM-DD string")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise RuleInputError(
            path, f"“{value}”不是有效日期（YYYY-MM-DD）", f"“{value}” is not a valid date (YYYY-MM-DD)"
        ) from None


def liability_ratio(fields: Fields, *, allow_undetermined: bool = False) -> Decimal | None:
    """`liability` (a grade) or `ratio` (0…1), exactly one of them."""
    has_grade, has_ratio = fields.has("liability"), fields.has("ratio")
    if has_grade and has_ratio:
        raise RuleInputError(
            fields.path("ratio"), "“liability”与“ratio”只能给出一个", "give either “liability” or “ratio”, not both"
        )
    if has_ratio:
        return fields.fraction("ratio")
    choices = (*LIABILITY_RATIOS, "undetermined") if allow_undetermined else tuple(LIABILITY_RATIOS)
    grade = fields.text("liability", choices=choices)
    return LIABILITY_RATIOS.get(grade)


def grade_or_ratio(value: Any, path: str, *, allow_undetermined: bool = True) -> Decimal | None:
    """A liability written as a grade name or as a number from 0 to 1; None when undetermined."""
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        if value == "undetermined" and allow_undetermined:
            return None
        if value not in LIABILITY_RATIOS:
            grades = ", ".join((*LIABILITY_RATIOS, "undetermined"))
            raise RuleInputError(
                path, f"应为 {grades} 之一或 0 到 1 的比例", f"must be one of {grades} or a ratio from 0 to 1"
            )
        return LIABILITY_RATIOS[value]
    return fraction_from(value, path)
