"""`{% in_language message %}`: of a message carried in both languages (a dict or an object with `zh` and `en`),
the one the reader reads."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.core.errors import in_current_language

register = template.Library()


@register.simple_tag
def in_language(message: Any) -> str:
    if isinstance(message, dict):
        return in_current_language(message["zh"], message["en"])
    return in_current_language(message.zh, message.en)


def joined(items: list[str], english: bool) -> str:
    """A list as each language writes it: 甲、乙、丙 in Chinese; "A", "A and B", "A, B and C" in English."""
    items = [str(item) for item in items]
    if not english:
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


@register.filter
def and_list(items: Any) -> str:
    """`{{ parties|and_list }}`: the list joined for the reader's language (issue 13: "party A、B" in English)."""
    from claimbridge.core.errors import reading_english

    return joined(list(items or []), reading_english())


@register.simple_tag
def colon() -> str:
    """`{% colon %}` after a label: the full-width "：" in Chinese, ": " in English (walk finding: "首次联系: 时限")."""
    return in_current_language("：", ": ")
