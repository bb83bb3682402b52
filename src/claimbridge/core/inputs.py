"""What every input must be before anything reads it, and the typed fields the API's schemas are built from.

Two nets, so that no bad input reaches a database or a template and comes back as a 500:

- **Everywhere** (`unsafe_text`, used by the middleware for query strings, form fields and paths, and by the API's
  JSON parser for every string and key of a body): no NUL or other C0 control character but tab and line breaks, no
  lone UTF-16 surrogate, and JSON no deeper than `MAX_JSON_DEPTH`.
- **Per field** (the `Annotated` types below): lengths that fit their column, times that carry a zone and are
  plausible, money with two places below `settings.MONEY_MAX_YUAN`.

Each refusal is an `AppError` naming the field, in both languages.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field

from claimbridge.core.errors import AppError
from claimbridge.rules.inputs import PLAIN_AMOUNT, money_text

MAX_JSON_DEPTH = 32
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def unsafe_text(value: str) -> bool:
    """A NUL or other control character (tab and line breaks are fine), or a lone surrogate."""
    return _CONTROL.search(value) is not None


def bad_text(field: str) -> AppError:
    return AppError(
        "bad_characters",
        "包含无法接受的字符（控制字符或无效的 Unicode）",
        "contains characters that cannot be accepted (control characters or invalid Unicode)",
        status=400,
        field=field,
    )


def too_deep(field: str = "") -> AppError:
    return AppError(
        "too_deeply_nested",
        f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层",
        f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep",
        status=400,
        field=field,
    )


def check_tree(value: Any, path: str = "") -> None:
    """Walk a parsed JSON value without recursion: every string and key clean, nesting bounded."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise too_deep(where)
        if isinstance(node, str):
            if unsafe_text(node):
                raise bad_text(where)
        elif isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str) or unsafe_text(key):
                    raise bad_text(where)
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, f"{where}[{index}]", depth + 1) for index, item in enumerate(node))


def parse_json(raw: bytes | str) -> Any:
    """A request body as JSON, checked by `check_tree`; an AppError (400) when it is not JSON at all."""

    def no_constants(name: str) -> Any:
        raise AppError("bad_json", f"JSON 中不接受 {name}", f"{name} is not accepted in JSON", status=400)

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        parsed = json.loads(text, parse_constant=no_constants) if text.strip() else None
    except UnicodeDecodeError:
        raise AppError("bad_json", "请求内容不是 UTF-8 编码", "the request body is not UTF-8", status=400) from None
    except RecursionError:
        raise too_deep() from None
    except json.JSONDecodeError as error:
        raise AppError(
            "bad_json",
            f"请求内容不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列）",
            f"the request body is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            status=400,
        ) from None
    check_tree(parsed)
    return parsed


# --- typed fields for schemas --------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    if unsafe_text(value):
        raise ValueError("contains control characters or invalid Unicode")
    return value


# Refuses control characters and lone surrogates in a schema's string: `Annotated[str, MaxLen(40), CLEAN]` is a
# string of at most 40 characters (its column's length) that a type checker understands.
CLEAN = AfterValidator(_clean)


def Text(max_length: int, *, min_length: int = 0) -> Any:
    """A string of at most `max_length` characters (its column's length), free of control characters: the same as
    `Annotated[str, MinLen(min_length), MaxLen(max_length), CLEAN]`, which type checkers understand."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), CLEAN]


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise ValueError("give the time with its offset, e.g. 2026-11-30T10:00:00+08:00")
    return value


def _plausible_past(value: datetime) -> datetime:
    now = timezone.now()
    if value > now + timedelta(minutes=settings.CLOCK_SKEW_MINUTES):
        raise ValueError("is in the future")
    if value < now - timedelta(days=settings.ACCIDENT_MAX_AGE_DAYS):
        raise ValueError(f"is more than {settings.ACCIDENT_MAX_AGE_DAYS} days ago")
    return value


# An instant that carries its zone ("Z" or "+08:00"); a time without one is refused, never guessed.
AwareDateTime = Annotated[datetime, AfterValidator(_aware)]
# An instant that has happened, recently enough to be reported now (an accident, a stop at the roadside).
PastInstant = Annotated[datetime, AfterValidator(_aware), AfterValidator(_plausible_past)]


def _money(value: Any) -> Any:
    if isinstance(value, float):
        value = repr(value)  # 0.1 stays 0.1, not 0.1000000000000000055…
    return value


def _money_range(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("is not a number")
    if value < 0:
        raise ValueError("cannot be negative")
    if value > Decimal(settings.MONEY_MAX_YUAN):
        raise ValueError(f"is above the ceiling of {settings.MONEY_MAX_YUAN} yuan")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimal places")
    return value.quantize(Decimal("0.01"))


# Yuan with at most two decimals, from 0 to settings.MONEY_MAX_YUAN.
Money = Annotated[Decimal, BeforeValidator(_money), AfterValidator(_money_range)]


def plausible_accident_time(value: datetime, *, field: str = "accident_at") -> datetime:
    """The same check as `PastInstant`, for the web forms and services: an AppError naming the field."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return _plausible_past(value)
    except ValueError:
        now = timezone.now()
        if value > now:
            raise AppError(
                "time_in_future", "时间不能晚于现在", "the time cannot be in the future", field=field
            ) from None
        raise AppError(
            "time_too_old",
            f"时间不能早于 {settings.ACCIDENT_MAX_AGE_DAYS} 天前",
            f"the time cannot be more than {settings.ACCIDENT_MAX_AGE_DAYS} days ago",
            field=field,
        ) from None


def checked_money(value: Any, *, field: str, label: tuple[str, str] | None = None) -> Decimal:
    """Yuan as `Money` reads it, for the web forms and services: an AppError naming the field otherwise — empty is
    refused (it is not 0.00), and `label` (zh, en) names the field in the message too ("A 车损失：…")."""
    from decimal import InvalidOperation

    zh_name, en_name = (f"{label[0]}：", f"{label[1]}: ") if label else ("", "")
    if value is None or (isinstance(value, str) and not money_text(value)):
        raise AppError("no_amount", f"{zh_name}请填写金额（元）", f"{en_name}enter the amount in yuan", field=field)
    try:
        if isinstance(value, str):
            value = money_text(value)
            if not PLAIN_AMOUNT.fullmatch(value):
                raise ValueError("not a plain amount")
        if isinstance(value, bool):
            raise TypeError("not an amount")
        amount = Decimal(_money(value))
        return _money_range(amount)
    except (InvalidOperation, ValueError, TypeError):
        raise AppError(
            "bad_amount",
            f"{zh_name}金额须为 0 至 {settings.MONEY_MAX_YUAN} 元、最多两位小数，如 12000 或 1,500.50",
            f"{en_name}an amount is 0 to {settings.MONEY_MAX_YUAN} yuan with at most two decimals, e.g. 12000 or "
            "1,500.50",
            field=field,
        ) from None
